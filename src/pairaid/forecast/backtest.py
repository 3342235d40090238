"""Rolling-origin backtest: forecast every recipient from every origin with the record known then,
and score each forecast against what the record later showed. Plain data in, plain data out."""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pairaid.forecast import renewal, scoring
from pairaid.forecast.methods import METHODS, Method, forecast
from pairaid.forecast.outflow import outflow_ratio
from pairaid.forecast.parameters import SAMPLE_PATHS
from pairaid.forecast.paths import TARGETS, QuantileForecast, Target, quantile_forecasts
from pairaid.forecast.series import DailySeries

# Hubei began counting clinically diagnosed cases on 2020-02-12 (13,332 of that day's 14,840 new
# cases): a forecast window holding that day is flagged, not dropped.
CLINICAL_DIAGNOSIS_DAY = datetime.date(2020, 2, 12)

# The 16 recipients of hubei-2020: Hubei's 17 prefecture-level units less Wuhan (the pairing of
# 2020-02-10, facts/covid2020_hubei_pairing.csv).
HUBEI_2020_RECIPIENTS: tuple[tuple[str, str], ...] = (
    ("420200", "Huangshi"),
    ("420300", "Shiyan"),
    ("420500", "Yichang"),
    ("420600", "Xiangyang"),
    ("420700", "Ezhou"),
    ("420800", "Jingmen"),
    ("420900", "Xiaogan"),
    ("421000", "Jingzhou"),
    ("421100", "Huanggang"),
    ("421200", "Xianning"),
    ("421300", "Suizhou"),
    ("422800", "Enshi"),
    ("429004", "Xiantao"),
    ("429005", "Qianjiang"),
    ("429006", "Tianmen"),
    ("429021", "Shennongjia"),
)
HUBEI_2020_FIRST_ORIGIN = datetime.date(2020, 2, 1)
HUBEI_2020_LAST_ORIGIN = datetime.date(2020, 3, 15)
HORIZONS_DAYS = (7, 14)


@dataclass(frozen=True)
class BacktestScore:
    """The scores of one forecast: one recipient, origin, horizon, target and method."""

    recipient: str
    origin: datetime.date
    horizon_days: int
    target: Target
    method: Method
    observed: float
    median: float
    wis: float
    wis_log: float
    median_error: float
    median_error_log: float
    covered_50: bool
    covered_90: bool
    below_90: bool

    @property
    def period(self) -> str:
        """The month of the origin, by name (February and March are reported apart)."""
        return self.origin.strftime("%B")

    @property
    def crosses_clinical_jump(self) -> bool:
        """Whether the forecast window (origin, origin + horizon] holds 2020-02-12."""
        end = self.origin + datetime.timedelta(days=self.horizon_days)
        return self.origin < CLINICAL_DIAGNOSIS_DAY <= end


def daily_origins(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def observed_outcome(
    series: DailySeries, origin: datetime.date, target: Target, horizon_days: int
) -> float | None:
    """What the record shows for the target, or None where a day it needs is missing."""
    at_origin = series.index_of(origin)
    at_horizon = at_origin + horizon_days
    if not (series.observed(at_origin) and series.observed(at_horizon)):
        return None
    if target == "new_confirmed":
        return float(series.confirmed[at_horizon] - series.confirmed[at_origin])
    return float(series.active[at_horizon])


def forecast_seed(
    seed: int, recipient: str, origin: datetime.date, method: Method
) -> tuple[int, ...]:
    """A seed of its own for each forecast, the same in every run with the same `seed`."""
    return (seed, zlib.crc32(recipient.encode()), origin.toordinal(), METHODS.index(method))


def backtest(
    series_by_recipient: Mapping[str, DailySeries],
    origins: Sequence[datetime.date],
    *,
    horizons: Sequence[int] = HORIZONS_DAYS,
    methods: Sequence[Method] = METHODS,
    paths: int = SAMPLE_PATHS,
    seed: int = 0,
) -> list[BacktestScore]:
    """Score every method's forecast for every recipient, origin, horizon and target whose
    outcome the record holds (others are left out for every method alike)."""
    scores = []
    for recipient, series in series_by_recipient.items():
        for origin in origins:
            outcomes = {
                (target, horizon): observed_outcome(series, origin, target, horizon)
                for target in TARGETS
                for horizon in horizons
            }
            if all(value is None for value in outcomes.values()):
                continue
            for method in methods:
                sample_paths = forecast(
                    series.up_to(origin),
                    origin,
                    method,
                    horizon_days=max(horizons),
                    paths=paths,
                    seed=forecast_seed(seed, recipient, origin, method),
                )
                for quantiles in quantile_forecasts(sample_paths, tuple(horizons)):
                    observed = outcomes[(quantiles.target, quantiles.horizon_days)]
                    if observed is not None:
                        scores.append(_score(recipient, quantiles, observed))
    return scores


def _score(recipient: str, quantiles: QuantileForecast, observed: float) -> BacktestScore:
    levels, values = quantiles.levels, quantiles.values
    log_values, log_observed = scoring.on_log_scale(values), float(scoring.on_log_scale(observed))
    return BacktestScore(
        recipient=recipient,
        origin=quantiles.origin,
        horizon_days=quantiles.horizon_days,
        target=quantiles.target,
        method=quantiles.method,  # type: ignore[arg-type]
        observed=observed,
        median=scoring.median_of(levels, values),
        wis=scoring.weighted_interval_score(levels, values, observed),
        wis_log=scoring.weighted_interval_score(levels, log_values, log_observed),
        median_error=scoring.absolute_error_of_median(levels, values, observed),
        median_error_log=scoring.absolute_error_of_median(levels, log_values, log_observed),
        covered_50=scoring.covered(levels, values, observed, 0.5),
        covered_90=scoring.covered(levels, values, observed, 0.9),
        below_90=scoring.below(levels, values, observed, 0.9),
    )


def changes_after(
    series_by_recipient: Mapping[str, DailySeries],
    origins: Sequence[datetime.date],
    horizon_days: int,
    measure: Callable[[DailySeries, int], float],
) -> list[float]:
    """For every recipient and origin: `measure` on the day `horizon_days` after the origin over
    `measure` on the origin (where both days are reported and the first is positive). Read from
    the whole record, after the fact: how far a quantity a forecast held constant moved."""
    ratios = []
    for series in series_by_recipient.values():
        for origin in origins:
            start = series.index_of(origin)
            end = start + horizon_days
            if series.observed(start) and series.observed(end):
                before = measure(series, start)
                if before > 0:
                    ratios.append(measure(series, end) / before)
    return ratios


def reproduction_changes(
    series_by_recipient: Mapping[str, DailySeries],
    origins: Sequence[datetime.date],
    horizon_days: int,
) -> list[float]:
    """How R (Cori's posterior mean, the window ending on the day) moved after each origin."""
    weights = renewal.serial_interval_weights()

    def reproduction(series: DailySeries, day: int) -> float:
        return renewal.estimate_reproduction(series, day, weights=weights).mean

    return changes_after(series_by_recipient, origins, horizon_days, reproduction)


def outflow_changes(
    series_by_recipient: Mapping[str, DailySeries],
    origins: Sequence[datetime.date],
    horizon_days: int,
) -> list[float]:
    """How the outflow ratio (cured + dead per active case per day) moved after each origin."""
    return changes_after(series_by_recipient, origins, horizon_days, outflow_ratio)
