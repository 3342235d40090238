"""Staffed beds: the staff on duty at each facility (its own staff and the donor teams deployed
to it), the programme's care ratios, and the beds they run (`engine/staffing.py` decides);
teams deployed to a region without a facility form that region's pool, which staffs no beds."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final, cast

from django.db.models import Prefetch

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import PROFESSIONS, Counts, StaffedBeds, staffed_beds
from pairaid.engine.staffing import CareRatio as EngineRatio
from pairaid.operations.models import CareRatio, Deployment, Facility, FacilitySnapshot
from pairaid.operations.queries.teams import on_duty
from pairaid.programmes.models import Programme
from pairaid.registry.models import Region

# The staff figures PairAid holds (team members, a facility's own staff) are headcounts.
STAFF_COUNTS: Final[Counts] = "headcount"


@dataclass(frozen=True)
class Staffing:
    """A facility's staff on duty by profession and its staffed beds per bed type."""

    staff: dict[str, int]
    beds: list[StaffedBeds]


@dataclass(frozen=True)
class RegionalPool:
    """Staff of teams on duty in a region but at no facility: they staff no beds."""

    region: Region
    staff: dict[str, int]


def ratio_rows(programme: Programme) -> list[tuple[str, CareRatio | None]]:
    """The programme's care-ratio table: one row per bed type in the order of acuity (None: no
    row yet)."""
    rows = {r.bed_type: r for r in programme.care_ratios.select_related("source")}
    return [(t, rows.get(t)) for t in BED_TYPES]


def engine_ratios(programme: Programme) -> dict[str, EngineRatio]:
    """The care ratios the engine applies. A row without a source is unknown, whole."""
    return {
        t: EngineRatio(
            _fraction(r.doctors_per_bed), _fraction(r.nurses_per_bed), cast(Counts, r.counts)
        )
        for t, r in ratio_rows(programme)
        if r is not None and r.source_id is not None
    }


def _fraction(value: Any) -> Fraction | None:
    return None if value is None else Fraction(value)


def _deployments_on_duty(programme: Programme, on: datetime.date) -> list[Deployment]:
    arrived = (
        Deployment.objects.filter(team__programme=programme, arrived_on__lte=on)
        .select_related("recipient__region")
        .prefetch_related(
            "team__members__resource_type",
            Prefetch("replaced_by", Deployment.objects.only("pk", "arrived_on", "replaces_id")),
        )
    )
    return [d for d in arrived if on_duty(d, on)]


def _team_staff(deployment: Deployment) -> Counter[str]:
    """The members who staff beds (the professions the engine names), by profession."""
    staff: Counter[str] = Counter()
    for member in deployment.team.members.all():
        if member.resource_type.code in PROFESSIONS:
            staff[member.resource_type.code] += member.count
    return staff


def staff_on_duty(
    programme: Programme, on: datetime.date, facilities: Iterable[Facility]
) -> tuple[dict[int, dict[str, int]], list[RegionalPool]]:
    """Staff on duty per facility (its own staff and the teams on duty there), and the regional
    pools of teams on duty at a recipient but at no facility, by region code."""
    at_facility: dict[int, Counter[str]] = defaultdict(Counter)
    for facility in facilities:
        for row in facility.own_staff.all():
            at_facility[facility.pk][row.profession] += row.count
    pools: dict[int, Counter[str]] = defaultdict(Counter)
    regions: dict[int, Region] = {}
    for deployment in _deployments_on_duty(programme, on):
        staff = _team_staff(deployment)
        if deployment.facility_id is not None:
            at_facility[deployment.facility_id].update(staff)
        else:
            region = deployment.recipient.region
            regions[region.pk] = region
            pools[region.pk].update(staff)
    pool_rows = [
        RegionalPool(regions[pk], _by_profession(staff))
        for pk, staff in sorted(pools.items(), key=lambda item: regions[item[0]].code)
    ]
    return {pk: _by_profession(staff) for pk, staff in at_facility.items()}, pool_rows


def _by_profession(staff: Counter[str]) -> dict[str, int]:
    return {p: staff[p] for p in PROFESSIONS if staff[p]}


def open_beds_on(facility: Facility, on: datetime.date) -> dict[str, int | None]:
    """A facility's open beds per bed type in its latest report on or before the date (needs
    `snapshots__beds` prefetched, by date); a type it did not report is unknown."""
    reports: list[FacilitySnapshot] = [s for s in facility.snapshots.all() if s.date <= on]
    if not reports:
        return {}
    return {b.bed_type: b.open for b in reports[-1].beds.all()}


def staffing(
    programme: Programme, on: datetime.date, facilities: Iterable[Facility]
) -> tuple[dict[int, Staffing], list[RegionalPool]]:
    """Each facility's staffed beds at the date (facilities of `facility_queries.facilities`,
    with `own_staff` prefetched), and the regional pools."""
    facilities = list(facilities)
    staff, pools = staff_on_duty(programme, on, facilities)
    ratios = engine_ratios(programme)
    by_facility = {
        f.pk: Staffing(
            staff.get(f.pk, {}),
            staffed_beds(
                open_beds=open_beds_on(f, on),
                ventilators=f.ventilators,
                staff=staff.get(f.pk, {}),
                ratios=ratios,
                staff_counts=STAFF_COUNTS,
            ),
        )
        for f in facilities
    }
    return by_facility, pools
