"""The trade-off between fairness and churn: best minimum coverage for each churn budget.

"Keep existing links, fill the gaps": a coordinator sees how much fairness each extra change
to the existing plan buys, and where more changes stop helping. `churn_tradeoff` also names the
smallest budget that keeps most of the fairness, which a platform can offer as the default, so
that a new plan never rewrites the existing one further than it needs to.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pairaid.engine.budget import StopToken
from pairaid.engine.instance import Objective, Problem
from pairaid.engine.solve import solve

DEFAULT_SHARE = 0.9
"""The default budget keeps at least this share of the best minimum coverage."""


@dataclass(frozen=True)
class TradeoffPoint:
    churn_budget: int
    min_coverage: float | None
    status: str
    churn: int | None


@dataclass(frozen=True)
class Tradeoff:
    """A churn trade-off curve, its best value and the smallest budget keeping `share` of it.

    `points` are by budget. `best` is the unconstrained max-min coverage (None where no plan was
    found). `budget` is the smallest budget seen whose plan reaches `share` × `best`; `exact`
    says whether the search ended with it proven the smallest (every budget below it seen to
    fall short), rather than cut short by the cap on points or seconds.
    """

    points: list[TradeoffPoint]
    best: float | None
    share: float
    budget: int | None
    exact: bool


def _base(problem: Problem) -> Problem:
    """The problem as the curve solves it: max-min coverage, then the fewest changes."""
    return replace(
        problem,
        objectives=[Objective("max_min_coverage"), Objective("min_churn")],
        policy=replace(problem.policy, churn_budget=None),
    )


def _point(
    base: Problem,
    budget: int | None,
    time_limit_seconds: float | None,
    stop: StopToken | None = None,
) -> TradeoffPoint:
    limited = replace(base, policy=replace(base.policy, churn_budget=budget))
    result = solve(limited, time_limit_seconds=time_limit_seconds, explain=False, stop=stop)
    value = result.levels[0].value if result.levels else None
    churn = result.metrics.get("churn")
    return TradeoffPoint(
        budget if budget is not None else int(churn or 0), value, result.status, churn
    )


def tradeoff_curve(
    problem: Problem,
    budgets: Sequence[int] | None = None,
    *,
    step: int = 2,
    time_limit_seconds: float | None = None,
) -> list[TradeoffPoint]:
    """Best max-min coverage under churn budgets 0, step, 2·step, … against the existing plan.

    Without explicit budgets, the curve stops at the first budget that reaches the fairness of
    an unconstrained plan (more changes cannot help), or at twice the number of donors.
    """
    base = _base(problem)
    best = _point(base, None, time_limit_seconds).min_coverage
    if budgets is None:
        top = 2 * len(problem.donors) + len(problem.policy.existing_plan)
        budgets = range(0, top + 1, step)
    points = []
    for budget in budgets:
        point = _point(base, budget, time_limit_seconds)
        points.append(point)
        if (
            best is not None
            and point.min_coverage is not None
            and point.min_coverage >= best - 1e-9
        ):
            break
    return points


def churn_tradeoff(
    problem: Problem,
    *,
    max_points: int = 10,
    seconds: float = 60.0,
    share: float = DEFAULT_SHARE,
    stop: StopToken | None = None,
) -> Tradeoff:
    """The curve at most `max_points` points long, computed within about `seconds`, searching
    for the smallest budget that keeps `share` of the unconstrained max-min coverage.

    The unconstrained plan is the first point (at the churn it needed), budget 0 the second;
    then the budgets are halved between the last that fell short and the first that reached
    the target. Coverage never falls as the budget grows, so the halving finds the smallest
    budget, and its points spread over the curve (0, ½, ¼, … of the unconstrained churn). Each
    solve gets an equal share of `seconds`; a solve not proven optimal can only make the budget
    larger, never one whose plan falls short.
    """
    deadline = time.monotonic() + seconds
    per_solve = seconds / (max_points + 1)
    base = _base(problem)
    unconstrained = _point(base, None, per_solve, stop)
    if unconstrained.min_coverage is None:
        return Tradeoff([], None, share, None, exact=False)
    best, target = unconstrained.min_coverage, share * unconstrained.min_coverage
    seen = {unconstrained.churn_budget: unconstrained}

    def reaches(point: TradeoffPoint) -> bool:
        return point.min_coverage is not None and point.min_coverage >= target - 1e-9

    short, enough = -1, unconstrained.churn_budget  # the budget below `enough` still unknown
    while enough - short > 1 and len(seen) < max_points and time.monotonic() < deadline:
        if stop is not None and stop.is_set():
            break
        budget = 0 if short < 0 else (short + enough) // 2
        remaining = max(1.0, min(per_solve, deadline - time.monotonic()))
        point = seen[budget] = _point(base, budget, remaining, stop)
        short, enough = (short, budget) if reaches(point) else (budget, enough)
    points = sorted(seen.values(), key=lambda point: point.churn_budget)
    return Tradeoff(points, best, share, enough, exact=enough - short <= 1)
