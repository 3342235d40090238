"""The leximin split of a plan that gives no split (DESIGN.md §4).

For a fixed set of pairs, donors serving several recipients share their capacity so that the
sorted coverage vector is lexicographically largest. It is a continuous LP per connected part of
the plan; its sorted coverage vector is unique, so every metric of the plan is pinned. Staff are
whole people: each donor's share of an integer resource is then rounded by largest remainder
(`whole_shares`), within its capacity, so no plan sends 260.36 people and every figure reported
is computed from the split as it is sent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pairaid.engine.backends import get_backend
from pairaid.engine.backends.base import Limits
from pairaid.engine.budget import Budget
from pairaid.engine.formulation import build_model
from pairaid.engine.instance import (
    Assignment,
    DegreeRange,
    Objective,
    PairKey,
    Policy,
    Problem,
)
from pairaid.engine.lexicographic import solve_levels

Allocation = dict[str, float]


def leximin_split(problem: Problem, pairs: Sequence[PairKey]) -> dict[PairKey, Allocation]:
    """An allocation for every pair of the plan: whole capacity where a donor has one recipient,
    the leximin split where it has several (in whole units of integer resources)."""
    recipients_of: dict[str, list[str]] = {}
    for donor, recipient in pairs:
        recipients_of.setdefault(donor, []).append(recipient)
    split: dict[PairKey, Allocation] = {}
    for donor, recipients in recipients_of.items():
        if len(recipients) == 1:
            split[(donor, recipients[0])] = dict(problem.donor_by_id[donor].capacity)
    shared = [key for key in pairs if key not in split]
    for part in _connected_parts(pairs, {key[0] for key in shared}):
        for key, allocation in _in_whole_units(problem, _split_part(problem, part)).items():
            split.setdefault(key, allocation)  # a donor with one recipient still gives it all
    return split


def whole_shares(exact: Sequence[float], total: int) -> list[int]:
    """Whole numbers summing to `total`, each the floor or the ceiling of its exact share where
    the exact shares sum to it (largest remainder: the units left after the floors go to the
    largest fractional parts, the earlier share first on a tie)."""
    floors = [math.floor(x + _WHOLE_TOLERANCE) for x in exact]
    left = max(0, total - sum(floors))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


# A share within this of a whole number is that number (the LP's values carry rounding noise).
_WHOLE_TOLERANCE = 1e-6


def _in_whole_units(
    problem: Problem, split: dict[PairKey, Allocation]
) -> dict[PairKey, Allocation]:
    """The split with each donor's shares of an integer resource rounded by largest remainder:
    the donor sends as many whole units as its continuous shares add up to, never more than its
    capacity, and no recipient's share moves by a whole unit or more."""
    shares: dict[tuple[str, str], list[PairKey]] = {}
    for key, allocation in split.items():
        for resource in allocation:
            if resource in problem.integer_resources:
                shares.setdefault((key[0], resource), []).append(key)
    for (donor, resource), keys in shares.items():
        exact = [split[key][resource] for key in keys]
        capacity = problem.donor_by_id[donor].capacity.get(resource, 0.0)
        total = min(round(sum(exact)), math.floor(capacity + _WHOLE_TOLERANCE))
        for key, whole in zip(keys, whole_shares(exact, total), strict=True):
            split[key][resource] = float(whole)
    return split


