"""Facilities with the responsibility matrix (which donor and team answer for each), and their
dated capacity snapshots."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import api_fields, api_versions
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import NotFound
from pairaid.operations.api.common import PAGE_SIZE, Rows, operation_id, participant
from pairaid.operations.models import Facility, FacilitySnapshot
from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.services import facilities as facility_services
from pairaid.programmes.models import Participant, Programme

router = Router(tags=["operations"])

Beds = Annotated[StrictInt, api_fields.count()] | None


class FacilityIn(Schema):
    recipient: str
    name: Annotated[str, api_fields.text(Facility, "name"), Field(min_length=1)]
    kind: Facility.Kind = Facility.Kind.HOSPITAL
    beds: Beds = None
    icu_beds: Beds = None


class SnapshotIn(Schema):
    date: datetime.date | None = Field(None, description="the programme date when absent")
    beds_available: Beds = None
    beds_occupied: Beds = None
    icu_available: Beds = None
    icu_occupied: Beds = None


class SnapshotOut(Schema):
    facility: int
    date: datetime.date
    beds_available: int | None
    beds_occupied: int | None
    icu_available: int | None
    icu_occupied: int | None
    illustrative: bool


class FacilityOut(Schema):
    id: int
    version: int
    recipient: str
    name: str
    kind: str
    beds: int | None
    icu_beds: int | None
    illustrative: bool
    latest_snapshot: SnapshotOut | None


class ResponsibilityOut(FacilityOut):
    donors: list[str] = Field(description="the donors whose teams answer for it on the date")
    teams: list[str]
    uncovered: bool = Field(description="no team answers for it")
    claimed_twice: bool = Field(description="teams of two donors answer for it")


def _snapshot_out(s: FacilitySnapshot) -> dict[str, Any]:
    return {
        "facility": s.facility_id,
        "date": s.date,
        "beds_available": s.beds_available,
        "beds_occupied": s.beds_occupied,
        "icu_available": s.icu_available,
        "icu_occupied": s.icu_occupied,
        "illustrative": s.illustrative,
    }


def _facility_out(f: Facility) -> dict[str, Any]:
    latest = facility_queries.latest_snapshot(f)
    return {
        "id": f.pk,
        "version": f.version,
        "recipient": f.recipient.region.reference,
        "name": f.name,
        "kind": f.kind,
        "beds": f.beds,
        "icu_beds": f.icu_beds,
        "illustrative": f.illustrative,
        "latest_snapshot": _snapshot_out(latest) if latest else None,
    }


def _responsibility_out(row: facility_queries.Responsibility) -> dict[str, Any]:
    return {
        **_facility_out(row.facility),
        "donors": row.donor_references,
        "teams": row.teams,
        "uncovered": row.uncovered,
        "claimed_twice": row.claimed_twice,
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
    matrix = facility_queries.responsibility_matrix(programme, date or programme.current_date())
    return [_responsibility_out(row) for row in matrix]


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
        icu_beds=payload.icu_beds,
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
    found = FacilitySnapshot.objects.filter(facility=_facility(programme, facility_id))
    return Rows(found.order_by("-date"), _snapshot_out)


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
        request.user, Action.MANAGE_FACILITIES, programme, facility.recipient.region_id
    )
    counts = payload.dict()
    recorded = facility_services.record_snapshot(facility=facility, on=counts.pop("date"), **counts)
    return Status(201, _snapshot_out(recorded))


class FacilityEdit(Schema):
    """A PATCH of a facility: the fields given change (`null` clears a bed count), the others
    stay."""

    name: Annotated[str, api_fields.text(Facility, "name"), Field(min_length=1)] | None = None
    kind: Facility.Kind | None = None
    beds: Beds = None
    icu_beds: Beds = None


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
    summary="Correct a facility's name, kind or beds (If-Match: its ETag)",
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
    fields = api_versions.patched(payload, found)
    edited = facility_services.edit_facility(
        facility=found, seen=api_versions.seen_version(if_match), **fields
    )
    api_versions.tagged(response, edited)
    return _facility_out(_facility(programme, edited.pk))
