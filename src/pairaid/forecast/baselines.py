"""Two baselines that any forecast must beat.

- persistence: the last week's new cases repeat, every week of the horizon;
- last week's growth: the week-on-week ratio g = (last week + 1) / (the week before + 1)
  continues: week w of the horizon expects last week * g^w (the +1 keeps g defined after a week
  without cases).

"Last week" is the cumulative count on the last reported day less the count on the last reported
day at least 7 days before it, per day of that span (so a missing day changes the span, never the
count). A negative week (revisions) expects 0. Each day of a week expects a seventh of its
week's total, drawn with the same negative binomial noise as the renewal model
(renewal.draw_counts), independently per day and path.
"""

from __future__ import annotations

import numpy as np

from pairaid.forecast.renewal import draw_counts
from pairaid.forecast.series import DailySeries, FloatArray

WEEK_DAYS = 7


def weekly_rate(series: DailySeries, end: int) -> tuple[float, int | None]:
    """New cases per day over the week ending on day `end`, and the day that week starts from."""
    start = series.last_observed_at_or_before(end - WEEK_DAYS)
    if start is None:
        return 0.0, None
    return float(series.confirmed[end] - series.confirmed[start]) / (end - start), start


def persistence_means(series: DailySeries, end: int, days_ahead: int) -> FloatArray:
    """Expected new cases on each day after `end`: last week's daily rate."""
    rate, _ = weekly_rate(series, end)
    return np.full(days_ahead, max(rate, 0.0))


def growth_means(series: DailySeries, end: int, days_ahead: int) -> FloatArray:
    """Expected new cases on each day after `end`: last week's daily rate times g per week."""
    rate, start = weekly_rate(series, end)
    growth = 1.0
    if start is not None:
        previous_rate, previous_start = weekly_rate(series, start)
        if previous_start is not None:
            last_week = max(rate, 0.0) * WEEK_DAYS
            week_before = max(previous_rate, 0.0) * WEEK_DAYS
            growth = (last_week + 1.0) / (week_before + 1.0)
    weeks_ahead = np.arange(days_ahead) // WEEK_DAYS + 1
    means: FloatArray = max(rate, 0.0) * np.power(growth, weeks_ahead, dtype=np.float64)
    return means


def simulate(means: FloatArray, paths: int, rng: np.random.Generator) -> FloatArray:
    """Sample paths (paths x days) of daily new cases around `means`."""
    return draw_counts(np.tile(means, (paths, 1)), rng)
