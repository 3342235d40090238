"""Greedy heuristic: the strongest donor goes to the neediest recipient.

Used as a baseline and as the exact backends' warm start. For cost or travel objectives it
assigns by regret (the donor that would lose most by not getting its cheapest recipient goes
first). It may return a plan that breaks the policy; the evaluator says so.
"""

from __future__ import annotations

from collections.abc import Callable

from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.evaluate import donor_strength
from pairaid.engine.flow import FlowNetwork
from pairaid.engine.instance import FAIRNESS_OBJECTIVES, Assignment, PairKey, Problem


class _State:
    """Links made so far, with what each recipient has received (whole capacities)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.links: list[PairKey] = []
        self.linked: set[PairKey] = set()  # the same pairs, for constant-time membership
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
        self.linked.add((donor, recipient))
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
    options: dict[str, list[str]] = {d.id: [] for d in problem.donors}
    for donor, recipient in eligible_pairs(problem):
        options[donor].append(recipient)
    primary = problem.objectives[0].name if problem.objectives else "max_min_coverage"
    if primary not in FAIRNESS_OBJECTIVES and primary != "min_churn":
        state = _start(problem)
        _fill_by_regret(problem, state, options, primary)
        return _as_plan(state)
    # A pass may strand a recipient whose possible donors all went elsewhere: then serve the
    # minimums first (a little less fair), and if the existing links are what block it (they
    # use up the donors), let them go too (measured on hubei-2020: the historical plan's 19
    # donors cover 14 of the 16 cities once each donor keeps one link).
    for keep_existing, minimums_first in ((True, False), (True, True), (False, True)):
        state = _fair_plan(
            problem, options, keep_existing=keep_existing, serve_minimums_first=minimums_first
        )
        if _minimums_met(problem, state):
            break
    return _as_plan(state)


def _start(problem: Problem) -> _State:
    state = _State(problem)
    for donor, recipient in sorted(problem.policy.required_pairs):
        state.link(donor, recipient)
    return state


def _fair_plan(
    problem: Problem,
    options: dict[str, list[str]],
    *,
    keep_existing: bool,
    serve_minimums_first: bool,
) -> _State:
    state = _start(problem)
    if keep_existing:
        _keep_existing(problem, state, options)
    if serve_minimums_first:
        _serve_minimums(problem, state, options)
    _fill_fair(problem, state, options)
    return state


def _minimums_met(problem: Problem, state: _State) -> bool:
    minimum = problem.policy.recipient_degree.minimum
    return all(count >= minimum for count in state.recipient_links.values())


def _as_plan(state: _State) -> tuple[Assignment, ...]:
    return tuple(Assignment(d, r) for d, r in state.links)


def _links_wanted(problem: Problem) -> int:
    degree = problem.policy.donor_degree
    wanted = max(degree.minimum, 1)
    return wanted if degree.maximum is None else min(wanted, degree.maximum)


def _keep_existing(problem: Problem, state: _State, options: dict[str, list[str]]) -> None:
    for donor, recipient in sorted(problem.policy.existing_plan):
        linked = (donor, recipient) in state.linked
        if (
            not linked
            and recipient in options.get(donor, [])
            and state.donor_links[donor] < _links_wanted(problem)
            and state.can_link(donor, recipient)
        ):
            state.link(donor, recipient)


def _serve_minimums(problem: Problem, state: _State, options: dict[str, list[str]]) -> None:
    """Give every recipient its minimum number of donors first, by a maximum flow (strongest
    donors offered to the neediest recipients first); a greedy pass alone can strand a
    recipient whose few possible donors went elsewhere."""
    minimum = problem.policy.recipient_degree.minimum
    short = {r: minimum - n for r, n in state.recipient_links.items() if n < minimum}
    if not short:
        return
    donors = sorted(problem.donors, key=lambda d: -donor_strength(problem, d.id))
    # A donor may go beyond the links it would make anyway, up to its maximum degree, so that
    # nobody is left without a donor.
    maximum = problem.policy.donor_degree.maximum
    spare = {
        d.id: (len(options[d.id]) if maximum is None else maximum) - state.donor_links[d.id]
        for d in donors
    }
    recipients = sorted(short, key=lambda r: -sum(problem.recipient_by_id[r].need.values()))
    node = {d.id: 1 + i for i, d in enumerate(donors)}
    node.update({r: 1 + len(donors) + j for j, r in enumerate(recipients)})
    sink = 1 + len(donors) + len(recipients)
    network = FlowNetwork(sink + 1)
    edges: dict[int, PairKey] = {}
    for donor in donors:
        if spare[donor.id] > 0:
            network.add_edge(0, node[donor.id], spare[donor.id])
        for recipient in options[donor.id]:
            if recipient in short and (donor.id, recipient) not in state.linked:
                edges[network.add_edge(node[donor.id], node[recipient], 1)] = (donor.id, recipient)
    for recipient in recipients:
        network.add_edge(node[recipient], sink, short[recipient])
    network.max_flow(0, sink)
    for edge, (giver, taker) in edges.items():
        if network.flow_on(edge) and state.can_link(giver, taker):
            state.link(giver, taker)


def _fill_fair(problem: Problem, state: _State, options: dict[str, list[str]]) -> None:
    order = {r.id: i for i, r in enumerate(problem.recipients)}
    need = {r.id: sum(r.need.values()) for r in problem.recipients}
    donors = sorted(problem.donors, key=lambda d: -donor_strength(problem, d.id))
    for donor in donors:
        while state.donor_links[donor.id] < _links_wanted(problem):
            free = [
                r
                for r in options[donor.id]
                if (donor.id, r) not in state.linked and state.can_link(donor.id, r)
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
                if (donor, r) not in state.linked and state.can_link(donor, r)
            ]
            if not free:
                break
            state.link(donor, min(free, key=price(donor)))
