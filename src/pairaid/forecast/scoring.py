"""Scores of a quantile forecast against what was observed.

Weighted interval score (Bracher, Ray, Gneiting & Reich 2021, PLoS Comput Biol 17(2):e1008618):
for the median m and K central intervals [l_k, u_k] at levels 1 - alpha_k,

    IS_alpha(F, y) = (u - l) + (2/alpha) (l - y) 1[y < l] + (2/alpha) (y - u) 1[y > u]
    WIS(F, y) = 1 / (K + 1/2) * ( 1/2 |y - m| + sum_k (alpha_k / 2) IS_alpha_k(F, y) )

With the 23 hub quantiles, K = 11 (alpha = 0.02, 0.05, 0.1, 0.2, ..., 0.9). Lower is better; it
is in the unit of the target. On the log scale, quantiles and observation are mapped by
log(x + 1) first (a monotone map, so quantiles stay quantiles); an observation below 0 (a
revision) is taken as 0 there.
"""

from __future__ import annotations

import numpy as np

from pairaid.forecast.series import FloatArray


def central_intervals(
    levels: tuple[float, ...], values: FloatArray
) -> list[tuple[float, float, float]]:
    """(alpha, lower, upper) of each central interval the quantiles hold, widest first."""
    by_level = {round(level, 6): float(value) for level, value in zip(levels, values, strict=True)}
    intervals = []
    for level in sorted(by_level):
        upper_level = round(1.0 - level, 6)
        if level < 0.5 and upper_level in by_level:
            intervals.append((round(2 * level, 6), by_level[level], by_level[upper_level]))
    return intervals


def median_of(levels: tuple[float, ...], values: FloatArray) -> float:
    position = [round(level, 6) for level in levels].index(0.5)
    return float(values[position])


def interval_score(alpha: float, lower: float, upper: float, observed: float) -> float:
    """IS_alpha: the width, plus 2/alpha times how far the observation falls outside."""
    below = (2.0 / alpha) * (lower - observed) if observed < lower else 0.0
    above = (2.0 / alpha) * (observed - upper) if observed > upper else 0.0
    return (upper - lower) + below + above


def weighted_interval_score(
    levels: tuple[float, ...], values: FloatArray, observed: float
) -> float:
    """WIS of the quantiles (must include the median) against the observation."""
    intervals = central_intervals(levels, values)
    total = 0.5 * abs(observed - median_of(levels, values))
    total += sum(
        (alpha / 2.0) * interval_score(alpha, low, high, observed) for alpha, low, high in intervals
    )
    return total / (len(intervals) + 0.5)


def absolute_error_of_median(
    levels: tuple[float, ...], values: FloatArray, observed: float
) -> float:
    return abs(observed - median_of(levels, values))


def central_interval(
    levels: tuple[float, ...], values: FloatArray, central_share: float
) -> tuple[float, float]:
    """(lower, upper) of the central interval holding `central_share` (0.5, 0.9)."""
    for alpha, lower, upper in central_intervals(levels, values):
        if abs((1.0 - alpha) - central_share) < 1e-9:
            return lower, upper
    raise ValueError(f"the quantiles hold no central {central_share:.0%} interval")


def covered(
    levels: tuple[float, ...], values: FloatArray, observed: float, central_share: float
) -> bool:
    """Whether the central interval holding `central_share` contains the observation."""
    lower, upper = central_interval(levels, values, central_share)
    return lower <= observed <= upper


def below(
    levels: tuple[float, ...], values: FloatArray, observed: float, central_share: float
) -> bool:
    """Whether the observation falls below the central interval holding `central_share`."""
    return observed < central_interval(levels, values, central_share)[0]


def on_log_scale(values: FloatArray | float) -> FloatArray:
    """log(x + 1), with x below 0 taken as 0."""
    mapped: FloatArray = np.log1p(np.maximum(np.asarray(values, dtype=np.float64), 0.0))
    return mapped


def empirical_coverage(hits: list[bool]) -> float:
    """The share of outcomes inside their interval (NaN for none)."""
    return float(np.mean(hits)) if hits else float("nan")


def relative_wis(method_scores: list[float], baseline_scores: list[float]) -> float:
    """Mean WIS of a method over mean WIS of a baseline on the same forecasts (< 1: better)."""
    if len(method_scores) != len(baseline_scores):
        raise ValueError("relative WIS compares the same forecasts: the lists differ in length")
    baseline = float(np.mean(baseline_scores)) if baseline_scores else float("nan")
    if not baseline:
        return float("nan")
    return float(np.mean(method_scores)) / baseline
