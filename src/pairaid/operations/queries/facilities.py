"""Which donor and team answer for each facility, its beds by type, its latest report and
whether it missed the programme's latest reporting deadline."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from pairaid.engine.beds import BED_TYPES
from pairaid.labels import local_name
from pairaid.operations.models import Deployment, Facility, FacilitySnapshot, SnapshotBeds
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.programmes.models import Programme


@dataclass
class Responsibility:
    facility: Any
    # The deployments planned or on duty at the date that name the facility, by team name.
    deployments: list[Deployment] = field(default_factory=list)
    # The programme's latest reporting deadline (aware), by which today's report was due.
    deadline: datetime.datetime | None = None
    # Its beds now per bed type (queries.transfers.occupancy): the latest snapshot moved since.
    beds_now: list[transfer_queries.BedsNow] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and overdue(self.facility, self.deadline)

    @property
    def capacity(self) -> list[tuple[str, int | None]]:
        """The facility's beds per bed type, in the order of acuity (None: unknown)."""
        return capacity(self.facility)

    @property
    def donors(self) -> list[str]:
        """The answering donors' names in the active language."""
        return sorted({local_name(d.team.donor.region) for d in self.deployments})

    @property
    def donor_references(self) -> list[str]:
        """The answering donors' regions as references (CN:370000), for the API."""
        return sorted({d.team.donor.region.reference for d in self.deployments})

    @property
    def teams(self) -> list[str]:
        return [d.team.name for d in self.deployments]

    @property
    def latest_snapshot(self) -> FacilitySnapshot | None:
        """The facility's latest capacity (its snapshots come by date, `facilities`)."""
        return latest_snapshot(self.facility)

    @property
    def uncovered(self) -> bool:
        return not self.deployments

    @property
    def claimed_twice(self) -> bool:
        return len({d.team.donor_id for d in self.deployments}) > 1


def facilities(programme: Programme) -> Any:
    """The programme's facilities, by recipient and name, each with its snapshots by date (the
    last is the latest capacity)."""
    return (
        Facility.objects.filter(programme=programme)
        .select_related("programme", "recipient__region__parent")
        .prefetch_related(
            "bed_counts",
            "own_staff",
            Prefetch("snapshots", FacilitySnapshot.objects.order_by("date")),
            Prefetch("snapshots__beds", SnapshotBeds.objects.order_by("pk")),
        )
        .order_by("recipient__region__code", "name", "pk")
    )


@dataclass(frozen=True)
class NamedFacility:
    pk: int
    name: str
    recipient: str  # the recipient region's name in the active language


def named_facilities(programme: Programme) -> list[NamedFacility]:
    """The programme's facilities by recipient and name (one query): a facility picker's
    choices, valued by id since a name is unique only within its recipient."""
    found = Facility.objects.filter(programme=programme).select_related("recipient__region")
    named = [NamedFacility(f.pk, f.name, local_name(f.recipient.region)) for f in found]
    return sorted(named, key=lambda f: (f.recipient, f.name, f.pk))


def latest_snapshot(facility: Facility) -> FacilitySnapshot | None:
    """A facility of `facilities` at its latest report, if any was recorded. The report as it
    stands; occupancy now (the report moved by arrivals, departures, admissions and discharges
    since, less the beds accepted transfers reserve) is `queries.transfers.occupancy`."""
    snapshots = list(facility.snapshots.all())
    return snapshots[-1] if snapshots else None


def capacity(facility: Facility) -> list[tuple[str, int | None]]:
    """A facility of `facilities`: its beds per bed type, in the order of acuity."""
    counts = {c.bed_type: c.beds for c in facility.bed_counts.all()}
    return [(t, counts.get(t)) for t in BED_TYPES]


def snapshot_beds(snapshot: FacilitySnapshot) -> list[SnapshotBeds]:
    """A snapshot's figures per bed type, in the order of acuity (types it reported)."""
    return sorted(snapshot.beds.all(), key=lambda b: BED_TYPES.index(b.bed_type))


def latest_deadline(now: datetime.datetime, deadline: datetime.time) -> datetime.datetime:
    """The last daily deadline at or before `now` (aware, in the programme's time zone): today's
    once its time has come, else yesterday's."""
    today = datetime.datetime.combine(now.date(), deadline, tzinfo=now.tzinfo)
    if now >= today:
        return today
    return datetime.datetime.combine(now.date() - datetime.timedelta(days=1), deadline, now.tzinfo)


def overdue(facility: Facility, deadline: datetime.datetime) -> bool:
    """Whether a facility of `facilities` missed the deadline: no report on its day (programme
    time) filed by it. A report at 12:01 for a 12:00 deadline is late; it still shows its age."""
    return not any(
        s.date == deadline.date() and s.reported_at <= deadline for s in facility.snapshots.all()
    )


def programme_deadline(
    programme: Programme, wall: datetime.datetime | None = None
) -> datetime.datetime:
    """The programme's latest reporting deadline, as of its present moment (at the wall-clock
    moment `wall`, else now: `Programme.now`)."""
    return latest_deadline(programme.now(wall), programme.report_deadline)


def responsibility_matrix(programme: Programme, on: datetime.date) -> list[Responsibility]:
    """Which donor and team answer for each facility (deployments planned or on duty at the
    date); facilities nobody covers and facilities two donors claim are flagged."""
    deployments = (
        Deployment.objects.filter(facility__programme=programme)
        .exclude(status=Deployment.Status.ENDED)
        .select_related("team__donor__region__parent")
    )
    by_facility: dict[int, list[Deployment]] = defaultdict(list)
    for d in deployments:
        if d.facility_id and (d.planned_end is None or d.planned_end > on):
            by_facility[d.facility_id].append(d)
    deadline = programme_deadline(programme)
    rows = list(facilities(programme))
    beds_now = transfer_queries.occupancy(rows)
    return [
        Responsibility(
            f,
            sorted(by_facility[f.pk], key=lambda d: (d.team.name, d.pk)),
            deadline,
            beds_now[f.pk],
        )
        for f in rows
    ]
