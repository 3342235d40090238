"""A max-min start by matching: at a target coverage, most recipients need one strong donor.

At national scale most recipients can reach a fair share from a single donor within their
travel limit; what is scarce is strong donors, contested by neighbouring recipients. Greedy
hands them out one recipient at a time and strands the last recipients (0.053 at 1000×800);
the worst-off search and the kernel lift that to 0.09–0.13. A matching sees the contest whole:
for a target v, join each recipient to the donors that cover v of its every need alone, and a
maximum matching (greedy, then augmenting paths) gives the most recipients such a donor each
(at 1000×800, 791 of 800 at v = 0.2). The few left take several free donors, strongest first,
and every donor still unused goes where a recipient has room. Bisection on v keeps the best
plan that works.

Whole donors only (maximum degree 1), and only policies the construction respects by itself:
no required pairs, churn budget or absorption limit, at most one donor required per recipient.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pairaid.engine.flow import FlowNetwork
from pairaid.engine.instance import FAIRNESS_OBJECTIVES, Assignment, PairKey, Problem

BISECTIONS = 12
"""Targets tried between the start's minimum and the bound: 2^-12 of the interval at the end.
Each costs a maximum matching per round: 12 targets take 0.5 s at 1000×800 (80,000 pairs)."""
ROUNDS = 6
"""Matchings per target: after each, the recipients left without a donor reserve several."""


def applies(problem: Problem) -> bool:
    policy = problem.policy
    first = problem.objectives[0].name if problem.objectives else "max_min_coverage"
    return (
        first in FAIRNESS_OBJECTIVES
        and policy.donor_degree.maximum == 1
        and policy.recipient_degree.minimum <= 1
        and not policy.required_pairs
        and policy.churn_budget is None
        and not policy.absorption
    )


@dataclass(frozen=True)
class _Index:
    """Pairs by recipient with each donor's share of the recipient's scarcest need."""

    problem: Problem
    pairs: tuple[PairKey, ...]
    share: dict[PairKey, float]
    donors_of: dict[str, list[str]]
    """Each recipient's possible donors, largest share first."""

    def count(self, recipient: str, target: float) -> int:
        """How many of the recipient's donors cover `target` of its every need alone."""
        donors = self.donors_of[recipient]
        return bisect.bisect_right(donors, -target, key=lambda d: -self.share[(d, recipient)])


def matching_plan(
    problem: Problem,
    pairs: Sequence[PairKey],
    low: float,
    high: float,
    *,
    stop: Callable[[], bool] | None = None,
) -> tuple[Assignment, ...] | None:
    """The plan of the highest target in (low, high] the construction reaches, if any; `stop`,
    asked between targets, ends the bisection with the best plan so far."""
    index = _index(problem, pairs)
    best: tuple[Assignment, ...] | None = None
    for _ in range(BISECTIONS):
        if high <= low or (stop is not None and stop()):
            break
        target = (low + high) / 2
        plan = _plan_at(index, target)
        if plan is None:
            high = target
        else:
            best, low = plan, target
    return best


def _index(problem: Problem, pairs: Sequence[PairKey]) -> _Index:
    share = {key: problem.usefulness(*key) for key in pairs}
    donors_of: dict[str, list[str]] = {r.id: [] for r in problem.recipients}
    order = {d.id: n for n, d in enumerate(problem.donors)}
    for donor, recipient in pairs:
        donors_of[recipient].append(donor)
    for recipient, donors in donors_of.items():
        donors.sort(key=lambda d: (-share[(d, recipient)], order[d]))
    return _Index(problem, tuple(pairs), share, donors_of)


def _plan_at(index: _Index, target: float) -> tuple[Assignment, ...] | None:
    """A plan whose every recipient reaches `target`, or None where the construction fails."""
    problem = index.problem
    most = problem.policy.recipient_degree.maximum
    # Recipients the matching leaves without a donor take several, reserved before the next
    # matching: a recipient that needs its strongest donors gets them, the others re-match.
    reserved: dict[str, list[str]] = {}
    for _ in range(ROUNDS):
        busy = {donor for donors in reserved.values() for donor in donors}
        serves = _match_single_donors(index, target, busy, set(reserved))
        matched = set(serves.values()) | set(reserved)
        stranded = [r.id for r in problem.recipients if r.has_need and r.id not in matched]
        if not stranded:
            break
        for recipient in stranded:
            available = {d for d in index.donors_of[recipient] if d not in busy}
            chosen = _several_donors(index, recipient, target, available, most)
            if chosen is None:
                return None
            reserved[recipient] = chosen
            busy |= set(chosen)
    else:
        return None
    taken: dict[str, list[str]] = {r.id: list(reserved.get(r.id, ())) for r in problem.recipients}
    for donor, served in serves.items():
        taken[served].append(donor)
    used = set(serves) | {donor for donors in reserved.values() for donor in donors}
    placed = _place_the_rest(index, [d.id for d in problem.donors if d.id not in used], taken)
    if placed is None:
        return None
    return tuple(
        Assignment(donor, recipient) for recipient, donors in taken.items() for donor in donors
    ) + tuple(Assignment(donor, recipient) for donor, recipient in placed)


