"""Occupancy now, per facility and bed type, and its colour against the programme's thresholds
(green, yellow, red) for facilities and, summed, for regions."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from pairaid.operations.models import Facility
from pairaid.operations.queries.transfers import BedsNow
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


def occupancy(beds: BedsNow) -> Occupancy | None:
    """One bed type's occupancy now (`queries.transfers.occupancy`: the latest report moved by
    the arrivals, departures, admissions and discharges since); None when unknown. Beds held
    for accepted transfers count as occupied: they are promised, so no longer free. Every
    share and colour is computed from this one function."""
    if beds.open is None or beds.occupied is None:
        return None
    return Occupancy(beds.occupied + beds.reserved, beds.open)


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


def by_bed_type(programme: Programme, beds: Iterable[BedsNow]) -> list[Coloured]:
    """A facility's known occupancies (its beds now, in the order of acuity), coloured."""
    found = ((b.bed_type, occupancy(b)) for b in beds)
    return [Coloured(t, o, level(programme, o)) for t, o in found if o is not None]


def by_region(
    programme: Programme,
    facilities: Iterable[Facility],
    beds_now: Mapping[int, Iterable[BedsNow]],
) -> dict[int, Coloured]:
    """Each recipient region's occupancy over its facilities and bed types, coloured, by
    region id (regions without a known occupancy are left out). Beds of every type are summed:
    a region's colour says how full its hospitals are, a facility's row says which beds."""
    totals: dict[int, Occupancy] = defaultdict(lambda: Occupancy(0, 0))
    for facility in facilities:
        for beds in beds_now.get(facility.pk, ()):
            figures = occupancy(beds)
            if figures is not None:
                region_id = facility.recipient.region_id
                totals[region_id] = totals[region_id] + figures
    return {
        region_id: Coloured("", figures, level(programme, figures))
        for region_id, figures in totals.items()
    }
