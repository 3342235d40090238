"""Independent evaluation of any plan, including one typed in by hand.

Nothing here trusts a solver: feasibility is re-checked against the policy, coverage is
recomputed from the allocations (DESIGN.md §4), and a plan without a split gets its leximin
split, which the evaluation says it used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pairaid.engine.eligibility import exclusion_reason
from pairaid.engine.instance import Assignment, PairKey, Problem
from pairaid.engine.messages import Message, message
from pairaid.engine.metrics import gini, jain, ordered_sum, spearman
from pairaid.engine.split import leximin_split

_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Evaluation:
    """Everything a coordinator needs to judge a plan."""

    assignments: tuple[Assignment, ...]
    violations: tuple[Message, ...]
    notes: tuple[Message, ...]
    split_derived: bool
    coverage_by_resource: Mapping[str, Mapping[str, float]]
    coverage: Mapping[str, float]
    metrics: Mapping[str, Any] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return not self.violations

    def level_value(self, name: str, problem: Problem) -> float:
        """The plan's value of one lexicographic level, for comparison with a solver's claim."""
        level = problem.objective_level(name)
        if level.measure == "ordered_coverage":
            return ordered_sum(list(self.coverage.values()), level.k)
        if level.measure == "churn":
            return float(churn(problem.policy.existing_plan, [a.key for a in self.assignments]))
        measure = level.measure
        return sum(getattr(problem.pair_data(*a.key), measure) or 0.0 for a in self.assignments)


def churn(reference: Iterable[PairKey], plan: Iterable[PairKey]) -> int:
    """Pairs added plus pairs removed (moving one donor counts 2)."""
    return len(set(reference) ^ set(plan))


def evaluate(
    problem: Problem, plan: Sequence[Assignment], reference: Iterable[PairKey] | None = None
) -> Evaluation:
    """Evaluate a plan against the problem's policy; `reference` defaults to the existing plan."""
    assignments, split_derived = _with_split(problem, plan)
    # A derived split is a measuring device (see the note), not part of the plan:
    # the plan is judged as given.
    violations = _violations(problem, plan if split_derived else assignments)
    coverage_by_resource = _coverage_by_resource(problem, assignments)
    coverage = {r: min(values.values()) for r, values in coverage_by_resource.items()}
    notes = _notes(problem, assignments, split_derived)
    reference_pairs = problem.policy.existing_plan if reference is None else frozenset(reference)
    metrics = _metrics(problem, assignments, coverage, reference_pairs, reference is not None)
    return Evaluation(
        assignments,
        tuple(violations),
        tuple(notes),
        split_derived,
        coverage_by_resource,
        coverage,
        metrics,
    )


def _with_split(
    problem: Problem, plan: Sequence[Assignment]
) -> tuple[tuple[Assignment, ...], bool]:
    if all(a.allocation is not None for a in plan):
        return tuple(plan), False
    known = [
        a for a in plan if a.donor in problem.donor_by_id and a.recipient in problem.recipient_by_id
    ]
    split = leximin_split(problem, list(dict.fromkeys(a.key for a in known)))
    return tuple(Assignment(a.donor, a.recipient, split.get(a.key, {})) for a in plan), True


def _violations(problem: Problem, assignments: Sequence[Assignment]) -> list[Message]:
    violations: list[Message] = []
    keys = [a.key for a in assignments]
    for key, count in Counter(keys).items():
        if count > 1:
            violations.append(message("duplicate_pair", donor=key[0], recipient=key[1]))
    for donor, recipient in dict.fromkeys(keys):
        if donor not in problem.donor_by_id:
            violations.append(message("unknown_donor", path="plan", id=donor))
        elif recipient not in problem.recipient_by_id:
            violations.append(message("unknown_recipient", path="plan", id=recipient))
        else:
            violations += _pair_violations(problem, donor, recipient)
    violations += _degree_violations(problem, set(keys))
    for donor, recipient in sorted(problem.policy.required_pairs - set(keys)):
        violations.append(message("required_pair_missing", donor=donor, recipient=recipient))
    violations += _absorption_violations(problem, set(keys))
    violations += _allocation_violations(problem, assignments)
    budget = problem.policy.churn_budget
    changed = churn(problem.policy.existing_plan, keys)
    if budget is not None and changed > budget:
        violations.append(message("churn_over_budget", churn=changed, budget=budget))
    return violations


def _pair_violations(problem: Problem, donor: str, recipient: str) -> list[Message]:
    policy = problem.policy
    if (donor, recipient) in policy.forbidden_pairs:
        return [message("forbidden_pair_used", donor=donor, recipient=recipient)]
    if policy.listed_pairs_only and (donor, recipient) not in problem.pair_by_key:
        return [message("pair_not_listed", donor=donor, recipient=recipient)]
    if exclusion_reason(problem, donor, recipient) is not None:
        hours = problem.pair_data(donor, recipient).travel_hours
        return [
            message(
                "travel_too_long",
                donor=donor,
                recipient=recipient,
                travel_hours=f"{hours:g}",
                maximum=f"{policy.max_travel_hours:g}",
            )
        ]
    return []


