"""Backtest scores summed up: per recipient (or all together), period, horizon and target, each
method's mean scores and its relative WIS against the best baseline on the same forecasts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pairaid.forecast import scoring
from pairaid.forecast.backtest import BacktestScore
from pairaid.forecast.methods import BASELINES, Method

ALL_RECIPIENTS = "all"

# The target, for February at both horizons (new confirmed cases): relative WIS on the
# log scale below 1 against the best baseline, and 90 % intervals covering 80-95 % of outcomes.
TARGET_RELATIVE_WIS_BELOW = 1.0
TARGET_COVERAGE_90 = (0.80, 0.95)


@dataclass(frozen=True)
class SummaryRow:
    recipient: str
    period: str
    horizon_days: int
    target: str
    method: Method
    forecasts: int
    mean_wis_log: float
    mean_wis: float
    mean_median_error: float
    coverage_50: float
    coverage_90: float
    below_90: float
    best_baseline: Method
    relative_wis_log: float

    @property
    def meets_target(self) -> bool:
        low, high = TARGET_COVERAGE_90
        return self.relative_wis_log < TARGET_RELATIVE_WIS_BELOW and low <= self.coverage_90 <= high


Group = tuple[str, str, int, str]


def summarise(
    scores: Sequence[BacktestScore],
    *,
    per_recipient: bool = True,
    keep: Callable[[BacktestScore], bool] = lambda score: True,
) -> list[SummaryRow]:
    """One row per group and method, for the scores `keep` accepts."""
    grouped: dict[Group, dict[Method, list[BacktestScore]]] = defaultdict(lambda: defaultdict(list))
    for score in scores:
        if keep(score):
            recipient = score.recipient if per_recipient else ALL_RECIPIENTS
            key: Group = (recipient, score.period, score.horizon_days, score.target)
            grouped[key][score.method].append(score)
    rows = []
    for group, by_method in grouped.items():
        rows.extend(_rows(group, by_method))
    return rows


def _rows(group: Group, by_method: dict[Method, list[BacktestScore]]) -> list[SummaryRow]:
    def mean_wis_log(method: Method) -> float:
        return float(np.mean([s.wis_log for s in by_method[method]]))

    present = [baseline for baseline in BASELINES if baseline in by_method]
    if not present:
        return []
    best = min(present, key=mean_wis_log)
    rows = []
    for method, scores in by_method.items():
        rows.append(
            SummaryRow(
                *group,
                method=method,
                forecasts=len(scores),
                mean_wis_log=mean_wis_log(method),
                mean_wis=float(np.mean([s.wis for s in scores])),
                mean_median_error=float(np.mean([s.median_error for s in scores])),
                coverage_50=scoring.empirical_coverage([s.covered_50 for s in scores]),
                coverage_90=scoring.empirical_coverage([s.covered_90 for s in scores]),
                below_90=scoring.empirical_coverage([s.below_90 for s in scores]),
                best_baseline=best,
                relative_wis_log=scoring.relative_wis(
                    [s.wis_log for s in scores], [s.wis_log for s in by_method[best]]
                ),
            )
        )
    return rows
