"""Patient transfers and their moves, bed movements recorded by hand, and the community queue.
The permissions are the services' own (services.transfers: one check per side of a transfer)."""

import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.engine.beds import BED_TYPES
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.operations.api.common import PAGE_SIZE, Rows, operation_id, participant
from pairaid.operations.models import BedMovement, Facility, QueueEntry, Transfer
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.operations.services import transfers as transfer_services
from pairaid.programmes.models import Participant, Programme

router = Router(tags=["operations"])

Count = Annotated[StrictInt, api_fields.count(least=1)]
Id = Annotated[StrictInt, api_fields.identifier()]
# A bed type's code (engine.beds.BED_TYPES) and a move's name (services.transfers.MOVES): the
# service checks both against their one list and names the field it refuses.
BedType = Annotated[str, Field(max_length=20, description="a bed type: " + ", ".join(BED_TYPES))]
MoveName = Annotated[str, Field(max_length=20)]
Moment = Field(
    None,
    description="when it happened; the programme's present moment when absent; without an "
    "offset, programme time",
)


class TransferIn(Schema):
    from_facility: Id | None = Field(None, description="the sending facility's id")
    from_queue: str | None = Field(
        None,
        description="a recipient region's reference (CN:421100): the patients wait in its "
        "community queue; give this or from_facility",
    )
    receiving_facility: Id
    acuity: BedType = Field(description="the bed type the patients need")
    bed_type: BedType | None = Field(
        None,
        description="the bed type they take at the receiver: the acuity's or higher "
        "(absent: the acuity's)",
    )
    requested: Count
    reference: Annotated[str, api_fields.text(Transfer, "reference")] = Field(
        "", description="pseudonymous only: no personal data"
    )
    note: Annotated[str, api_fields.text(Transfer, "decline_reason")] = ""
    at: datetime.datetime | None = Moment


class MoveIn(Schema):
    count: Count | None = Field(None, description="accept: the patients accepted (all if absent)")
    reason: Annotated[str, api_fields.text(Transfer, "surge_reason")] = Field(
        "",
        description="decline: its reason (required); accept beyond free beds: the surge "
        "override's reason (required); otherwise a note",
    )
    at: datetime.datetime | None = Moment


class EventOut(Schema):
    move: str
    status_from: str
    status_to: str
    count: int | None
    note: str
    at: datetime.datetime
    by: str | None


class TransferOut(Schema):
    number: int
    sending: str = Field(description="the sending region's reference")
    sending_facility: int | None = Field(description="None: from the community queue")
    receiving_facility: int
    receiving: str
    cross_region: bool
    acuity: str
    bed_type: str = Field(description="the bed type they take at the receiver")
    requested: int
    accepted: int | None
    reference: str
    status: str
    decline_reason: str
    surge_reason: str
    requested_at: datetime.datetime
    updated_at: datetime.datetime
    history: list[EventOut]


def _transfer_out(t: Transfer, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "number": t.number,
        "sending": t.sending.region.reference,
        "sending_facility": t.sending_facility_id,
        "receiving_facility": t.receiving_facility_id,
        "receiving": t.receiving_facility.recipient.region.reference,
        "cross_region": t.cross_region,
        "acuity": t.acuity,
        "bed_type": t.bed_type,
        "requested": t.requested,
        "accepted": t.accepted,
        "reference": t.reference,
        "status": t.status,
        "decline_reason": t.decline_reason,
        "surge_reason": t.surge_reason,
        "requested_at": t.requested_at.astimezone(zone),
        "updated_at": t.updated_at.astimezone(zone),
        "history": [
            {
                "move": e.move,
                "status_from": e.status_from,
                "status_to": e.status_to,
                "count": e.count,
                "note": e.note,
                "at": e.at.astimezone(zone),
                "by": e.by.username if e.by else None,
            }
            for e in t.events.all()
        ],
    }


def _transfers(programme: Programme) -> Any:
    return (
        Transfer.objects.filter(programme=programme)
        .select_related("sending__region", "receiving_facility__recipient__region")
        .prefetch_related("events__by")
        .order_by("-number")
    )


def _transfer(programme: Programme, number: int) -> Transfer:
    found = _transfers(programme).filter(number=number).first()
    if found is None:
        raise NotFound(f"no transfer {number} in {programme.slug}")
    return found


def _facility(programme: Programme, facility_id: int, column: str) -> Facility:
    found = (
        Facility.objects.filter(programme=programme, pk=facility_id)
        .select_related("programme", "recipient__region")
        .first()
    )
    if found is None:
        raise ValidationFailed(
            [Problem(f"no facility {facility_id} in {programme.slug}", column=column)]
        )
    return found


