"""Which donor-recipient pairs a plan may use, and why a pair is excluded."""

from __future__ import annotations

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
