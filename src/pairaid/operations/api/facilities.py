"""Facilities with the responsibility matrix (which donor and team answer for each), and their
dated capacity snapshots."""

import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict, StrictInt

from pairaid import api_fields, api_versions
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.engine.staffing import BINDINGS, PROFESSIONS, StaffedBeds
from pairaid.errors import NotFound
from pairaid.operations.api.common import (
    PAGE_SIZE,
    Rows,
    known_bed_types,
    operation_id,
    participant,
)
from pairaid.operations.models import Facility, FacilitySnapshot
from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.queries import staffing as staffing_queries
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.operations.services import facilities as facility_services
from pairaid.programmes.models import Participant, Programme

router = Router(tags=["operations"])

Count = Annotated[StrictInt, api_fields.count()]
Beds = Count | None


# Keyed by bed type (general, oxygen, icu, icu_ventilated); a type absent is unknown.
BedsByType = Annotated[dict[str, Beds], AfterValidator(known_bed_types)]


def _known_professions(staff: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(staff) - set(PROFESSIONS))
    if unknown:
        raise ValueError(
            f"unknown profession {unknown[0]!r}; expected one of {', '.join(PROFESSIONS)}"
        )
    return staff


# Keyed by profession (doctor, nurse, icu_doctor, icu_nurse); a profession absent: none known.
StaffByProfession = Annotated[dict[str, Beds], AfterValidator(_known_professions)]


class FacilityIn(Schema):
    recipient: str
    name: Annotated[str, api_fields.text(Facility, "name"), Field(min_length=1)]
    kind: Facility.Kind = Facility.Kind.HOSPITAL
    beds: BedsByType = Field(default_factory=dict, description="beds per bed type")
    ventilators: Beds = None
    staff: StaffByProfession = Field(
        default_factory=dict, description="the facility's own staff (headcount) per profession"
    )


class BedFigures(Schema):
    """One bed type's figures in a report. Occupied may exceed open (a surge, reported)."""

    model_config = ConfigDict(extra="forbid")
    open: Beds = None
    occupied: Beds = None


FiguresByType = Annotated[dict[str, BedFigures], AfterValidator(known_bed_types)]


class SnapshotIn(Schema):
    reported_at: datetime.datetime | None = Field(
        None,
        description="when the figures were counted; the programme's present moment when absent;"
        " without an offset, programme time",
    )
    beds: FiguresByType = Field(description="open and occupied beds per bed type")


class SnapshotOut(Schema):
    facility: int
    date: datetime.date = Field(description="the day of reported_at in programme time")
    reported_at: datetime.datetime = Field(description="in the programme's time zone")
    beds: dict[str, BedFigures]
    illustrative: bool


class BedsNowOut(Schema):
    """One bed type now: the latest snapshot moved by the arrivals, departures, admissions and
    discharges recorded since; beds reserved by transfers accepted but not arrived."""

    open: int | None = Field(description="beds open in the latest snapshot")
    occupied: int | None = Field(description="occupied now (None: never reported)")
    reserved: int = Field(description="held for accepted transfers not yet arrived")
    free: int | None = Field(description="open − occupied − reserved (negative: surge)")
    reported_at: datetime.datetime | None = Field(description="the snapshot it starts from")
    as_of: datetime.datetime | None = Field(description="last moved, in programme time")
    age_minutes: int | None = Field(description="minutes since as_of, in programme time")


class FacilityOut(Schema):
    id: int
    version: int
    recipient: str
    name: str
    kind: str
    beds: dict[str, int] = Field(description="beds per bed type (a type absent: unknown)")
    ventilators: int | None
    staff: dict[str, int] = Field(description="its own staff (headcount) per profession")
    illustrative: bool
    latest_snapshot: SnapshotOut | None
    occupancy: dict[str, BedsNowOut] = Field(description="beds now per bed type")


class StaffedOut(Schema):
    """One bed type's staffed beds on the date and what binds them."""

    staffed: int | None = Field(description="beds the staff on duty can run; null: open unknown")
    binding: str = Field(description="what binds: " + ", ".join(BINDINGS))
    unrated: list[str] = Field(
        description="professions (doctors, nurses) with no sourced ratio, so not applied"
    )
    beds_alone: bool = Field(description="no ratio applied: the figure rests on beds alone")


