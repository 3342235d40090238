"""The renewal equation with a time-varying reproduction number, estimated as in Cori et al. 2013.

Expected new cases on day t are R_t * Lambda_t, where the total infectiousness
Lambda_t = sum_s w_s I_{t-s} weighs past cases I by the serial interval w (parameters.py). Over a
window of days, R has the conjugate gamma posterior

    shape = a + sum(I),   scale = 1 / (1/b + sum(Lambda))

with the prior gamma(a, b). Forecast paths draw one R from that posterior (the window ending on
the last reported day) and keep it over the horizon, drawing each day's cases from the
observation noise around R * Lambda.

How the record's quirks enter (nothing is filled):
- an increment reported after missing days is one interval count: it enters a window's sum(I)
  only when the whole interval lies in the window, with the Lambda of every day it covers;
- Lambda on a day whose past includes missing days uses the serial-interval weights of the
  reported days only, renormalised to sum to 1 (an estimate from the days known);
- a negative increment (a revision) counts in sum(I) as reported, but infects no one: it enters
  Lambda as 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from pairaid.forecast import parameters
from pairaid.forecast.series import DailySeries, FloatArray, daily_new_cases, reported_intervals


def serial_interval_weights(
    mean_days: float = parameters.SERIAL_INTERVAL_MEAN_DAYS,
    sd_days: float = parameters.SERIAL_INTERVAL_SD_DAYS,
    max_days: int = parameters.SERIAL_INTERVAL_MAX_DAYS,
) -> FloatArray:
    """w_1 .. w_max: a lognormal serial interval's mass on each whole day (day s covers
    (s - 0.5, s + 0.5], day 1 also everything below), renormalised to sum to 1."""
    sigma_squared = np.log(1.0 + (sd_days / mean_days) ** 2)
    distribution = stats.lognorm(
        s=np.sqrt(sigma_squared), scale=mean_days * np.exp(-sigma_squared / 2)
    )
    edges = np.arange(max_days + 1, dtype=np.float64) + 0.5
    edges[0] = 0.0
    mass = np.diff(distribution.cdf(edges))
    weights: FloatArray = mass / mass.sum()
    return weights


def infectiousness(incidence: FloatArray, weights: FloatArray) -> FloatArray:
    """Lambda_t for every day of `incidence` (NaN = unknown day), from the days before it.

    Unknown days drop out and the remaining weights are renormalised; Lambda is NaN on a day
    with no known day within the serial interval. Negative counts infect no one (taken as 0).
    """
    known = ~np.isnan(incidence)
    cases = np.where(known, np.maximum(incidence, 0.0), 0.0)
    result = np.full(len(incidence), np.nan)
    for day in range(1, len(incidence)):
        lags = np.arange(1, min(len(weights), day) + 1)
        past = day - lags
        mass = weights[lags - 1] * known[past]
        if mass.sum() > 0:
            result[day] = float((mass * cases[past]).sum() / mass.sum())
    return result


@dataclass(frozen=True)
class ReproductionPosterior:
    """Gamma posterior of R over one window: its shape and scale, and the window's evidence."""

    shape: float
    scale: float
    cases: float
    infectiousness: float

    @property
    def mean(self) -> float:
        return self.shape * self.scale


def estimate_reproduction(
    series: DailySeries,
    end: int,
    window_days: int = parameters.R_WINDOW_DAYS,
    weights: FloatArray | None = None,
) -> ReproductionPosterior:
    """Cori's posterior of R over the `window_days` ending on day `end` (inclusive)."""
    weights = serial_interval_weights() if weights is None else weights
    lam = infectiousness(daily_new_cases(series.up_to(series.day_at(end))), weights)
    first = end - window_days + 1
    cases = 0.0
    total_infectiousness = 0.0
    for interval in reported_intervals(series):
        covered = range(interval.start + 1, interval.end + 1)
        if covered.start >= first and covered.stop - 1 <= end:
            covered_lambda = lam[covered.start : covered.stop]
            if np.isnan(covered_lambda).any():
                continue  # a day with no known past: no evidence about R
            cases += interval.count
            total_infectiousness += float(covered_lambda.sum())
    shape = parameters.R_PRIOR_SHAPE + max(cases, 0.0)
    scale = 1.0 / (1.0 / parameters.R_PRIOR_SCALE + total_infectiousness)
    return ReproductionPosterior(shape, scale, cases, total_infectiousness)


def simulate_new_cases(
    series: DailySeries,
    end: int,
    days_ahead: int,
    paths: int,
    rng: np.random.Generator,
    weights: FloatArray | None = None,
) -> FloatArray:
    """Sample paths (paths x days_ahead) of daily new cases after day `end`, each with its own R
    drawn from the posterior over the window ending on `end`."""
    weights = serial_interval_weights() if weights is None else weights
    posterior = estimate_reproduction(series, end, weights=weights)
    reproduction = rng.gamma(posterior.shape, posterior.scale, size=paths)
    history = daily_new_cases(series.up_to(series.day_at(end)))[-len(weights) :]
    known = ~np.isnan(history)
    past = np.tile(np.where(known, np.maximum(history, 0.0), 0.0), (paths, 1))
    past_known = known.astype(np.float64)
    simulated = np.zeros((paths, days_ahead))
    for step in range(days_ahead):
        # lag s of the new day sits at the column -s of `past` / `past_known`
        window = min(len(weights), past.shape[1])
        lag_weights = weights[:window][::-1] * past_known[-window:]
        mass = lag_weights.sum()
        expected = reproduction * (past[:, -window:] @ lag_weights) / mass if mass > 0 else 0.0
        simulated[:, step] = draw_counts(np.broadcast_to(expected, (paths,)), rng)
        past = np.hstack([past, simulated[:, step : step + 1]])
        past_known = np.append(past_known, 1.0)
    return simulated


def draw_counts(expected: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Counts around their expected values with the stated negative binomial noise
    (size parameters.OBSERVATION_SIZE; variance = mean + mean^2 / size)."""
    size = parameters.OBSERVATION_SIZE
    mean = np.maximum(np.asarray(expected, dtype=np.float64), 0.0)
    counts: FloatArray = rng.negative_binomial(size, size / (size + mean)).astype(np.float64)
    return counts
