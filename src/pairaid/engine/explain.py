"""Explanations as structured messages: why each pair, what binds the worst-off recipient, the
best single change per recipient, and the price of fairness.

They are computed on the evaluated plan, for the policy where each donor serves one recipient
(moves and swaps are then well defined); other policies get the worst-off explanation only.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import replace

from pairaid.engine.eligibility import eligible_pairs, exclusion_reason
from pairaid.engine.evaluate import Evaluation
from pairaid.engine.instance import Assignment, Objective, Problem
from pairaid.engine.messages import Message, message

MAX_DONORS_FOR_MOVES = 300
"""Above this many donors, per-pair and per-recipient move analysis is skipped (cost grows fast)."""


def explain(
    problem: Problem, evaluation: Evaluation, *, stop: Callable[[], bool] | None = None
) -> list[Message]:
    """Explanations of an evaluated plan (see the module docstring). `stop`, asked between
    pairs and recipients, cuts the move analysis short (the run's time is up); a note says how
    far it got."""
    messages = worst_off(problem, evaluation)
    one_each = problem.policy.donor_degree.maximum == 1
    if one_each and len(problem.donors) <= MAX_DONORS_FOR_MOVES and evaluation.coverage:
        moves = _Moves(problem, {a.donor: a.recipient for a in evaluation.assignments})
        enough = stop or (lambda: False)
        contributions = pair_contributions(problem, evaluation, moves, enough)
        swaps = best_swaps(problem, moves, enough)
        messages += contributions + swaps
        explained = sum(1 for m in swaps if m.code in ("best_swap", "no_better_swap"))
        wanted = len(evaluation.coverage)
        if len(contributions) < len(evaluation.assignments) or explained < wanted:
            messages.append(
                message(
                    "explanations_cut",
                    pairs=len(contributions),
                    pairs_in_all=len(evaluation.assignments),
                    recipients=explained,
                    recipients_in_all=wanted,
                )
            )
    return messages


def _fmt(value: float) -> str:
    return f"{value:.4g}"


class _Moves:
    """A plan of whole donors (one recipient each) with each recipient's coverage, degree and
    load kept, so that a move or a swap is scored and checked from the two recipients it
    changes. Re-scoring every candidate plan whole took 14 s to explain 300 donors × 250
    recipients (measured); this takes well under a second."""

    def __init__(self, problem: Problem, plan: dict[str, str]) -> None:
        self.problem = problem
        self.plan = plan
        self.needs = {r.id: {k: q for k, q in r.need.items() if q > 0} for r in problem.recipients}
        self.received: dict[str, dict[str, float]] = {r.id: {} for r in problem.recipients}
        self.count = dict.fromkeys(self.received, 0)
        self.load = dict.fromkeys(self.received, 0.0)
        for donor, recipient in plan.items():
            self._add(donor, recipient, 1)
        self.coverage = {r: self._coverage(r, {}) for r, need in self.needs.items() if need}
        self.ranked = sorted(self.coverage.values())
        policy = problem.policy
        self.breaches = sum(1 for r in self.received if not self._allowed(r, 0, 0.0))
        self.missing = sum(1 for d, r in policy.required_pairs if plan.get(d) != r)
        self.churn = len(policy.existing_plan ^ set(plan.items()))

    def _add(self, donor: str, recipient: str, sign: int) -> None:
        totals = self.received[recipient]
        for resource, quantity in self.problem.donor_by_id[donor].capacity.items():
            totals[resource] = totals.get(resource, 0.0) + sign * quantity
        self.count[recipient] += sign
        self.load[recipient] += sign * self.problem.load(donor, recipient)

    def _coverage(self, recipient: str, change: dict[str, float]) -> float:
        received = self.received[recipient]
        need = self.needs[recipient]
        value = min((received.get(k, 0.0) + change.get(k, 0.0)) / q for k, q in need.items())
        saturation = self.problem.saturation
        return value if saturation is None else min(saturation, value)

    def _allowed(self, recipient: str, links: int, load: float) -> bool:
        policy = self.problem.policy
        if not policy.recipient_degree.allows(self.count[recipient] + links):
            return False
        limit = policy.absorption.get(recipient)
        return limit is None or self.load[recipient] + load <= limit + 1e-9

    def change(self, moved: list[tuple[str, str]]) -> tuple[bool, dict[str, float]]:
        """Whether moving each (donor, to recipient) keeps the policy, and the new coverage of
        the recipients the moves change."""
        gains: dict[str, dict[str, float]] = {}
        links: dict[str, int] = {}
        loads: dict[str, float] = {}
        policy = self.problem.policy
        missing, churn = self.missing, self.churn
        for donor, target in moved:
            source = self.plan[donor]
            capacity = self.problem.donor_by_id[donor].capacity
            for recipient, sign in ((source, -1), (target, 1)):
                gain = gains.setdefault(recipient, {})
                for resource, quantity in capacity.items():
                    gain[resource] = gain.get(resource, 0.0) + sign * quantity
                links[recipient] = links.get(recipient, 0) + sign
                load = self.problem.load(donor, recipient)
                loads[recipient] = loads.get(recipient, 0.0) + sign * load
            missing += ((donor, source) in policy.required_pairs) - (
                (donor, target) in policy.required_pairs
            )
            # A pair of the existing plan removed adds to churn, one added back takes from it.
            churn += (1 if (donor, source) in policy.existing_plan else -1) + (
                -1 if (donor, target) in policy.existing_plan else 1
            )
        breaches = self.breaches + sum(
            (not self._allowed(r, links[r], loads[r])) - (not self._allowed(r, 0, 0.0))
            for r in gains
        )
        budget = policy.churn_budget
        feasible = breaches == 0 and missing == 0 and (budget is None or churn <= budget)
        coverage = {r: self._coverage(r, gain) for r, gain in gains.items() if r in self.coverage}
        return feasible, coverage

    def score(self, coverage: dict[str, float]) -> tuple[float, ...]:
        """The sorted coverage vector with the recipients in `coverage` changed: plans compare
        in leximin order by it (as by the sums of their k smallest coverages, k = 1, 2, …)."""
        ranked = list(self.ranked)
        for recipient, value in coverage.items():
            del ranked[bisect.bisect_left(ranked, self.coverage[recipient])]
            bisect.insort(ranked, value)
        return tuple(ranked)

    def minimum(self, coverage: dict[str, float]) -> float:
        return self.score(coverage)[0] if self.ranked else 0.0


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


def pair_contributions(
    problem: Problem, evaluation: Evaluation, moves: _Moves, stop: Callable[[], bool]
) -> list[Message]:
    """What each pair gives, and where else its donor could go (the next-best alternative)."""
    options: dict[str, list[str]] = {}
    for donor, recipient in eligible_pairs(problem):
        options.setdefault(donor, []).append(recipient)
    messages = []
    for assignment in evaluation.assignments:
        if stop():
            break
        messages.append(_contribution(problem, evaluation, assignment, moves, options))
    return messages


def _contribution(
    problem: Problem,
    evaluation: Evaluation,
    assignment: Assignment,
    moves: _Moves,
    options: dict[str, list[str]],
) -> Message:
    need = problem.recipient_by_id[assignment.recipient].need
    allocation = assignment.allocation or {}
    needed = [k for k in need if need[k] > 0 and allocation.get(k, 0.0) > 0]
    resource = min(needed, key=lambda k: allocation[k] / need[k]) if needed else "-"
    quantity = allocation.get(resource, 0.0)
    share = f"{quantity / need[resource]:.1%}" if needed else "0%"
    required = {d for d, _ in problem.policy.required_pairs}
    alternatives = []
    for other in options.get(assignment.donor, []):
        if other == assignment.recipient or assignment.donor in required:
            continue
        feasible, coverage = moves.change([(assignment.donor, other)])
        if feasible:
            alternatives.append((moves.score(coverage), other, coverage))
    # The next-best recipient as data: None where the donor has no feasible alternative.
    next_best: dict[str, str] | None = None
    if alternatives:
        _, other, coverage = max(alternatives, key=lambda item: (item[0], item[1]))
        before = min(evaluation.coverage.values())
        after = moves.minimum(coverage)
        next_best = {"recipient": other, "before": _fmt(before), "after": _fmt(after)}
    return message(
        "pair_contribution",
        donor=assignment.donor,
        recipient=assignment.recipient,
        quantity=_fmt(quantity),
        resource=resource,
        share=share,
        next_best=next_best,
    )


def best_swaps(problem: Problem, moves: _Moves, stop: Callable[[], bool]) -> list[Message]:
    """For each recipient, the best single move or swap involving it, and its effect."""
    options = set(eligible_pairs(problem))
    baseline = tuple(moves.ranked)
    messages = []
    for recipient in problem.recipients:
        if recipient.id not in moves.coverage:
            continue
        if stop():
            break
        best: tuple[tuple[float, ...], tuple[str, ...], dict[str, float]] | None = None
        for change, moved in _changes_for(recipient.id, moves.plan, options):
            feasible, coverage = moves.change(moved)
            if not feasible:
                continue
            score = moves.score(coverage)
            if score > baseline and (best is None or (score, change) > (best[0], best[1])):
                best = (score, change, coverage)
        if best is None:
            messages.append(message("no_better_swap", recipient=recipient.id))
            continue
        after = {**moves.coverage, **best[2]}
        messages.append(
            message(
                "best_swap",
                recipient=recipient.id,
                change=_change(best[1]),
                before=_fmt(baseline[0]),
                after=_fmt(best[0][0]),
                own_before=_fmt(moves.coverage[recipient.id]),
                own_after=_fmt(after[recipient.id]),
            )
        )
    return messages


Change = tuple[str, ...]
"""A move ("move", donor, from, to) or a swap ("swap", donor, its recipient, other donor, the
other's recipient). Of two equally good changes the larger tuple is kept (the order of their
English descriptions, as before they were data)."""


def _changes_for(
    recipient: str, plan: dict[str, str], options: set[tuple[str, str]]
) -> list[tuple[Change, list[tuple[str, str]]]]:
    changes: list[tuple[Change, list[tuple[str, str]]]] = []
    mine = [d for d, r in plan.items() if r == recipient]
    others = [d for d, r in plan.items() if r != recipient]
    for donor in others:
        if (donor, recipient) in options:
            changes.append((("move", donor, plan[donor], recipient), [(donor, recipient)]))
    for donor in mine:
        for other in others:
            if (donor, plan[other]) in options and (other, recipient) in options:
                swapped = [(donor, plan[other]), (other, recipient)]
                changes.append((("swap", donor, recipient, other, plan[other]), swapped))
    return changes


def _change(change: Change) -> dict[str, str]:
    """A change as the message's data."""
    if change[0] == "move":
        return dict(zip(("kind", "donor", "source", "target"), change, strict=True))
    keys = ("kind", "donor", "recipient", "other", "other_recipient")
    return dict(zip(keys, change, strict=True))


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
