"""Raise the worst-off: a local search aimed at fairness, for the one-recipient-per-donor policy.

The general local search (`local_search`) re-scores the whole plan for every neighbour, which at
national scale affords a few thousand neighbours: on `generate(1000, 800)` it never improved on
greedy. This one looks only where fairness can improve: it takes the recipient with the lowest
coverage and tries to give it a donor from another recipient, or to swap one of its donors for
a stronger one, keeping the other recipient above the coverage the first one had. Every such
move raises the sorted coverage vector (leximin order), so the search cannot cycle. Coverage is
kept per recipient and updated in place, so a move costs the donors of two recipients.

Deterministic: recipients are visited by coverage then problem order, donors by usefulness
then problem order; the work is bounded by a number of moves, never by the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.instance import FAIRNESS_OBJECTIVES, Assignment, Problem

MOVES_PER_RECIPIENT = 2
"""The work bound: moves per recipient (plus a base). Measured at 1000×800: the minimum rose
from 0.053 (greedy) to 0.088 in 100 moves and 0.092 in 1,000 (5.6 s); 3,000 moves added nothing
to it (they raise the others, 22 s)."""
BASE_MOVES = 200


def applies(problem: Problem) -> bool:
    """Whole donors only (maximum degree 1), no churn budget to spend, a fairness level first."""
    policy = problem.policy
    if policy.donor_degree.maximum != 1 or policy.churn_budget is not None:
        return False
    first = problem.objectives[0].name if problem.objectives else "max_min_coverage"
    return first in FAIRNESS_OBJECTIVES


@dataclass
class _Recipient:
    need: dict[str, float]
    donors: list[str]
    received: dict[str, float]
    load: float = 0.0
    coverage: float = 0.0  # kept up to date by `_Plan.add` and `remove`


class _Plan:
    def __init__(self, problem: Problem, plan: Sequence[Assignment]) -> None:
        self.problem = problem
        self.capacity = {d.id: dict(d.capacity) for d in problem.donors}
        self.recipients = {
            r.id: _Recipient({k: q for k, q in r.need.items() if q > 0}, [], {})
            for r in problem.recipients
        }
        self.serves: dict[str, str] = {}
        for recipient in self.recipients:
            self._refresh(recipient)
        for assignment in plan:
            self.add(assignment.donor, assignment.recipient)

    def add(self, donor: str, recipient: str) -> None:
        state = self.recipients[recipient]
        state.donors.append(donor)
        state.load += self.problem.load(donor, recipient)
        for resource, quantity in self.capacity[donor].items():
            state.received[resource] = state.received.get(resource, 0.0) + quantity
        self.serves[donor] = recipient
        self._refresh(recipient)

    def remove(self, donor: str) -> None:
        recipient = self.serves.pop(donor)
        state = self.recipients[recipient]
        state.donors.remove(donor)
        state.load -= self.problem.load(donor, recipient)
        for resource, quantity in self.capacity[donor].items():
            state.received[resource] -= quantity
        self._refresh(recipient)

    def _refresh(self, recipient: str) -> None:
        self.recipients[recipient].coverage = self.coverage(recipient)

    def coverage(self, recipient: str, gain: str | None = None, loss: str | None = None) -> float:
        """Coverage of a recipient, or what it would be after gaining and/or losing a donor."""
        state = self.recipients[recipient]
        if not state.need:
            return float("inf")
        gained = self.capacity[gain] if gain else {}
        lost = self.capacity[loss] if loss else {}
        value = min(
            (state.received.get(k, 0.0) + gained.get(k, 0.0) - lost.get(k, 0.0)) / q
            for k, q in state.need.items()
        )
        saturation = self.problem.saturation
        return value if saturation is None else min(saturation, value)

    def load_fits(self, recipient: str, gain: str, loss: str | None = None) -> bool:
        limit = self.problem.policy.absorption.get(recipient)
        if limit is None:
            return True
        load = self.recipients[recipient].load + self.problem.load(gain, recipient)
        if loss is not None:
            load -= self.problem.load(loss, recipient)
        return load <= limit + 1e-9


@dataclass(frozen=True)
class _Move:
    value: float  # the lower of the two coverages after the move: larger is better
    donor: str  # joins the worst-off recipient
    source: str | None  # where it comes from (None: it served nobody)
    returned: str | None  # the worst-off's donor sent back to the source (a swap), if any


def raise_minimum(
    problem: Problem,
    plan: Sequence[Assignment],
    *,
    max_moves: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> tuple[Assignment, ...]:
    """A plan whose sorted coverage is at least as high as `plan`'s (leximin order); `stop`,
    asked between moves, ends the search early with the plan reached."""
    if not applies(problem):
        return tuple(plan)
    if max_moves is None:
        max_moves = BASE_MOVES + MOVES_PER_RECIPIENT * len(problem.recipients)
    state = _Plan(problem, plan)
    search = _Search(problem, state)
    moves = 0
    moved_this_round = True
    while moved_this_round and moves < max_moves:
        # A round raises the worst-off recipient that can still be raised, until none can.
        search.stuck.clear()
        moved_this_round = False
        while moves < max_moves:
            if stop is not None and stop():
                return tuple(Assignment(d, r) for d, r in state.serves.items())
            recipient = search.worst_waiting()
            if recipient is None:
                break
            move = search.best_move(recipient)
            if move is not None:
                search.apply(recipient, move)
                moves += 1
                moved_this_round = True
    return tuple(Assignment(d, r) for d, r in state.serves.items())


class _Search:
    def __init__(self, problem: Problem, state: _Plan) -> None:
        self.problem = problem
        self.state = state
        policy = problem.policy
        self.fixed = {donor for donor, _ in policy.required_pairs}
        self.order = {r.id: n for n, r in enumerate(problem.recipients)}
        candidates: dict[str, list[str]] = {r.id: [] for r in problem.recipients}
        for donor, recipient in eligible_pairs(problem):
            candidates[recipient].append(donor)
        self.candidates = {
            recipient: sorted(donors, key=lambda d: -problem.usefulness(d, recipient))
            for recipient, donors in candidates.items()
        }
        self.eligible = {(d, r) for r, donors in candidates.items() for d in donors}
        self.stuck: set[str] = set()

    def worst_waiting(self) -> str | None:
        """The recipient with the lowest coverage that may still be raised this round."""
        waiting = [r for r in self.state.recipients if r not in self.stuck]
        if not waiting:
            return None
        current = self.state.recipients
        return min(waiting, key=lambda r: (current[r].coverage, self.order[r]))

    def best_move(self, recipient: str) -> _Move | None:
        """The move that raises `recipient` and leaves its partner highest, or None (stuck)."""
        floor = self.state.recipients[recipient].coverage
        best: _Move | None = None
        for donor in self.candidates[recipient]:
            source = self.state.serves.get(donor)
            if source == recipient or donor in self.fixed:
                continue
            for move in self._moves(recipient, donor, source, floor):
                if best is None or move.value > best.value:
                    best = move
        if best is None:
            self.stuck.add(recipient)
        return best

    def _moves(self, recipient: str, donor: str, source: str | None, floor: float) -> list[_Move]:
        state = self.state
        degree = self.problem.policy.recipient_degree
        found = []
        room = degree.maximum is None or len(state.recipients[recipient].donors) < degree.maximum
        if room and state.load_fits(recipient, donor):
            move = self._transfer(recipient, donor, source, floor, degree.minimum)
            if move is not None:
                found.append(move)
        if source is not None:
            for returned in state.recipients[recipient].donors:
                move = self._swap(recipient, donor, source, returned, floor)
                if move is not None:
                    found.append(move)
        return found

    def _transfer(
        self, recipient: str, donor: str, source: str | None, floor: float, minimum: int
    ) -> _Move | None:
        state = self.state
        after = state.coverage(recipient, gain=donor)
        if after <= floor:
            return None
        if source is None:
            return _Move(after, donor, None, None)
        if len(state.recipients[source].donors) <= minimum:
            return None
        left = state.coverage(source, loss=donor)
        return _Move(min(after, left), donor, source, None) if left > floor else None

    def _swap(
        self, recipient: str, donor: str, source: str, returned: str, floor: float
    ) -> _Move | None:
        state = self.state
        if returned in self.fixed or (returned, source) not in self.eligible:
            return None
        after = state.coverage(recipient, gain=donor, loss=returned)
        if after <= floor:
            return None
        left = state.coverage(source, gain=returned, loss=donor)
        if left <= floor:
            return None
        if not (
            state.load_fits(recipient, donor, loss=returned)
            and state.load_fits(source, returned, loss=donor)
        ):
            return None
        return _Move(min(after, left), donor, source, returned)

    def apply(self, recipient: str, move: _Move) -> None:
        state = self.state
        if move.source is not None:
            state.remove(move.donor)
        if move.returned is not None:
            state.remove(move.returned)
            assert move.source is not None
            state.add(move.returned, move.source)
        state.add(move.donor, recipient)
