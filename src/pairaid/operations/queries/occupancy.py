"""Occupancy now, per facility and bed type, and its colour against the programme's thresholds
(green, yellow, red) for facilities and, summed, for regions."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from pairaid.engine.beds import BED_TYPES
from pairaid.operations.models import Facility
from pairaid.operations.queries import facilities as facility_queries
from pairaid.programmes.models import Programme


class Level(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class Occupancy:
    """Beds occupied of beds open (of one type, or summed over a region)."""

    occupied: int
    open: int

    @property
    def share(self) -> Fraction | None:
        """Occupied / open; None without open beds."""
        return Fraction(self.occupied, self.open) if self.open else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)

    def __add__(self, other: "Occupancy") -> "Occupancy":
        return Occupancy(self.occupied + other.occupied, self.open + other.open)


def occupancy(facility: Facility, bed_type: str) -> Occupancy | None:
    """A facility's occupancy now of one bed type (a facility of `facilities.facilities`);
    None when unknown. Every share and colour is computed from this one function: today it is
    the latest report's occupied / open, and when transfers and discharges are counted it is
    the one place that learns the new accounting."""
    snapshot = facility_queries.latest_snapshot(facility)
    if snapshot is None:
        return None
    for beds in snapshot.beds.all():
        if beds.bed_type == bed_type and beds.open is not None and beds.occupied is not None:
            return Occupancy(beds.occupied, beds.open)
    return None


def level(programme: Programme, figures: Occupancy) -> Level | None:
    """The colour of an occupancy under the programme's thresholds. Patients without an open
    bed (occupied, none open) are red; no patients and no beds, no colour."""
    share = figures.share
    if share is None:
        return Level.RED if figures.occupied else None
    if share * 100 >= programme.occupancy_red_percent:
        return Level.RED
    if share * 100 >= programme.occupancy_yellow_percent:
        return Level.YELLOW
    return Level.GREEN


@dataclass(frozen=True)
class Coloured:
    bed_type: str
    figures: Occupancy
    level: Level | None


def by_bed_type(facility: Facility) -> list[Coloured]:
    """A facility's known occupancies, coloured, in the order of acuity."""
    found = ((t, occupancy(facility, t)) for t in BED_TYPES)
    return [Coloured(t, o, level(facility.programme, o)) for t, o in found if o is not None]


def by_region(programme: Programme, facilities: Iterable[Facility]) -> dict[int, Coloured]:
    """Each recipient region's occupancy over its facilities and bed types, coloured, by
    region id (regions without a known occupancy are left out). Beds of every type are summed:
    a region's colour says how full its hospitals are, a facility's row says which beds."""
    totals: dict[int, Occupancy] = defaultdict(lambda: Occupancy(0, 0))
    for facility in facilities:
        for t in BED_TYPES:
            figures = occupancy(facility, t)
            if figures is not None:
                region_id = facility.recipient.region_id
                totals[region_id] = totals[region_id] + figures
    return {
        region_id: Coloured("", figures, level(programme, figures))
        for region_id, figures in totals.items()
    }