@router.get(
    "/programmes/{slug}/transfers",
    response=list[TransferOut],
    summary="Patient transfers, latest first (status: only those in it)",
    operation_id=operation_id("list_transfers"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_transfers(request: HttpRequest, slug: str, status: Transfer.Status | None = None) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = _transfers(programme)
    if status is not None:
        found = found.filter(status=status)
    zone = programme.zone()
    return Rows(found, lambda t: _transfer_out(t, zone))


@router.post(
    "/programmes/{slug}/transfers",
    response={201: TransferOut},
    summary="Request the placement of patients from a facility or a community queue",
    operation_id=operation_id("request_transfer"),
)
def request_transfer(request: HttpRequest, slug: str, payload: TransferIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    if (payload.from_facility is None) == (payload.from_queue is None):
        raise ValidationFailed(
            [Problem("give exactly one of from_facility and from_queue", column="from_facility")]
        )
    origin: Facility | Participant
    if payload.from_facility is not None:
        origin = _facility(programme, payload.from_facility, "from_facility")
    else:
        origin = participant(programme, payload.from_queue or "", Participant.Role.RECIPIENT)
    made = transfer_services.request_transfer(
        origin=origin,
        receiving_facility=_facility(programme, payload.receiving_facility, "receiving_facility"),
        acuity=payload.acuity,
        bed_type=payload.bed_type,
        requested=payload.requested,
        reference=payload.reference,
        note=payload.note,
        user=request.user,
        at=payload.at,
    )
    return Status(201, _transfer_out(_transfer(programme, made.number), programme.zone()))


@router.get(
    "/programmes/{slug}/transfers/{number}",
    response=TransferOut,
    summary="A transfer with its history (who moved it, when, from which status to which)",
    operation_id=operation_id("get_transfer"),
)
def get_transfer(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    return _transfer_out(_transfer(programme, number), programme.zone())


@router.post(
    "/programmes/{slug}/transfers/{number}/{move}",
    response=TransferOut,
    summary="Move a transfer: approve (coordinator, cross-region), accept or decline and arrive "
    "(receiving side), arrange_transport and set_off (sending side), cancel",
    operation_id=operation_id("move_transfer"),
)
def move_transfer(
    request: HttpRequest, slug: str, number: int, move: MoveName, payload: MoveIn
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    transfer_services.move(
        transfer=_transfer(programme, number),
        name=move,
        user=request.user,
        count=payload.count,
        reason=payload.reason,
        at=payload.at,
    )
    return _transfer_out(_transfer(programme, number), programme.zone())


class MovementIn(Schema):
    bed_type: BedType
    kind: Annotated[str, Field(max_length=12, description="admission or discharge")]
    count: Count
    at: datetime.datetime | None = Moment


class MovementOut(Schema):
    facility: int
    bed_type: str
    kind: str
    count: int
    recorded_at: datetime.datetime
    transfer: int | None


@router.post(
    "/programmes/{slug}/facilities/{facility_id}/movements",
    response={201: MovementOut},
    summary="Record patients admitted to or discharged from a facility's beds (by hand)",
    operation_id=operation_id("record_movement"),
)
def record_movement(
    request: HttpRequest, slug: str, facility_id: int, payload: MovementIn
) -> Status:
    programme = permissions.programme_for(request.user, slug)
    facility = Facility.objects.filter(programme=programme, pk=facility_id).first()
    if facility is None:
        raise NotFound(f"no facility {facility_id} in {programme.slug}")
    made = transfer_services.record_movement(
        facility=facility,
        bed_type=payload.bed_type,
        kind=payload.kind,
        count=payload.count,
        user=request.user,
        at=payload.at,
    )
    return Status(201, _movement_out(made, programme.zone()))


def _movement_out(m: BedMovement, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "facility": m.facility_id,
        "bed_type": m.bed_type,
        "kind": m.kind,
        "count": m.count,
        "recorded_at": m.recorded_at.astimezone(zone),
        "transfer": m.transfer.number if m.transfer else None,
    }


class QueueIn(Schema):
    recipient: str = Field(description="the recipient region's reference (CN:421100)")
    acuity: BedType
    waiting: Annotated[StrictInt, api_fields.count()]
    at: datetime.datetime | None = Moment


class QueueOut(Schema):
    recipient: str
    acuity: str
    waiting: int = Field(description="now: the count less the patients transferred out since")
    counted: int
    counted_at: datetime.datetime = Field(description="the count's moment, in programme time")
    departed: int = Field(description="patients transferred out of the queue since the count")


def _queue_out(q: transfer_queries.QueueNow, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "recipient": q.recipient.region.reference,
        "acuity": q.acuity,
        "waiting": q.waiting,
        "counted": q.counted,
        "counted_at": q.counted_at.astimezone(zone),
        "departed": q.departed,
    }


@router.get(
    "/programmes/{slug}/community-queue",
    response=list[QueueOut],
    summary="Each recipient region's community queue now, per acuity",
    operation_id=operation_id("community_queue"),
)
def community_queue(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    zone = programme.zone()
    return [_queue_out(q, zone) for q in transfer_queries.community_queue(programme)]


@router.post(
    "/programmes/{slug}/community-queue",
    response={201: QueueOut},
    summary="Record how many patients of an acuity wait in a region's community queue",
    operation_id=operation_id("record_queue"),
)
def record_queue(request: HttpRequest, slug: str, payload: QueueIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    recipient = participant(programme, payload.recipient, Participant.Role.RECIPIENT)
    entry: QueueEntry = transfer_services.record_queue(
        recipient=recipient,
        acuity=payload.acuity,
        waiting=payload.waiting,
        user=request.user,
        at=payload.at,
    )
    now = transfer_queries.queue_now(recipient, entry.acuity)
    if now is None:  # the count just recorded is the queue's latest: never absent
        raise NotFound(f"no queue of {payload.acuity} in {payload.recipient}")
    return Status(201, _queue_out(now, programme.zone()))
