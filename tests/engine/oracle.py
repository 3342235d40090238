"""Brute-force oracles: enumerate every assignment of a tiny instance and score it directly.

Deliberately independent of the engine's evaluator: coverage, feasibility and the continuous
split are computed here from first principles.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import highspy
from highspy._core import _Highs

from pairaid.engine import Problem

Plan = frozenset[tuple[str, str]]


def candidate_plans(problem: Problem) -> Iterator[Plan]:
    """Every plan in which each donor serves between its minimum and maximum recipients."""
    recipients = [r.id for r in problem.recipients]
    degree = problem.policy.donor_degree
    top = len(recipients) if degree.maximum is None else degree.maximum
    choices = [
        [
            c
            for size in range(degree.minimum, top + 1)
            for c in itertools.combinations(recipients, size)
        ]
        for _ in problem.donors
    ]
    for picks in itertools.product(*choices):
        yield frozenset(
            (d.id, r) for d, chosen in zip(problem.donors, picks, strict=True) for r in chosen
        )


def feasible(problem: Problem, plan: Plan) -> bool:
    policy = problem.policy
    for donor, recipient in plan:
        if (donor, recipient) in policy.forbidden_pairs:
            return False
        hours = problem.pair_data(donor, recipient).travel_hours
        if (
            policy.max_travel_hours is not None
            and hours is not None
            and hours > policy.max_travel_hours
        ):
            return False
    for recipient in problem.recipients:
        count = sum(1 for _, r in plan if r == recipient.id)
        if not policy.recipient_degree.allows(count):
            return False
    if not policy.required_pairs <= plan:
        return False
    churn = len(plan ^ policy.existing_plan)
    return policy.churn_budget is None or churn <= policy.churn_budget


def coverages(problem: Problem, plan: Plan) -> list[float]:
    """Coverage of every recipient with need; shared donors split by an exact max-min LP."""
    shared = any(sum(1 for d, _ in plan if d == donor.id) > 1 for donor in problem.donors)
    if shared:
        return _split_coverages(problem, plan)
    values = []
    for recipient in problem.recipients:
        ratios = [
            sum(problem.donor_by_id[d].capacity.get(k, 0) for d, r in plan if r == recipient.id) / q
            for k, q in recipient.need.items()
            if q > 0
        ]
        if ratios:
            values.append(min(1.0, min(ratios)))
    return values


def _split_coverages(problem: Problem, plan: Plan) -> list[float]:
    """Max-min split for one resource `k0` (the oracle instances with splits have one)."""
    highs = _Highs()
    highs.setOptionValue("output_flag", False)
    pairs = sorted(plan)
    inf = highspy.kHighsInf
    highs.addVar(0.0, 1.0)  # t, saturated at 1
    for _ in pairs:
        highs.addVar(0.0, inf)
    highs.changeColCost(0, 1.0)
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    for donor in problem.donors:
        columns = [1 + n for n, (d, _) in enumerate(pairs) if d == donor.id]
        if columns:
            highs.addRow(-inf, donor.capacity["k0"], len(columns), columns, [1.0] * len(columns))
    for recipient in problem.recipients:
        columns = [1 + n for n, (_, r) in enumerate(pairs) if r == recipient.id]
        need = recipient.need["k0"]
        highs.addRow(0.0, inf, len(columns) + 1, [0, *columns], [-need] + [1.0] * len(columns))
    highs.run()
    return [highs.getSolution().col_value[0]]  # only the minimum is compared for split cases


def best_levels(problem: Problem, levels: list[str]) -> list[float] | None:
    """The lexicographic optimum of the level values, or None when no plan is feasible."""
    best: list[float] | None = None
    for plan in candidate_plans(problem):
        if not feasible(problem, plan):
            continue
        values = level_values(problem, plan, levels)
        signed = [-v if _maximised(n) else v for n, v in zip(levels, values, strict=True)]
        if best is None or _less(signed, best):
            best = signed
    if best is None:
        return None
    return [-v if _maximised(n) else v for n, v in zip(levels, best, strict=True)]


def _less(a: list[float], b: list[float]) -> bool:
    for x, y in zip(a, b, strict=True):
        if x < y - 1e-9:
            return True
        if x > y + 1e-9:
            return False
    return False


def _maximised(level: str) -> bool:
    return level == "max_min_coverage" or level.startswith("leximin_")


def level_values(problem: Problem, plan: Plan, levels: list[str]) -> list[float]:
    values: list[float] = []
    cover = sorted(coverages(problem, plan))
    for name in levels:
        if name == "max_min_coverage":
            values.append(cover[0] if cover else 0.0)
        elif name.startswith("leximin_"):
            values.append(sum(cover[: int(name.removeprefix("leximin_"))]))
        elif name == "min_churn":
            values.append(float(len(plan ^ problem.policy.existing_plan)))
        else:
            field = "cost" if name == "min_cost" else "travel_hours"
            values.append(sum(getattr(problem.pair_data(d, r), field) or 0.0 for d, r in plan))
    return values