class ResponsibilityOut(FacilityOut):
    donors: list[str] = Field(description="the donors whose teams answer for it on the date")
    teams: list[str]
    uncovered: bool = Field(description="no team answers for it")
    claimed_twice: bool = Field(description="teams of two donors answer for it")
    overdue: bool = Field(description="it missed the programme's latest reporting deadline")
    staff_on_duty: dict[str, int] = Field(
        description="its own staff and the teams on duty there on the date, per profession"
    )
    staffed: dict[str, StaffedOut] = Field(description="staffed beds per bed type on the date")


def _snapshot_out(s: FacilitySnapshot, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "facility": s.facility_id,
        "date": s.date,
        "reported_at": s.reported_at.astimezone(zone),
        "beds": {
            b.bed_type: {"open": b.open, "occupied": b.occupied}
            for b in facility_queries.snapshot_beds(s)
        },
        "illustrative": s.illustrative,
    }


def _beds_now_out(b: transfer_queries.BedsNow, programme: Programme) -> dict[str, Any]:
    zone = programme.zone()
    age = transfer_queries.age(programme, b.as_of)
    return {
        "open": b.open,
        "occupied": b.occupied,
        "reserved": b.reserved,
        "free": b.free,
        "reported_at": b.reported_at.astimezone(zone) if b.reported_at else None,
        "as_of": b.as_of.astimezone(zone) if b.as_of else None,
        "age_minutes": None if age is None else int(age.total_seconds() // 60),
    }


def _facility_out(
    f: Facility, beds_now: list[transfer_queries.BedsNow] | None = None
) -> dict[str, Any]:
    latest = facility_queries.latest_snapshot(f)
    if beds_now is None:
        beds_now = transfer_queries.occupancy([f])[f.pk]
    return {
        "id": f.pk,
        "version": f.version,
        "recipient": f.recipient.region.reference,
        "name": f.name,
        "kind": f.kind,
        "beds": {t: n for t, n in facility_queries.capacity(f) if n is not None},
        "ventilators": f.ventilators,
        "staff": {row.profession: row.count for row in f.own_staff.all()},
        "illustrative": f.illustrative,
        "latest_snapshot": _snapshot_out(latest, f.programme.zone()) if latest else None,
        "occupancy": {b.bed_type: _beds_now_out(b, f.programme) for b in beds_now},
    }


def _staffed_out(beds: StaffedBeds) -> dict[str, Any]:
    return {
        "staffed": beds.staffed,
        "binding": beds.binding,
        "unrated": list(beds.unrated),
        "beds_alone": beds.beds_alone,
    }


def _responsibility_out(
    row: facility_queries.Responsibility, staffing: staffing_queries.Staffing
) -> dict[str, Any]:
    return {
        **_facility_out(row.facility, row.beds_now),
        "donors": row.donor_references,
        "teams": row.teams,
        "uncovered": row.uncovered,
        "claimed_twice": row.claimed_twice,
        "overdue": row.overdue,
        "staff_on_duty": staffing.staff,
        "staffed": {b.bed_type: _staffed_out(b) for b in staffing.beds},
    }


def _facility(programme: Programme, facility_id: int) -> Facility:
    found = facility_queries.facilities(programme).filter(pk=facility_id).first()
    if found is None:
        raise NotFound(f"no facility {facility_id} in {programme.slug}")
    return found


@router.get(
    "/programmes/{slug}/facilities",
    response=list[ResponsibilityOut],
    summary="Facilities and who answers for them on a date (the responsibility matrix)",
    operation_id=operation_id("list_facilities"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_facilities(
    request: HttpRequest, slug: str, date: datetime.date | None = None
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    on = date or programme.current_date()
    matrix = facility_queries.responsibility_matrix(programme, on)
    staffing, _pools = staffing_queries.staffing(programme, on, [r.facility for r in matrix])
    return [_responsibility_out(row, staffing[row.facility.pk]) for row in matrix]


@router.post(
    "/programmes/{slug}/facilities",
    response={201: FacilityOut},
    summary="Register a facility of a recipient",
    operation_id=operation_id("register_facility"),
)
def register_facility(request: HttpRequest, slug: str, payload: FacilityIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    recipient = participant(programme, payload.recipient, Participant.Role.RECIPIENT)
    permissions.check(request.user, Action.MANAGE_FACILITIES, programme, recipient.region_id)
    made = facility_services.register_facility(
        recipient=recipient,
        name=payload.name,
        kind=payload.kind,
        beds=payload.beds,
        ventilators=payload.ventilators,
        staff=payload.staff,
    )
    return Status(201, _facility_out(_facility(programme, made.pk)))


@router.get(
    "/programmes/{slug}/facilities/{facility_id}/snapshots",
    response=list[SnapshotOut],
    summary="A facility's capacity snapshots, latest first",
    operation_id=operation_id("list_snapshots"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_snapshots(request: HttpRequest, slug: str, facility_id: int) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = FacilitySnapshot.objects.filter(
        facility=_facility(programme, facility_id)
    ).prefetch_related("beds")
    zone = programme.zone()
    return Rows(found.order_by("-date"), lambda s: _snapshot_out(s, zone))


@router.post(
    "/programmes/{slug}/facilities/{facility_id}/snapshots",
    response={201: SnapshotOut},
    summary="Record a facility's capacity on a date (again on the same date: replaces it)",
    operation_id=operation_id("record_snapshot"),
)
def record_snapshot(
    request: HttpRequest, slug: str, facility_id: int, payload: SnapshotIn
) -> Status:
    programme = permissions.programme_for(request.user, slug)
    facility = _facility(programme, facility_id)
    permissions.check(
        request.user, Action.REPORT_BEDS, programme, facility.recipient.region_id, facility.pk
    )
    recorded = facility_services.record_snapshot(
        facility=facility,
        reported_at=payload.reported_at,
        beds={t: figures.dict() for t, figures in payload.beds.items()},
    )
    return Status(201, _snapshot_out(recorded, programme.zone()))


class FacilityEdit(Schema):
    """A PATCH of a facility: the fields given change, the others stay; in `beds` and `staff`,
    the bed types and professions given change (`null` clears one), the others stay."""

    name: Annotated[str, api_fields.text(Facility, "name"), Field(min_length=1)] | None = None
    kind: Facility.Kind | None = None
    ventilators: Beds = None
    beds: BedsByType | None = None
    staff: StaffByProfession | None = None


@router.get(
    "/programmes/{slug}/facilities/{facility_id}",
    response=FacilityOut,
    summary="A facility, with its ETag (to edit it)",
    operation_id=operation_id("get_facility"),
)
def get_facility(
    request: HttpRequest, slug: str, facility_id: int, response: HttpResponse
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = _facility(programme, facility_id)
    api_versions.tagged(response, found)
    return _facility_out(found)


@router.patch(
    "/programmes/{slug}/facilities/{facility_id}",
    response=FacilityOut,
    summary="Correct a facility's name, kind, beds or own staff (If-Match: its ETag)",
    operation_id=operation_id("edit_facility"),
)
def edit_facility(
    request: HttpRequest,
    slug: str,
    facility_id: int,
    payload: FacilityEdit,
    response: HttpResponse,
    if_match: api_versions.IfMatch = None,
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = _facility(programme, facility_id)
    permissions.check(request.user, Action.MANAGE_FACILITIES, programme, found.recipient.region_id)
    given = payload.model_fields_set
    fields = {
        name: getattr(payload if name in given else found, name)
        for name in ("name", "kind", "ventilators")
    }
    edited = facility_services.edit_facility(
        facility=found,
        seen=api_versions.seen_version(if_match),
        beds=payload.beds or {},  # the bed types given change; absent or null: none
        staff=payload.staff or {},
        **fields,
    )
    api_versions.tagged(response, edited)
    return _facility_out(_facility(programme, edited.pk))
