"""Explanations as structured messages: why each pair, what binds the worst-off recipient, the
best single change per recipient, and the price of fairness.

They are computed on the evaluated plan, for the policy where each donor serves one recipient
(moves and swaps are then well defined); other policies get the worst-off explanation only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pairaid.engine.eligibility import eligible_pairs, exclusion_reason
from pairaid.engine.evaluate import Evaluation
from pairaid.engine.instance import Assignment, Objective, Problem
from pairaid.engine.messages import Message, message
from pairaid.engine.metrics import ordered_sum

MAX_DONORS_FOR_MOVES = 300
"""Above this many donors, per-pair and per-recipient move analysis is skipped (cost grows fast)."""


def explain(problem: Problem, evaluation: Evaluation) -> list[Message]:
    """Explanations of an evaluated plan (see the module docstring)."""
    messages = worst_off(problem, evaluation)
    one_each = problem.policy.donor_degree.maximum == 1
    if one_each and len(problem.donors) <= MAX_DONORS_FOR_MOVES and evaluation.coverage:
        plan = {a.donor: a.recipient for a in evaluation.assignments}
        messages += pair_contributions(problem, evaluation, plan)
        messages += best_swaps(problem, plan)
    return messages


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _coverage_of(problem: Problem, plan: dict[str, str]) -> dict[str, float]:
    """Coverage of a one-recipient-per-donor plan (each donor gives its whole capacity)."""
    received: dict[str, dict[str, float]] = {r.id: {} for r in problem.recipients}
    for donor, recipient in plan.items():
        for resource, quantity in problem.donor_by_id[donor].capacity.items():
            totals = received[recipient]
            totals[resource] = totals.get(resource, 0.0) + quantity
    coverage = {}
    for region in problem.recipients:
        ratios = [received[region.id].get(k, 0.0) / q for k, q in region.need.items() if q > 0]
        if ratios:
            value = min(ratios)
            coverage[region.id] = (
                value if problem.saturation is None else min(problem.saturation, value)
            )
    return coverage


def _feasible(problem: Problem, plan: dict[str, str]) -> bool:
    policy = problem.policy
    counts: dict[str, int] = {}
    loads: dict[str, float] = {}
    for donor, recipient in plan.items():
        counts[recipient] = counts.get(recipient, 0) + 1
        loads[recipient] = loads.get(recipient, 0.0) + problem.load(donor, recipient)
    if not all(policy.recipient_degree.allows(counts.get(r.id, 0)) for r in problem.recipients):
        return False
    if any(loads.get(r, 0.0) > limit + 1e-9 for r, limit in policy.absorption.items()):
        return False
    if not all(plan.get(d) == r for d, r in policy.required_pairs):
        return False
    budget = policy.churn_budget
    return budget is None or len(policy.existing_plan ^ set(plan.items())) <= budget


def worst_off(problem: Problem, evaluation: Evaluation) -> list[Message]:
    """The worst-off recipient: its scarcest resource, its donors, and the limits that bind."""
    if not evaluation.coverage:
        return []
    recipient = min(evaluation.coverage, key=lambda r: (evaluation.coverage[r], r))
    by_resource = evaluation.coverage_by_resource[recipient]
    resource = min(by_resource, key=lambda k: (by_resource[k], k))
    need = problem.recipient_by_id[recipient].need[resource]
    donors = [a for a in evaluation.assignments if a.recipient == recipient]
    received = sum((a.allocation or {}).get(resource, 0.0) for a in donors)
    listed = ", ".join(
        f"{a.donor} ({_fmt((a.allocation or {}).get(resource, 0.0))})" for a in donors
    )
    messages = [
        message(
            "worst_off",
            recipient=recipient,
            coverage=_fmt(evaluation.coverage[recipient]),
            resource=resource,
            received=_fmt(received),
            need=_fmt(need),
            donors=listed or "none",
        )
    ]
    return messages + [
        message("worst_off_limit", recipient=recipient, limit=limit)
        for limit in _binding_limits(problem, evaluation, recipient)
    ]


def _binding_limits(problem: Problem, evaluation: Evaluation, recipient: str) -> list[str]:
    policy = problem.policy
    limits: list[str] = []
    count = sum(1 for a in evaluation.assignments if a.recipient == recipient)
    if policy.recipient_degree.maximum is not None and count >= policy.recipient_degree.maximum:
        limits.append(f"has the most donors allowed ({policy.recipient_degree.maximum})")
    excluded = [
        f"{donor.id} ({reason})"
        for donor in problem.donors
        if (reason := exclusion_reason(problem, donor.id, recipient)) is not None
    ]
    if excluded:
        limits.append("donors it may not have: " + ", ".join(excluded[:8]))
    if recipient in policy.absorption:
        limits.append(f"absorption capacity {_fmt(policy.absorption[recipient])}")
    return limits


def _score(problem: Problem, plan: dict[str, str]) -> tuple[float, ...]:
    values = list(_coverage_of(problem, plan).values())
    return tuple(ordered_sum(values, k) for k in range(1, len(values) + 1))


def pair_contributions(
    problem: Problem, evaluation: Evaluation, plan: dict[str, str]
) -> list[Message]:
    """What each pair gives, and where else its donor could go (the next-best alternative)."""
    options: dict[str, list[str]] = {}
    for donor, recipient in eligible_pairs(problem):
        options.setdefault(donor, []).append(recipient)
    return [
        _contribution(problem, evaluation, assignment, plan, options)
        for assignment in evaluation.assignments
    ]


def _contribution(
    problem: Problem,
    evaluation: Evaluation,
    assignment: Assignment,
    plan: dict[str, str],
    options: dict[str, list[str]],
) -> Message:
    need = problem.recipient_by_id[assignment.recipient].need
    allocation = assignment.allocation or {}
    needed = [k for k in need if need[k] > 0 and allocation.get(k, 0.0) > 0]
    resource = min(needed, key=lambda k: allocation[k] / need[k]) if needed else "-"
    quantity = allocation.get(resource, 0.0)
    share = f"{quantity / need[resource]:.1%}" if needed else "0%"
    alternatives = []
    for other in options.get(assignment.donor, []):
        if other == assignment.recipient or assignment.donor in {
            d for d, _ in problem.policy.required_pairs
        }:
            continue
        moved = {**plan, assignment.donor: other}
        if _feasible(problem, moved):
            alternatives.append((_score(problem, moved), other, moved))
    if alternatives:
        _, other, moved = max(alternatives, key=lambda item: (item[0], item[1]))
        before = min(evaluation.coverage.values())
        after = min(_coverage_of(problem, moved).values())
        text = f"next best: {other} (minimum coverage {_fmt(before)} → {_fmt(after)})"
    else:
        text = "no feasible alternative recipient"
    return message(
        "pair_contribution",
        donor=assignment.donor,
        recipient=assignment.recipient,
        quantity=_fmt(quantity),
        resource=resource,
        share=share,
        alternative=text,
    )


def best_swaps(problem: Problem, plan: dict[str, str]) -> list[Message]:
    """For each recipient, the best single move or swap involving it, and its effect."""
    options = set(eligible_pairs(problem))
    baseline = _score(problem, plan)
    coverage = _coverage_of(problem, plan)
    messages = []
    for recipient in problem.recipients:
        if recipient.id not in coverage:
            continue
        best: tuple[tuple[float, ...], str, dict[str, str]] | None = None
        for change, candidate in _changes_for(recipient.id, plan, options):
            if not _feasible(problem, candidate):
                continue
            score = _score(problem, candidate)
            if score > baseline and (best is None or (score, change) > (best[0], best[1])):
                best = (score, change, candidate)
        if best is None:
            messages.append(message("no_better_swap", recipient=recipient.id))
            continue
        after = _coverage_of(problem, best[2])
        messages.append(
            message(
                "best_swap",
                recipient=recipient.id,
                change=best[1],
                before=_fmt(min(coverage.values())),
                after=_fmt(min(after.values())),
                own_before=_fmt(coverage[recipient.id]),
                own_after=_fmt(after[recipient.id]),
            )
        )
    return messages


def _changes_for(
    recipient: str, plan: dict[str, str], options: set[tuple[str, str]]
) -> list[tuple[str, dict[str, str]]]:
    changes = []
    mine = [d for d, r in plan.items() if r == recipient]
    others = [d for d, r in plan.items() if r != recipient]
    for donor in others:
        if (donor, recipient) in options:
            changes.append(
                (f"move {donor} from {plan[donor]} to {recipient}", {**plan, donor: recipient})
            )
    for donor in mine:
        for other in others:
            if (donor, plan[other]) in options and (other, recipient) in options:
                swapped = {**plan, donor: plan[other], other: recipient}
                changes.append(
                    (f"swap {donor} ({recipient}) with {other} ({plan[other]})", swapped)
                )
    return changes


def price_of_fairness(
    problem: Problem,
    fair_evaluation: Evaluation,
    cheapest: Sequence[Assignment],
    cheapest_evaluation: Evaluation,
) -> Message | None:
    """Compare the fair plan with the plan of the problem's cost or travel objective alone."""
    measure = "total_cost" if _objective(problem) == "min_cost" else "total_travel_hours"
    fair = fair_evaluation.metrics.get(measure)
    cheap = cheapest_evaluation.metrics.get(measure)
    if fair is None or cheap is None or not cheapest:
        return None
    return message(
        "price_of_fairness",
        measure=measure.replace("_", " "),
        fair=_fmt(fair),
        cheapest=_fmt(cheap),
        objective=_objective(problem),
        extra=_fmt(fair - cheap),
        cheap_min=_fmt(cheapest_evaluation.metrics.get("min_coverage") or 0.0),
        fair_min=_fmt(fair_evaluation.metrics.get("min_coverage") or 0.0),
    )


def _objective(problem: Problem) -> str:
    names = [o.name for o in problem.objectives]
    if "min_cost" in names:
        return "min_cost"
    if "min_travel" in names or (
        all(p.travel_hours is not None for p in problem.pairs) and problem.pairs
    ):
        return "min_travel"
    return "min_cost"


def cost_only(problem: Problem) -> Problem:
    """The same problem with only its cost (or travel) objective: the reference of the price."""
    return replace(problem, objectives=[Objective(_objective(problem))])