def _degree_violations(problem: Problem, keys: set[PairKey]) -> list[Message]:
    policy = problem.policy
    donor_counts = Counter(d for d, _ in keys)
    recipient_counts = Counter(r for _, r in keys)
    violations: list[Message] = []
    for donor in problem.donors:
        count = donor_counts[donor.id]
        degree = policy.donor_degree
        if count < degree.minimum:
            violations.append(
                message("donor_degree_low", donor=donor.id, count=count, minimum=degree.minimum)
            )
        if degree.maximum is not None and count > degree.maximum:
            violations.append(
                message("donor_degree_high", donor=donor.id, count=count, maximum=degree.maximum)
            )
    for recipient in problem.recipients:
        count = recipient_counts[recipient.id]
        degree = policy.recipient_degree
        if count < degree.minimum:
            violations.append(
                message(
                    "recipient_degree_low",
                    recipient=recipient.id,
                    count=count,
                    minimum=degree.minimum,
                )
            )
        if degree.maximum is not None and count > degree.maximum:
            violations.append(
                message(
                    "recipient_degree_high",
                    recipient=recipient.id,
                    count=count,
                    maximum=degree.maximum,
                )
            )
    return violations


def _absorption_violations(problem: Problem, keys: set[PairKey]) -> list[Message]:
    loads: dict[str, float] = {}
    for donor, recipient in keys:
        if donor in problem.donor_by_id:
            loads[recipient] = loads.get(recipient, 0.0) + problem.load(donor, recipient)
    violations = []
    for recipient, limit in problem.policy.absorption.items():
        load = loads.get(recipient, 0.0)
        if load > limit + _TOLERANCE * max(1.0, limit):
            violations.append(
                message(
                    "absorption_exceeded",
                    recipient=recipient,
                    load=f"{load:g}",
                    maximum=f"{limit:g}",
                )
            )
    return violations


def _allocation_violations(problem: Problem, assignments: Sequence[Assignment]) -> list[Message]:
    violations: list[Message] = []
    given: dict[tuple[str, str], float] = {}
    for a in assignments:
        for resource, quantity in (a.allocation or {}).items():
            if quantity < -_TOLERANCE:
                violations.append(
                    message(
                        "negative_allocation",
                        donor=a.donor,
                        recipient=a.recipient,
                        value=quantity,
                        resource=resource,
                    )
                )
            if (
                resource in problem.integer_resources
                and abs(quantity - round(quantity)) > _TOLERANCE
            ):
                violations.append(
                    message(
                        "fractional_allocation",
                        donor=a.donor,
                        recipient=a.recipient,
                        value=f"{quantity:g}",
                        resource=resource,
                    )
                )
            given[(a.donor, resource)] = given.get((a.donor, resource), 0.0) + quantity
    for (donor, resource), total in sorted(given.items()):
        if donor not in problem.donor_by_id:
            continue
        capacity = problem.donor_by_id[donor].capacity.get(resource, 0.0)
        if total > capacity + _TOLERANCE * max(1.0, capacity):
            violations.append(
                message(
                    "over_capacity",
                    donor=donor,
                    given=f"{total:g}",
                    resource=resource,
                    capacity=f"{capacity:g}",
                )
            )
    return violations


def _coverage_by_resource(
    problem: Problem, assignments: Sequence[Assignment]
) -> dict[str, dict[str, float]]:
    received: dict[tuple[str, str], float] = {}
    for a in assignments:
        for resource, quantity in (a.allocation or {}).items():
            received[(a.recipient, resource)] = (
                received.get((a.recipient, resource), 0.0) + quantity
            )
    coverage: dict[str, dict[str, float]] = {}
    for recipient in problem.recipients:
        if not recipient.has_need:
            continue
        coverage[recipient.id] = {
            resource: _cap(received.get((recipient.id, resource), 0.0) / need, problem.saturation)
            for resource, need in recipient.need.items()
            if need > 0
        }
    return coverage


def _cap(value: float, saturation: float | None) -> float:
    return value if saturation is None else min(saturation, value)


def _notes(
    problem: Problem, assignments: Sequence[Assignment], split_derived: bool
) -> list[Message]:
    notes = [message("split_derived")] if split_derived and assignments else []
    notes += [
        message("recipient_without_need", recipient=r.id)
        for r in problem.recipients
        if not r.has_need
    ]
    unknown = sum(1 for a in assignments if problem.pair_data(*a.key).travel_hours is None)
    if unknown and unknown < len(assignments):
        notes.append(message("unknown_travel", count=unknown))
    return notes


def donor_strength(problem: Problem, donor: str) -> float:
    """The strength attribute named by the problem, else the donor's total capacity."""
    record = problem.donor_by_id[donor]
    attribute = problem.strength_attribute
    if attribute is not None and attribute in record.strength:
        return record.strength[attribute]
    return sum(record.capacity.values())


def _metrics(
    problem: Problem,
    assignments: Sequence[Assignment],
    coverage: Mapping[str, float],
    reference: frozenset[PairKey],
    reference_given: bool,
) -> dict[str, Any]:
    values = list(coverage.values())
    keys = [
        a.key
        for a in assignments
        if a.donor in problem.donor_by_id and a.recipient in problem.recipient_by_id
    ]
    pair_data = [problem.pair_data(*key) for key in keys]
    ranked = [
        (donor_strength(problem, d), sum(problem.recipient_by_id[r].need.values())) for d, r in keys
    ]
    donors_per_recipient = Counter(r for _, r in keys)
    has_reference = reference_given or bool(problem.policy.existing_plan)
    return {
        "min_coverage": min(values) if values else None,
        "mean_coverage": sum(values) / len(values) if values else None,
        "gini": gini(values),
        "jain": jain(values),
        "coverage": dict(coverage),
        "total_travel_hours": _total(p.travel_hours for p in pair_data),
        "total_travel_km": _total(p.travel_km for p in pair_data),
        "total_cost": _total(p.cost for p in pair_data),
        "churn": churn(reference, keys) if has_reference else None,
        "pairs": len(keys),
        "donors_per_recipient": {r.id: donors_per_recipient[r.id] for r in problem.recipients},
        "spearman_strength_need": spearman([s for s, _ in ranked], [n for _, n in ranked]),
    }


def _total(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
