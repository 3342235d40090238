"""Active cases need an outflow: patients who are cured or die.

Assumption (stated, not estimated from a model of illness): each day, every active case leaves
(cured or dead) with the same probability, the outflow ratio observed over the last week before
the forecast origin:

    ratio = (cured + dead on the last reported day - cured + dead a week before)
            / (days between them * mean active cases on the reported days between them)

clipped to [0, 1]. It is held constant over the horizon; each path draws its daily outflow as a
binomial count of its own active cases. The ratio rose through February 2020 as patients began
to be discharged, so a constant ratio under-states later outflow.
"""

from __future__ import annotations

import numpy as np

from pairaid.forecast.series import DailySeries, FloatArray

OUTFLOW_LOOKBACK_DAYS = 7


def outflow_ratio(series: DailySeries, end: int) -> float:
    """The daily share of active cases cured or dead over the week ending on day `end`."""
    start = series.last_observed_at_or_before(end - OUTFLOW_LOOKBACK_DAYS)
    if start is None:
        start = series.last_observed_at_or_before(0) or _first_observed(series)
    if start is None or start >= end:
        return 0.0
    left = series.cured[end] + series.dead[end] - series.cured[start] - series.dead[start]
    active = series.active[start:end]
    mean_active = float(np.nanmean(active)) if np.any(~np.isnan(active)) else 0.0
    if mean_active <= 0:
        return 0.0
    return float(np.clip(left / ((end - start) * mean_active), 0.0, 1.0))


def _first_observed(series: DailySeries) -> int | None:
    for position in range(series.days):
        if series.observed(position):
            return position
    return None


def simulate_active(
    active_now: float, new_cases: FloatArray, ratio: float, rng: np.random.Generator
) -> FloatArray:
    """Active cases on each day of the paths (paths x days): yesterday's, plus new cases, less a
    binomial outflow at `ratio`."""
    paths, days = new_cases.shape
    active = np.zeros((paths, days))
    current = np.full(paths, max(active_now, 0.0))
    for step in range(days):
        leaving = rng.binomial(current.astype(np.int64), ratio)
        current = current - leaving + new_cases[:, step]
        active[:, step] = current
    return active
