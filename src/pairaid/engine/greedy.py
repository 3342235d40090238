"""Greedy heuristic: the strongest donor goes to the neediest recipient.

Used as a baseline and as the exact backends' warm start. For cost or travel objectives it
assigns by regret (the donor that would lose most by not getting its cheapest recipient goes
first). It may return a plan that breaks the policy; the evaluator says so.
"""

from __future__ import annotations

from collections.abc import Callable

from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.evaluate import donor_strength
from pairaid.engine.instance import FAIRNESS_OBJECTIVES, Assignment, PairKey, Problem


class _State:
    """Links made so far, with what each recipient has received (whole capacities)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.links: list[PairKey] = []
        self.donor_links: dict[str, int] = {d.id: 0 for d in problem.donors}
        self.recipient_links: dict[str, int] = {r.id: 0 for r in problem.recipients}
        self.load: dict[str, float] = {r.id: 0.0 for r in problem.recipients}
        self.received: dict[str, dict[str, float]] = {r.id: {} for r in problem.recipients}

    def can_link(self, donor: str, recipient: str) -> bool:
        policy = self.problem.policy
        maximum = policy.recipient_degree.maximum
        if maximum is not None and self.recipient_links[recipient] >= maximum:
            return False
        limit = policy.absorption.get(recipient)
        return (
            limit is None
            or self.load[recipient] + self.problem.load(donor, recipient) <= limit + 1e-9
        )

    def link(self, donor: str, recipient: str) -> None:
        self.links.append((donor, recipient))
        self.donor_links[donor] += 1
        self.recipient_links[recipient] += 1
        self.load[recipient] += self.problem.load(donor, recipient)
        share = 1.0 / max(1, self._planned_degree())
        for resource, quantity in self.problem.donor_by_id[donor].capacity.items():
            totals = self.received[recipient]
            totals[resource] = totals.get(resource, 0.0) + quantity * share

    def _planned_degree(self) -> int:
        return max(1, self.problem.policy.donor_degree.minimum)

    def coverage(self, recipient: str) -> float:
        need = self.problem.recipient_by_id[recipient].need
        ratios = [self.received[recipient].get(k, 0.0) / q for k, q in need.items() if q > 0]
        return min(ratios) if ratios else float("inf")


def greedy_plan(problem: Problem) -> tuple[Assignment, ...]:
    """A quick plan (without a split) for a checked problem."""
    state = _State(problem)
    for donor, recipient in sorted(problem.policy.required_pairs):
        state.link(donor, recipient)
    options: dict[str, list[str]] = {d.id: [] for d in problem.donors}
    for donor, recipient in eligible_pairs(problem):
        options[donor].append(recipient)
    primary = problem.objectives[0].name if problem.objectives else "max_min_coverage"
    if primary in FAIRNESS_OBJECTIVES or primary == "min_churn":
        _keep_existing(problem, state, options)
        _fill_fair(problem, state, options)
    else:
        _fill_by_regret(problem, state, options, primary)
    return tuple(Assignment(d, r) for d, r in state.links)


def _links_wanted(problem: Problem) -> int:
    degree = problem.policy.donor_degree
    wanted = max(degree.minimum, 1)
    return wanted if degree.maximum is None else min(wanted, degree.maximum)


def _keep_existing(problem: Problem, state: _State, options: dict[str, list[str]]) -> None:
    for donor, recipient in sorted(problem.policy.existing_plan):
        linked = (donor, recipient) in state.links
        if (
            not linked
            and recipient in options.get(donor, [])
            and state.donor_links[donor] < _links_wanted(problem)
            and state.can_link(donor, recipient)
        ):
            state.link(donor, recipient)


def _fill_fair(problem: Problem, state: _State, options: dict[str, list[str]]) -> None:
    order = {r.id: i for i, r in enumerate(problem.recipients)}
    need = {r.id: sum(r.need.values()) for r in problem.recipients}
    donors = sorted(problem.donors, key=lambda d: -donor_strength(problem, d.id))
    for donor in donors:
        while state.donor_links[donor.id] < _links_wanted(problem):
            free = [
                r
                for r in options[donor.id]
                if (donor.id, r) not in state.links and state.can_link(donor.id, r)
            ]
            if not free:
                break
            # Unserved recipients first (they may have a minimum), then the least covered.
            recipient = min(
                free,
                key=lambda r: (
                    state.recipient_links[r] >= problem.policy.recipient_degree.minimum,
                    state.coverage(r),
                    -need[r],
                    order[r],
                ),
            )
            state.link(donor.id, recipient)


def _fill_by_regret(
    problem: Problem, state: _State, options: dict[str, list[str]], primary: str
) -> None:
    field_name = "cost" if primary == "min_cost" else "travel_hours"

    def price(donor: str) -> Callable[[str], float]:
        return lambda r: getattr(problem.pair_data(donor, r), field_name) or 0.0

    def regret(donor: str) -> float:
        prices = sorted(price(donor)(r) for r in options[donor])
        return prices[1] - prices[0] if len(prices) > 1 else float("inf")

    for donor in sorted(options, key=lambda d: -regret(d)):
        while state.donor_links[donor] < _links_wanted(problem):
            free = [
                r
                for r in options[donor]
                if (donor, r) not in state.links and state.can_link(donor, r)
            ]
            if not free:
                break
            state.link(donor, min(free, key=price(donor)))
