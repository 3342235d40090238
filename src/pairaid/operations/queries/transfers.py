"""Occupancy accounting: a facility's beds of each type now, from its latest snapshot and the
bed movements recorded since; beds reserved by transfers accepted but not arrived; beds free.
And each recipient region's community queue now, from its latest count and the transfers that
took patients out of it since."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum

from pairaid.engine.beds import BED_TYPES
from pairaid.operations.models import (
    BedMovement,
    Facility,
    FacilitySnapshot,
    QueueEntry,
    Transfer,
    TransferEvent,
)
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import Region

# Accepted but not arrived: the receiving facility holds beds for these patients.
RESERVING = (
    Transfer.Status.ACCEPTED,
    Transfer.Status.TRANSPORT_ARRANGED,
    Transfer.Status.IN_TRANSIT,
)


@dataclass(frozen=True)
class BedsNow:
    """One bed type of a facility now. `occupied` is None without a snapshot reporting it (a
    movement cannot be added to an unknown); `free` is None where open or occupied is unknown,
    and negative in a surge."""

    bed_type: str
    open: int | None
    occupied: int | None
    reserved: int
    reported_at: datetime.datetime | None  # the snapshot the figure starts from
    moved_at: datetime.datetime | None  # the latest movement counted since it

    @property
    def free(self) -> int | None:
        if self.open is None or self.occupied is None:
            return None
        return self.open - self.occupied - self.reserved

    @property
    def as_of(self) -> datetime.datetime | None:
        """The moment the figure was last moved: its age is measured from here."""
        moments = [m for m in (self.reported_at, self.moved_at) if m is not None]
        return max(moments) if moments else None

    @property
    def over_capacity(self) -> bool:
        return self.free is not None and self.free < 0


def _latest(facility: Facility) -> FacilitySnapshot | None:
    # The facility's snapshots come by date when prefetched (queries.facilities.facilities).
    snapshots = sorted(facility.snapshots.all(), key=lambda s: s.reported_at)
    return snapshots[-1] if snapshots else None


def occupancy(facilities: Iterable[Facility]) -> dict[int, list[BedsNow]]:
    """Each facility's beds now, per bed type in the order of acuity, by facility id. A
    movement recorded at the very moment of the snapshot is taken as counted by it."""
    chosen = list(facilities)
    latest = {f.pk: _latest(f) for f in chosen}
    moved: dict[tuple[int, str], int] = defaultdict(int)
    moved_at: dict[tuple[int, str], datetime.datetime] = {}
    for m in BedMovement.objects.filter(facility__in=[f.pk for f in chosen]).order_by(
        "recorded_at"
    ):
        snapshot = latest[m.facility_id]
        if snapshot is None or m.recorded_at <= snapshot.reported_at:
            continue
        moved[m.facility_id, m.bed_type] += BedMovement.SIGN[BedMovement.Kind(m.kind)] * m.count
        moved_at[m.facility_id, m.bed_type] = m.recorded_at
    reserved = reservations([f.pk for f in chosen])
    return {
        f.pk: [_beds_now(f.pk, t, latest[f.pk], moved, moved_at, reserved) for t in BED_TYPES]
        for f in chosen
    }


def _beds_now(
    facility_id: int,
    bed_type: str,
    snapshot: FacilitySnapshot | None,
    moved: dict[tuple[int, str], int],
    moved_at: dict[tuple[int, str], datetime.datetime],
    reserved: dict[tuple[int, str], int],
) -> BedsNow:
    reported = None
    if snapshot is not None:
        reported = next((b for b in snapshot.beds.all() if b.bed_type == bed_type), None)
    occupied = reported.occupied if reported is not None else None
    return BedsNow(
        bed_type=bed_type,
        open=reported.open if reported is not None else None,
        occupied=None if occupied is None else occupied + moved[facility_id, bed_type],
        reserved=reserved.get((facility_id, bed_type), 0),
        reported_at=snapshot.reported_at if reported is not None and snapshot else None,
        moved_at=moved_at.get((facility_id, bed_type)) if occupied is not None else None,
    )


def reservations(facility_ids: list[int]) -> dict[tuple[int, str], int]:
    """Beds held at each receiving facility, per bed type: the patients of transfers accepted
    and not yet arrived (nor cancelled)."""
    rows = (
        Transfer.objects.filter(receiving_facility__in=facility_ids, status__in=RESERVING)
        .values("receiving_facility", "bed_type")
        .annotate(held=Sum("accepted"))
    )
    return {(r["receiving_facility"], r["bed_type"]): r["held"] or 0 for r in rows}


def beds_now(facility: Facility, bed_type: str) -> BedsNow:
    """One facility's beds of one type now (its snapshots and their figures are read here)."""
    fresh = Facility.objects.prefetch_related("snapshots__beds").get(pk=facility.pk)
    return next(b for b in occupancy([fresh])[fresh.pk] if b.bed_type == bed_type)


