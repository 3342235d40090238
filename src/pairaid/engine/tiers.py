"""Escalation tiers: how far a patient moves, in the steps a coordinator escalates through.

A facility stands in four nested-by-intent scopes: tier 1 its own region, tier 2 the region's
parent (the province above a city), tier 3 a cluster of regions the programme defines (as
Germany's Kleeblatt clusters group states), tier 4 the whole programme. A move between two
facilities is at the lowest tier whose scope holds both. The scopes need not nest (a cluster
may cut across provinces), so each is tested in order rather than inferred from the one below.

The rule is written once here, free of Django, so that pages, services and the placement
recommender's escalation objective all count tiers the same way.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

REGION: Final = 1
PARENT: Final = 2
CLUSTER: Final = 3
PROGRAMME: Final = 4
TIERS: Final = (REGION, PARENT, CLUSTER, PROGRAMME)


Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class TierPlace(Generic[Key]):
    """Where a facility stands for escalation: its region, the region's parent (None at the
    top of a country) and the programme's cluster that holds its region (None when in none).
    The keys are any hashable ids (database ids, references), compared only for equality."""

    region: Key
    parent: Key | None = None
    cluster: Key | None = None


def tier_between(origin: TierPlace[Key], destination: TierPlace[Key]) -> int:
    """The escalation tier of a move from `origin` to `destination`: 1 within one region, 2
    within one parent region, 3 within one cluster, else 4 (the whole programme). A missing
    parent or cluster (None) holds nothing in common, never everything."""
    if origin.region == destination.region:
        return REGION
    if origin.parent is not None and origin.parent == destination.parent:
        return PARENT
    if origin.cluster is not None and origin.cluster == destination.cluster:
        return CLUSTER
    return PROGRAMME
