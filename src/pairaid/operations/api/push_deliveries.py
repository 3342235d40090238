"""Push deliveries: goods a donor sends ahead, before anyone asks, and their moves (accept,
decline, return, redirect). The permissions are the service's own (services.push_deliveries:
one check per side of a delivery)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.errors import NotFound
from pairaid.operations.api.common import PAGE_SIZE, Rows, operation_id, participant, resource
from pairaid.operations.models import PushDelivery
from pairaid.operations.queries import push_deliveries as push_queries
from pairaid.operations.services import push_deliveries as push_services
from pairaid.programmes import queries as participant_queries
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType

router = Router(tags=["operations"])

MoveName = Annotated[
    str, Field(max_length=20, description="one of " + ", ".join(push_services.MOVES))
]


class PushDeliveryIn(Schema):
    donor: str = Field(description="the donor region's reference (CN:370000)")
    recipient: str = Field(description="the recipient region's reference")
    resource_type: Annotated[str, api_fields.text(ResourceType, "code")]
    quantity: Annotated[Decimal, api_fields.amount(PushDelivery, "quantity")]
    dispatched_on: datetime.date | None = Field(None, description="the programme date if absent")
    note: Annotated[str, api_fields.text(PushDelivery, "note")] = ""


class PushMoveIn(Schema):
    note: Annotated[str, api_fields.text(PushDelivery, "note")] = Field(
        "", description="decline: its reason (required); otherwise a note"
    )
    to: str | None = Field(
        None, description="redirect: the recipient region's reference the goods go on to"
    )


class PushEventOut(Schema):
    move: str
    status_from: str
    status_to: str
    note: str
    at: datetime.datetime
    by: str | None


class PushDeliveryOut(Schema):
    number: int
    donor: str
    recipient: str
    resource_type: str
    unit: str
    quantity: Decimal
    dispatched_on: datetime.date
    accepted_on: datetime.date | None
    status: str
    note: str
    redirected_from: int | None = Field(description="the declined delivery it carries on")
    redirected_to: int | None = Field(description="the delivery it was redirected as")
    illustrative: bool
    history: list[PushEventOut]


def _out(d: PushDelivery, zone: ZoneInfo) -> dict[str, Any]:
    onward = getattr(d, "redirected_to", None)
    return {
        "number": d.number,
        "donor": d.donor.region.reference,
        "recipient": d.recipient.region.reference,
        "resource_type": d.resource_type.code,
        "unit": d.resource_type.unit,
        "quantity": d.quantity,
        "dispatched_on": d.dispatched_on,
        "accepted_on": d.accepted_on,
        "status": d.status,
        "note": d.note,
        "redirected_from": d.redirected_from.number if d.redirected_from else None,
        "redirected_to": onward.number if onward else None,
        "illustrative": d.illustrative,
        "history": [
            {
                "move": e.move,
                "status_from": e.status_from,
                "status_to": e.status_to,
                "note": e.note,
                "at": e.at.astimezone(zone),
                "by": e.by.username if e.by else None,
            }
            for e in d.events.all()
        ],
    }


def _delivery(programme: Programme, number: int) -> PushDelivery:
    found = push_queries.deliveries(programme).filter(number=number).first()
    if found is None:
        raise NotFound(f"no push delivery {number} in {programme.slug}")
    return found


@router.get(
    "/programmes/{slug}/push-deliveries",
    response=list[PushDeliveryOut],
    summary="Goods sent ahead, latest first (status: only those in it)",
    operation_id=operation_id("list_push_deliveries"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_push_deliveries(
    request: HttpRequest, slug: str, status: PushDelivery.Status | None = None
) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = push_queries.deliveries(programme)
    if status is not None:
        found = found.filter(status=status)
    zone = programme.zone()
    return Rows(found, lambda d: _out(d, zone))


@router.post(
    "/programmes/{slug}/push-deliveries",
    response={201: PushDeliveryOut},
    summary="Send goods ahead to a recipient, before anyone asks (the donor's officer)",
    operation_id=operation_id("send_push_delivery"),
)
def send_push_delivery(request: HttpRequest, slug: str, payload: PushDeliveryIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    made = push_services.send(
        donor=participant(programme, payload.donor, Participant.Role.DONOR),
        recipient=participant(programme, payload.recipient, Participant.Role.RECIPIENT),
        resource_type=resource(payload.resource_type),
        quantity=payload.quantity,
        user=request.user,
        dispatched_on=payload.dispatched_on,
        note=payload.note,
    )
    return Status(201, _out(_delivery(programme, made.number), programme.zone()))


@router.get(
    "/programmes/{slug}/push-deliveries/{number}",
    response=PushDeliveryOut,
    summary="A push delivery with its history (who moved it, when, from which status to which)",
    operation_id=operation_id("get_push_delivery"),
)
def get_push_delivery(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    return _out(_delivery(programme, number), programme.zone())


@router.post(
    "/programmes/{slug}/push-deliveries/{number}/{move}",
    response=PushDeliveryOut,
    summary="Move a push delivery: accept or decline (the recipient's officer), return or "
    "redirect a declined one to another recipient (the donor's officer)",
    operation_id=operation_id("move_push_delivery"),
)
def move_push_delivery(
    request: HttpRequest, slug: str, number: int, move: MoveName, payload: PushMoveIn
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    to = (
        participant_queries.participant(
            programme, payload.to, role=Participant.Role.RECIPIENT, field="to"
        )
        if payload.to is not None
        else None
    )
    push_services.move(
        delivery=_delivery(programme, number),
        name=move,
        user=request.user,
        note=payload.note,
        to=to,
    )
    return _out(_delivery(programme, number), programme.zone())