def _match_single_donors(
    index: _Index, target: float, busy: set[str], settled: set[str]
) -> dict[str, str]:
    """A maximum matching of recipients to donors that cover `target` of them alone, leaving
    out `busy` donors and `settled` recipients: donor → recipient."""
    options = {
        recipient: [
            d for d in index.donors_of[recipient][: index.count(recipient, target)] if d not in busy
        ]
        for recipient in index.donors_of
        if recipient not in settled and index.problem.recipient_by_id[recipient].has_need
    }
    owner: dict[str, str] = {}
    served: dict[str, str] = {}
    for recipient, donors in options.items():  # most are matched at once, strongest first
        for donor in donors:
            if donor not in owner:
                owner[donor], served[recipient] = recipient, donor
                break
    for recipient in options:
        if recipient not in served:
            _augment(recipient, options, owner, served)
    return owner


def _augment(
    root: str, options: dict[str, list[str]], owner: dict[str, str], served: dict[str, str]
) -> None:
    """Match `root` along an alternating path found breadth-first, when there is one."""
    reached_from: dict[str, str] = {}
    queue = deque([root])
    while queue:
        recipient = queue.popleft()
        for donor in options[recipient]:
            if donor in reached_from:
                continue
            reached_from[donor] = recipient
            if donor in owner:
                queue.append(owner[donor])
                continue
            # A free donor: shift every donor on the path back by one recipient.
            while True:
                taker = reached_from[donor]
                previous = served.get(taker)
                owner[donor], served[taker] = taker, donor
                if taker == root or previous is None:
                    return
                donor = previous


def _several_donors(
    index: _Index, recipient: str, target: float, free: set[str], most: int | None
) -> list[str] | None:
    """Free donors that together cover `target` of every need, each time the one that raises
    the recipient's coverage most; None when its maximum degree is reached first."""
    problem = index.problem
    need = {k: q for k, q in problem.recipient_by_id[recipient].need.items() if q > 0}
    received = dict.fromkeys(need, 0.0)
    chosen: list[str] = []
    candidates = [d for d in index.donors_of[recipient] if d in free]
    while min(received[k] / need[k] for k in need) < target:
        if (most is not None and len(chosen) >= most) or not candidates:
            return None
        donor = max(candidates, key=lambda d: _coverage_with(problem, d, received, need))
        candidates.remove(donor)
        chosen.append(donor)
        for resource in need:
            received[resource] += problem.donor_by_id[donor].capacity.get(resource, 0.0)
    return chosen


def _coverage_with(
    problem: Problem, donor: str, received: dict[str, float], need: dict[str, float]
) -> float:
    capacity = problem.donor_by_id[donor].capacity
    return min((received[k] + capacity.get(k, 0.0)) / q for k, q in need.items())


def _place_the_rest(
    index: _Index, free: list[str], taken: dict[str, list[str]]
) -> list[PairKey] | None:
    """Each unused donor to a recipient with room (a donor must serve someone when its minimum
    degree is 1); more donors never lower anyone's coverage. None when some cannot be placed."""
    problem = index.problem
    if not free or problem.policy.donor_degree.minimum == 0:
        return []
    most = problem.policy.recipient_degree.maximum
    room = {r: (len(free) if most is None else most - len(d)) for r, d in taken.items()}
    donors = {d: 2 + n for n, d in enumerate(free)}
    recipients = {r: 2 + len(donors) + n for n, r in enumerate(taken)}
    network = FlowNetwork(2 + len(donors) + len(recipients))
    for node in donors.values():
        network.add_edge(0, node, 1)
    for recipient, node in recipients.items():
        if room[recipient] > 0:
            network.add_edge(node, 1, room[recipient])
    free_set = set(free)
    edges = {
        network.add_edge(donors[key[0]], recipients[key[1]], 1): key
        for key in index.pairs
        if key[0] in free_set and room[key[1]] > 0
    }
    if network.max_flow(0, 1) < len(free):
        return None
    return [key for edge, key in edges.items() if network.flow_on(edge)]
