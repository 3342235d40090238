"""Escalation tiers: how far up the programme a patient moves to find a bed.

Tier 1 keeps a patient in its own region, tier 2 within the same parent region (a province's
cities), tier 3 within the same cluster (the provinces grouped for mutual aid), tier 4 anywhere
in the programme. The rule is written once here, free of Django, so that the placement
recommender and the platform's transfers count tiers alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

TIERS: Final = (1, 2, 3, 4)


@dataclass(frozen=True)
class RegionPlace:
    """Where a region sits in the programme: itself, its parent region and its cluster
    (None when it has none: a missing parent or cluster is shared with no one)."""

    region: str
    parent: str | None = None
    cluster: str | None = None


def move_tier(origin: RegionPlace, destination: RegionPlace) -> int:
    """The tier of a move from `origin`'s region to `destination`'s: 1 same region, 2 same
    parent region, 3 same cluster, 4 otherwise."""
    if origin.region == destination.region:
        return 1
    if origin.parent is not None and origin.parent == destination.parent:
        return 2
    if origin.cluster is not None and origin.cluster == destination.cluster:
        return 3
    return 4