@dataclass(frozen=True)
class QueueNow:
    """A recipient region's community queue of one acuity now: the latest count (when) less
    the patients transferred out of the queue since."""

    recipient: Participant
    acuity: str
    counted: int
    counted_at: datetime.datetime
    departed: int

    @property
    def waiting(self) -> int:
        # A count taken by hand may miss patients who left: the queue never goes below zero.
        return max(self.counted - self.departed, 0)


def community_queue(programme: Programme) -> list[QueueNow]:
    """Every recipient region's queue per acuity that has been counted, by region and acuity."""
    latest: dict[tuple[int, str], QueueEntry] = {}
    for entry in (
        QueueEntry.objects.filter(recipient__programme=programme)
        .select_related("recipient__region")
        .order_by("recorded_at", "pk")
    ):
        latest[entry.recipient_id, entry.acuity] = entry
    departures = TransferEvent.objects.filter(
        transfer__programme=programme,
        transfer__sending_facility__isnull=True,
        status_to=Transfer.Status.IN_TRANSIT,
    ).select_related("transfer")
    departed: dict[tuple[int, str], int] = defaultdict(int)
    for event in departures:
        key = (event.transfer.sending_id, event.transfer.acuity)
        if key in latest and event.at > latest[key].recorded_at:
            departed[key] += event.count or 0
    rows = [
        QueueNow(e.recipient, e.acuity, e.waiting, e.recorded_at, departed[key])
        for key, e in latest.items()
    ]
    return sorted(rows, key=lambda q: (q.recipient.region.code, BED_TYPES.index(q.acuity)))


@dataclass(frozen=True)
class RegionQueue:
    """A recipient region's community queues now, one per acuity counted."""

    region: Region
    queues: list[QueueNow]

    @property
    def waiting(self) -> int:
        return sum(q.waiting for q in self.queues)

    @property
    def oldest_count(self) -> datetime.datetime:
        """When the oldest of its counts was taken: how old the region's total may be."""
        return min(q.counted_at for q in self.queues)


def queues_by_region(programme: Programme) -> dict[int, RegionQueue]:
    """`community_queue` per recipient region, by region id (regions never counted left out)."""
    grouped: dict[int, list[QueueNow]] = defaultdict(list)
    for queue in community_queue(programme):
        grouped[queue.recipient.region_id].append(queue)
    return {
        region_id: RegionQueue(queues[0].recipient.region, queues)
        for region_id, queues in grouped.items()
    }


def queue_now(recipient: Participant, acuity: str) -> QueueNow | None:
    """One region's queue of one acuity now (None: never counted)."""
    return next(
        (
            q
            for q in community_queue(recipient.programme)
            if q.recipient.pk == recipient.pk and q.acuity == acuity
        ),
        None,
    )


def age(programme: Programme, moment: datetime.datetime | None) -> datetime.timedelta | None:
    """How old a figure is in programme time (None: no figure)."""
    return None if moment is None else programme.now() - moment
