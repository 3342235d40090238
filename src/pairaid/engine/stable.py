"""Stable matching of donors and recipients by deferred acceptance (Gale–Shapley), either side
proposing, with quotas on both sides (each donor serves at most its maximum degree, each
recipient takes at most U donors), and the count of blocking pairs of any matching.

Preferences are given as ranked lists, or derived: donors prefer the neediest recipients, and
recipients the strongest donors (their strength attribute, else total capacity), nearer first on
ties. Only eligible pairs are ranked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.instance import PairKey, Problem

Side = Literal["donors", "recipients"]
Preferences = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class StableMatching:
    """The matching found, who proposed, and the pairs that would rather be matched together."""

    pairs: tuple[PairKey, ...]
    proposing: Side
    blocking_pairs: tuple[PairKey, ...]

    @property
    def stable(self) -> bool:
        return not self.blocking_pairs


def _hours(problem: Problem, donor: str, recipient: str) -> float:
    hours = problem.pair_data(donor, recipient).travel_hours
    return 1.0 + (hours or 0.0)


def derived_preferences(problem: Problem) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Ranked lists over the eligible pairs; remaining ties broken by id for determinism."""
    donors: dict[str, list[tuple[float, float, str]]] = {d.id: [] for d in problem.donors}
    recipients: dict[str, list[tuple[float, float, str]]] = {r.id: [] for r in problem.recipients}
    for donor_id, recipient_id in eligible_pairs(problem):
        donor = problem.donor_by_id[donor_id]
        recipient = problem.recipient_by_id[recipient_id]
        hours = _hours(problem, donor_id, recipient_id)
        strength = donor.strength.get(
            problem.strength_attribute or "", sum(donor.capacity.values())
        )
        donors[donor_id].append((-sum(recipient.need.values()), hours, recipient_id))
        recipients[recipient_id].append((-strength, hours, donor_id))
    return (
        {d: [who for *_, who in sorted(scored)] for d, scored in donors.items()},
        {r: [who for *_, who in sorted(scored)] for r, scored in recipients.items()},
    )


def quotas(problem: Problem) -> tuple[dict[str, int], dict[str, int]]:
    """How many partners each side may take: the policy's maximum degrees (no maximum: everyone)."""
    donor_max = problem.policy.donor_degree.maximum or len(problem.recipients)
    recipient_max = problem.policy.recipient_degree.maximum or len(problem.donors)
    return (
        {d.id: donor_max for d in problem.donors},
        {r.id: recipient_max for r in problem.recipients},
    )


def _defer(
    proposers: Preferences,
    receivers: Preferences,
    proposer_quota: Mapping[str, int],
    receiver_quota: Mapping[str, int],
) -> set[tuple[str, str]]:
    """Deferred acceptance with quotas on both sides; returns (proposer, receiver) pairs."""
    rank = {r: {p: i for i, p in enumerate(prefs)} for r, prefs in receivers.items()}
    next_choice = {p: 0 for p in proposers}
    held: dict[str, list[str]] = {r: [] for r in receivers}
    matched: dict[str, int] = {p: 0 for p in proposers}
    free = sorted(proposers)
    while free:
        proposer = free.pop(0)
        prefs = proposers[proposer]
        while matched[proposer] < proposer_quota.get(proposer, 1) and next_choice[proposer] < len(
            prefs
        ):
            receiver = prefs[next_choice[proposer]]
            next_choice[proposer] += 1
            if proposer not in rank.get(receiver, {}):
                continue  # the receiver finds the proposer unacceptable
            held[receiver].append(proposer)
            matched[proposer] += 1
            held[receiver].sort(key=lambda p: rank[receiver][p])
            if len(held[receiver]) > receiver_quota.get(receiver, 1):
                rejected = held[receiver].pop()
                matched[rejected] -= 1
                if rejected != proposer and rejected not in free:
                    free.append(rejected)
    return {(p, r) for r, ps in held.items() for p in ps}


def blocking_pairs(
    pairs: Sequence[PairKey],
    donor_preferences: Preferences,
    recipient_preferences: Preferences,
    donor_quota: Mapping[str, int],
    recipient_quota: Mapping[str, int],
) -> tuple[PairKey, ...]:
    """Unmatched acceptable pairs where both sides would gain: each has a free place or prefers
    the other to its worst current partner."""
    donor_rank = {d: {r: i for i, r in enumerate(p)} for d, p in donor_preferences.items()}
    recipient_rank = {r: {d: i for i, d in enumerate(p)} for r, p in recipient_preferences.items()}
    partners_of_donor: dict[str, list[str]] = {d: [] for d in donor_preferences}
    partners_of_recipient: dict[str, list[str]] = {r: [] for r in recipient_preferences}
    for donor, recipient in pairs:
        partners_of_donor.setdefault(donor, []).append(recipient)
        partners_of_recipient.setdefault(recipient, []).append(donor)

    def wants(rank: Mapping[str, int], partners: list[str], quota: int, other: str) -> bool:
        if other not in rank:
            return False
        if len(partners) < quota:
            return True
        return rank[other] < max(rank.get(p, len(rank)) for p in partners)

    matched = set(pairs)
    found = []
    for donor, ranking in donor_rank.items():
        for recipient in ranking:
            if (donor, recipient) in matched:
                continue
            if wants(
                ranking, partners_of_donor[donor], donor_quota.get(donor, 1), recipient
            ) and wants(
                recipient_rank.get(recipient, {}),
                partners_of_recipient.get(recipient, []),
                recipient_quota.get(recipient, 1),
                donor,
            ):
                found.append((donor, recipient))
    return tuple(sorted(found))


def stable_match(
    problem: Problem,
    *,
    proposing: Side = "donors",
    donor_preferences: Preferences | None = None,
    recipient_preferences: Preferences | None = None,
) -> StableMatching:
    """A stable matching (optimal for the proposing side) and its blocking pairs (none, unless
    the given preference lists rank pairs the policy forbids)."""
    derived_donors, derived_recipients = derived_preferences(problem)
    donors = donor_preferences if donor_preferences is not None else derived_donors
    recipients = recipient_preferences if recipient_preferences is not None else derived_recipients
    donor_quota, recipient_quota = quotas(problem)
    if proposing == "donors":
        found = _defer(donors, recipients, donor_quota, recipient_quota)
    else:
        found = {(d, r) for r, d in _defer(recipients, donors, recipient_quota, donor_quota)}
    pairs = tuple(sorted(found))
    return StableMatching(
        pairs, proposing, blocking_pairs(pairs, donors, recipients, donor_quota, recipient_quota)
    )


# The names the engine's public surface uses.
deferred_acceptance = stable_match


def plan_blocking_pairs(problem: Problem, pairs: Sequence[PairKey]) -> tuple[PairKey, ...]:
    """The blocking pairs of any plan (e.g. the historical one) under the derived preferences."""
    donors, recipients = derived_preferences(problem)
    donor_quota, recipient_quota = quotas(problem)
    return blocking_pairs(pairs, donors, recipients, donor_quota, recipient_quota)
