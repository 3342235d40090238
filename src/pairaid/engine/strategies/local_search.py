"""Local search: improve a plan by moving one donor, or swapping two donors' recipients.

It works where each donor serves exactly one recipient (the default policy) and compares plans
lexicographically: first the size of policy breaches, then each objective level in order.
Deterministic: moves are tried in donor and recipient order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.instance import Assignment, ObjectiveLevel, Problem
from pairaid.engine.metrics import ordered_sum

Score = tuple[float, ...]


class _Scorer:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.levels = problem.objective_levels
        self.needs = {r.id: {k: q for k, q in r.need.items() if q > 0} for r in problem.recipients}

    def score(self, plan: dict[str, str]) -> Score:
        """Lower is better: (breaches, then each level signed so that lower is better)."""
        problem = self.problem
        policy = problem.policy
        links = {r.id: 0 for r in problem.recipients}
        load = {r.id: 0.0 for r in problem.recipients}
        received: dict[str, dict[str, float]] = {r.id: {} for r in problem.recipients}
        for donor, recipient in plan.items():
            links[recipient] += 1
            load[recipient] += problem.load(donor, recipient)
            totals = received[recipient]
            for resource, quantity in problem.donor_by_id[donor].capacity.items():
                totals[resource] = totals.get(resource, 0.0) + quantity
        degree = policy.recipient_degree
        breach: float = sum(max(0, degree.minimum - n) for n in links.values())
        if degree.maximum is not None:
            breach += sum(max(0, n - degree.maximum) for n in links.values())
        breach += sum(max(0.0, load[r] - limit) for r, limit in policy.absorption.items())
        existing = policy.existing_plan
        churn = len(existing ^ set(plan.items()))
        if policy.churn_budget is not None:
            breach += max(0, churn - policy.churn_budget)
        coverage = [self._coverage(received[r], need) for r, need in self.needs.items() if need]
        return (breach, *(self._level(level, coverage, plan, churn) for level in self.levels))

    def _coverage(self, received: dict[str, float], need: dict[str, float]) -> float:
        saturation = self.problem.saturation
        ratios = [received.get(k, 0.0) / q for k, q in need.items()]
        value = min(ratios)
        return value if saturation is None else min(saturation, value)

    def _level(
        self, level: ObjectiveLevel, coverage: list[float], plan: dict[str, str], churn: int
    ) -> float:
        if level.measure == "ordered_coverage":
            return -ordered_sum(coverage, level.k)
        if level.measure == "churn":
            return float(churn)
        measure = level.measure  # the pair's field: travel_hours or cost
        return sum(getattr(self.problem.pair_data(d, r), measure) or 0.0 for d, r in plan.items())


def applies(problem: Problem) -> bool:
    """Local search handles the one-recipient-per-donor policy only."""
    return problem.policy.donor_degree.maximum == 1


def improve(
    problem: Problem,
    plan: Sequence[Assignment],
    *,
    time_limit_seconds: float = 5.0,
    max_evaluations: int = 100_000,
    stop: Callable[[], bool] | None = None,
) -> tuple[Assignment, ...]:
    """A plan at least as good as `plan` (by the lexicographic score), without a split.

    `max_evaluations` is a work limit: with an unlimited time, the result does not depend on
    the machine's speed (deterministic mode). `stop`, asked between neighbours, ends it early."""
    if not applies(problem):
        return tuple(Assignment(a.donor, a.recipient) for a in plan)
    deadline = time.monotonic() + time_limit_seconds
    scorer = _Scorer(problem)
    current = {a.donor: a.recipient for a in plan}
    options: dict[str, list[str]] = {d.id: [] for d in problem.donors}
    for donor, recipient in eligible_pairs(problem):
        options[donor].append(recipient)
    fixed = {donor for donor, _ in problem.policy.required_pairs}
    best = scorer.score(current)
    evaluations = 0
    improved = True
    while improved:
        improved = False
        for candidate in _neighbours(current, options, fixed):
            evaluations += 1
            if (
                evaluations > max_evaluations
                or time.monotonic() > deadline
                or (stop is not None and stop())
            ):
                return _as_plan(current)
            candidate_score = scorer.score(candidate)
            if candidate_score < best:
                current, best, improved = candidate, candidate_score, True
                break
    return _as_plan(current)


def _neighbours(
    plan: dict[str, str], options: dict[str, list[str]], fixed: set[str]
) -> Iterator[dict[str, str]]:
    movable = [d for d in plan if d not in fixed]
    for donor in movable:
        for recipient in options[donor]:
            if recipient != plan[donor]:
                yield {**plan, donor: recipient}
    for index, first in enumerate(movable):
        for second in movable[index + 1 :]:
            a, b = plan[first], plan[second]
            if a != b and b in options[first] and a in options[second]:
                yield {**plan, first: b, second: a}


def _as_plan(plan: dict[str, str]) -> tuple[Assignment, ...]:
    return tuple(Assignment(donor, recipient) for donor, recipient in plan.items())