def _connected_parts(pairs: Sequence[PairKey], split_donors: set[str]) -> list[list[PairKey]]:
    """Groups of pairs linked through donors that share capacity (and their recipients)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for donor, recipient in pairs:
        if donor in split_donors:
            parent[find("d:" + donor)] = find("r:" + recipient)
    parts: dict[str, list[PairKey]] = {}
    for donor, recipient in pairs:
        if donor in split_donors:
            parts.setdefault(find("r:" + recipient), []).append((donor, recipient))
    # Donors with one recipient also feed the part's recipients: include them as fixed givers.
    for donor, recipient in pairs:
        root = find("r:" + recipient)
        if donor not in split_donors and root in parts:
            parts[root].append((donor, recipient))
    return list(parts.values())


def _split_part(problem: Problem, part: list[PairKey]) -> dict[PairKey, Allocation]:
    donors = sorted({d for d, _ in part}, key=[d.id for d in problem.donors].index)
    recipients = sorted({r for _, r in part}, key=[r.id for r in problem.recipients].index)
    counted = sum(1 for r in recipients if problem.recipient_by_id[r].has_need)
    sub = Problem(
        donors=[problem.donor_by_id[d] for d in donors],
        recipients=[problem.recipient_by_id[r] for r in recipients],
        pairs=[problem.pair_data(*key) for key in part],
        policy=Policy(
            donor_degree=DegreeRange(0, None),
            recipient_degree=DegreeRange(0, None),
            required_pairs=frozenset(part),
            listed_pairs_only=True,
        ),
        objectives=[Objective("leximin", max(counted, 1))],
        saturation=problem.saturation,
    )
    pairing = build_model(sub)
    # An LP holds its levels far tighter than a MIP can: keep the split's minimum exact.
    # A handful of linear programmes per part, bounded by nothing but their size.
    outcome = solve_levels(
        pairing, sub.level_names(), get_backend("highs"), Limits(), Budget(None), tolerance=1e-9
    )
    values = outcome.values
    split: dict[PairKey, Allocation] = {key: {} for key in part}
    if values is None:  # cannot happen for a fixed plan; keep a harmless even split
        return _even_split(problem, part)  # rounded by the caller like any split
    for (key, resource), expression in pairing.allocation.items():
        split[key][resource] = max(0.0, expression.value(values))
    return split


def _even_split(problem: Problem, part: list[PairKey]) -> dict[PairKey, Allocation]:
    counts: Mapping[str, int] = {d: sum(1 for k in part if k[0] == d) for d, _ in part}
    return {
        key: {r: q / counts[key[0]] for r, q in problem.donor_by_id[key[0]].capacity.items()}
        for key in part
    }


def assign_the_rest(problem: Problem, plan: Sequence[Assignment]) -> tuple[Assignment, ...]:
    """The plan with every donor's unallocated capacity given to its own recipients.

    A fairness optimum is indifferent to capacity that does not raise a minimum (a resource
    that is not the recipient's scarcest, or units the solver had no reason to place), but a
    coordinator sends whole teams: nothing a donor offers should be left at home. Each leftover
    goes to the donor's recipient with the lowest share of need met in that resource, filling
    up to the next one's share; coverage never decreases, so no level gets worse. Whole units
    stay whole for integer resources.
    """
    given: dict[str, dict[str, float]] = {}
    received: dict[str, dict[str, float]] = {}
    mine: dict[str, list[Assignment]] = {}
    for assignment in plan:
        mine.setdefault(assignment.donor, []).append(assignment)
        for resource, quantity in (assignment.allocation or {}).items():
            given.setdefault(assignment.donor, {}).setdefault(resource, 0.0)
            given[assignment.donor][resource] += quantity
            totals = received.setdefault(assignment.recipient, {})
            totals[resource] = totals.get(resource, 0.0) + quantity
    allocation = {a.key: dict(a.allocation or {}) for a in plan}
    for donor, assignments in mine.items():
        capacity = problem.donor_by_id[donor].capacity
        for resource, offered in capacity.items():
            left = offered - given.get(donor, {}).get(resource, 0.0)
            whole = resource in problem.integer_resources
            if whole:
                left = float(math.floor(left + 1e-9))
            if left <= 1e-9:
                continue
            takers = [a.recipient for a in assignments]
            for recipient, amount in _fill(problem, resource, takers, received, left, whole):
                allocation[(donor, recipient)][resource] = (
                    allocation[(donor, recipient)].get(resource, 0.0) + amount
                )
                totals = received.setdefault(recipient, {})
                totals[resource] = totals.get(resource, 0.0) + amount
    return tuple(Assignment(a.donor, a.recipient, allocation[a.key]) for a in plan)


def _fill(
    problem: Problem,
    resource: str,
    takers: list[str],
    received: dict[str, dict[str, float]],
    amount: float,
    whole: bool,
) -> list[tuple[str, float]]:
    """Water-filling of `amount` over the takers by share of their need met in `resource`
    (takers without that need share what is left evenly); whole units when `whole`."""
    needing = [r for r in takers if problem.recipient_by_id[r].need.get(resource, 0.0) > 0]
    if not needing:
        share = amount / len(takers)
        parts = [(r, math.floor(share) if whole else share) for r in takers]
        parts[0] = (takers[0], amount - sum(q for _, q in parts[1:]))
        return [(r, q) for r, q in parts if q > 0]
    level = {r: received.get(r, {}).get(resource, 0.0) for r in needing}
    need = {r: problem.recipient_by_id[r].need[resource] for r in needing}
    # Find the common share t with Σ max(0, t·need − level) = amount (by bisection), then round.
    low, high = 0.0, max(level[r] / need[r] for r in needing) + amount / min(need.values())
    for _ in range(60):
        middle = (low + high) / 2
        if sum(max(0.0, middle * need[r] - level[r]) for r in needing) > amount:
            high = middle
        else:
            low = middle
    gifts = {r: max(0.0, low * need[r] - level[r]) for r in needing}
    if whole:
        gifts = {r: float(math.floor(q)) for r, q in gifts.items()}
        rest = round(amount - sum(gifts.values()))
        while rest >= 1:  # the rounded-off units, one each to the lowest shares
            lowest = min(needing, key=lambda r: ((level[r] + gifts[r]) / need[r], r))
            gifts[lowest] += 1
            rest -= 1
    else:
        gifts[needing[0]] += amount - sum(gifts.values())
    return [(r, q) for r, q in gifts.items() if q > 0]
