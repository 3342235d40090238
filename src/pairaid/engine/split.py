"""The leximin split of a plan that gives no split (DESIGN.md §4).

For a fixed set of pairs, donors serving several recipients share their capacity so that the
sorted coverage vector is lexicographically largest. It is a continuous LP per connected part of
the plan; its sorted coverage vector is unique, so every metric of the plan is pinned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pairaid.engine.backends.base import Limits
from pairaid.engine.backends.highs import HighsBackend
from pairaid.engine.formulation import build_model
from pairaid.engine.instance import (
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
    the leximin split where it has several."""
    recipients_of: dict[str, list[str]] = {}
    for donor, recipient in pairs:
        recipients_of.setdefault(donor, []).append(recipient)
    split: dict[PairKey, Allocation] = {}
    for donor, recipients in recipients_of.items():
        if len(recipients) == 1:
            split[(donor, recipients[0])] = dict(problem.donor_by_id[donor].capacity)
    shared = [key for key in pairs if key not in split]
    for part in _connected_parts(pairs, {key[0] for key in shared}):
        for key, allocation in _split_part(problem, part).items():
            split.setdefault(key, allocation)  # a donor with one recipient still gives it all
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
    outcome = solve_levels(pairing, sub.level_names(), HighsBackend(), Limits(), tolerance=1e-9)
    values = outcome.values
    split: dict[PairKey, Allocation] = {key: {} for key in part}
    if values is None:  # cannot happen for a fixed plan; keep a harmless even split
        return _even_split(problem, part)
    for (key, resource), expression in pairing.allocation.items():
        split[key][resource] = max(0.0, expression.value(values))
    return split


def _even_split(problem: Problem, part: list[PairKey]) -> dict[PairKey, Allocation]:
    counts: Mapping[str, int] = {d: sum(1 for k in part if k[0] == d) for d, _ in part}
    return {
        key: {r: q / counts[key[0]] for r, q in problem.donor_by_id[key[0]].capacity.items()}
        for key in part
    }
