"""The placement problem: waiting patients, facilities' free staffed beds, travel, transport.

One 24-hour period. A patient of an acuity (a bed type of `engine.beds`) takes a bed of its own
type or a higher one, never a lower one, at a facility within its acuity's travel limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pairaid.engine.beds import BED_TYPES, acuity_rank
from pairaid.engine.tiers import TierPlace


@dataclass(frozen=True)
class BedCount:
    """A facility's beds of one type: staffed (the denominator of occupancy) and occupied now."""

    staffed: int
    occupied: int

    @property
    def free(self) -> int:
        return max(0, self.staffed - self.occupied)


@dataclass(frozen=True)
class Facility:
    id: str
    region: str
    beds: Mapping[str, BedCount] = field(default_factory=dict)
    name: str = ""


@dataclass(frozen=True)
class Site:
    """Where patients wait: a facility's queue (`facility` set) or a region's community queue."""

    id: str
    region: str
    waiting: Mapping[str, int] = field(default_factory=dict)
    facility: str | None = None


@dataclass(frozen=True)
class Route:
    site: str
    facility: str
    hours: float


@dataclass(frozen=True)
class PlacementProblem:
    regions: Sequence[TierPlace[str]]
    facilities: Sequence[Facility]
    sites: Sequence[Site]
    routes: Sequence[Route]
    max_travel_hours: Mapping[str, float]
    transport_capacity: Mapping[str, int] = field(default_factory=dict)
    upgrade_hours: float = 1.0
    name: str = ""
    time_limit_seconds: float | None = None

    def region_places(self) -> dict[str, TierPlace[str]]:
        return {place.region: place for place in self.regions}

    def travel(self) -> dict[tuple[str, str], float]:
        """Hours by (site, facility); a site's own facility is 0 h unless listed."""
        hours = {(s.id, s.facility): 0.0 for s in self.sites if s.facility is not None}
        hours.update({(r.site, r.facility): r.hours for r in self.routes})
        return hours


def compatible(acuity: str, bed_type: str) -> bool:
    """A patient takes a bed of its own type or a higher one, never a lower one."""
    return acuity_rank(bed_type) >= acuity_rank(acuity)


def upgrade_steps(acuity: str, bed_type: str) -> int:
    """How many types above the patient's own the bed is (each costs `upgrade_hours`)."""
    return acuity_rank(bed_type) - acuity_rank(acuity)


def within_limit(problem: PlacementProblem, acuity: str, hours: float) -> bool:
    limit = problem.max_travel_hours.get(acuity)
    return limit is None or hours <= limit


ACUITY_PRIORITY = tuple(reversed(BED_TYPES))
"""The order in which patients left without a bed count: ventilated first, general last."""


@dataclass(frozen=True)
class Placement:
    """Patients of one acuity from one site placed in beds of one type at one facility."""

    site: str
    acuity: str
    facility: str
    bed_type: str
    patients: int
    travel_hours: float
    tier: int
