"""Which donor-recipient pairs a plan may use, and why a pair is excluded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pairaid.engine.instance import PairKey, Problem


def exclusion_reason(problem: Problem, donor: str, recipient: str) -> str | None:
    """Why a pair may not be used (in plain words), or None when it may."""
    policy = problem.policy
    key = (donor, recipient)
    if key in policy.forbidden_pairs:
        return "forbidden"
    if policy.listed_pairs_only and key not in problem.pair_by_key:
        return "not a listed pair"
    travel_hours = problem.pair_data(donor, recipient).travel_hours
    # A pair whose travel time is unknown is not excluded by the limit: unknown is not "far".
    if (
        policy.max_travel_hours is not None
        and travel_hours is not None
        and travel_hours > policy.max_travel_hours
    ):
        return f"{travel_hours:g} h of travel, above the limit of {policy.max_travel_hours:g} h"
    return None


def eligible_pairs(problem: Problem) -> tuple[PairKey, ...]:
    """Every usable pair, in donor order then recipient order (the tie-break order)."""
    if problem.policy.listed_pairs_only:
        candidates = [
            (donor.id, recipient.id)
            for donor in problem.donors
            for recipient in problem.recipients
            if (donor.id, recipient.id) in problem.pair_by_key
        ]
    else:
        candidates = [
            (donor.id, recipient.id) for donor in problem.donors for recipient in problem.recipients
        ]
    return tuple(key for key in candidates if exclusion_reason(problem, *key) is None)


def nested_pairs(
    donor_parent: Mapping[str, str],
    recipient_parent: Mapping[str, str],
    parent_pairs: Iterable[PairKey],
) -> frozenset[PairKey]:
    """The child pairs that lie inside a fixed parent pair: (d, r) where d's parent and r's
    parent are paired one level up. `donor_parent` maps each child-level donor to the parent
    donor it lies inside (itself where it plays at both levels), `recipient_parent` likewise.
    Listed as a problem's pairs with `listed_pairs_only`, they are all a child-level plan may
    use (Zhuhai may take a town of Wenchuan because Guangdong is paired with Wenchuan)."""
    parents = set(parent_pairs)
    return frozenset(
        (donor, recipient)
        for donor, upper_donor in donor_parent.items()
        for recipient, upper_recipient in recipient_parent.items()
        if (upper_donor, upper_recipient) in parents and (donor, recipient) not in parents
    )
