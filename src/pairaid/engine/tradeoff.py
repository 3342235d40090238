"""The trade-off between fairness and churn: best minimum coverage for each churn budget.

"Keep existing links, fill the gaps": a coordinator sees how much fairness each extra change
to the existing plan buys, and where more changes stop helping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pairaid.engine.instance import Objective, Problem
from pairaid.engine.solve import solve


@dataclass(frozen=True)
class TradeoffPoint:
    churn_budget: int
    min_coverage: float | None
    status: str
    churn: int | None


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
    base = replace(
        problem,
        objectives=[Objective("max_min_coverage"), Objective("min_churn")],
        policy=replace(problem.policy, churn_budget=None),
    )
    unconstrained = solve(base, time_limit_seconds=time_limit_seconds, explain=False)
    best = unconstrained.levels[0].value if unconstrained.levels else None
    if budgets is None:
        top = 2 * len(problem.donors) + len(problem.policy.existing_plan)
        budgets = range(0, top + 1, step)
    points = []
    for budget in budgets:
        limited = replace(base, policy=replace(base.policy, churn_budget=budget))
        result = solve(limited, time_limit_seconds=time_limit_seconds, explain=False)
        value = result.levels[0].value if result.levels else None
        points.append(TradeoffPoint(budget, value, result.status, result.metrics.get("churn")))
        if best is not None and value is not None and value >= best - 1e-9:
            break
    return points
