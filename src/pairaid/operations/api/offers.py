"""Offers of goods made before anyone asks: list them with what is left of each lot, offer,
withdraw, and take (part of) a lot as a pledge against a request line."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import NotFound
from pairaid.operations.api.common import PAGE_SIZE, operation_id, participant, resource
from pairaid.operations.api.requests import PledgeOut, pledge_out
from pairaid.operations.models import (
    DEFAULT_TAKES_PER_OFFER_LINE,
    Offer,
    OfferLine,
    RequestLine,
)
from pairaid.operations.queries import offers as offer_queries
from pairaid.operations.services import offers as offer_services
from pairaid.programmes.models import Participant, Programme
from pairaid.registry import references
from pairaid.registry.models import ResourceType

router = Router(tags=["operations"])


class OfferLineIn(Schema):
    resource_type: Annotated[str, api_fields.text(ResourceType, "code")]
    quantity: Annotated[Decimal, api_fields.amount(OfferLine, "quantity")]
    max_takes: int = Field(DEFAULT_TAKES_PER_OFFER_LINE, ge=1, le=1000)


class OfferIn(Schema):
    donor: str
    lines: list[OfferLineIn] = Field(min_length=1)
    available_from: datetime.date | None = None
    available_until: datetime.date | None = None
    note: Annotated[str, api_fields.text(Offer, "note")] = ""


class OfferLineOut(Schema):
    id: int
    resource_type: str
    unit: str
    offered: Decimal
    taken: Decimal
    remaining: Decimal
    takes: int
    max_takes: int


class OfferOut(Schema):
    number: int
    donor: str
    available_from: datetime.date
    available_until: datetime.date | None
    status: str
    note: str
    illustrative: bool
    lines: list[OfferLineOut]


def _offer_out(offer: Offer, on: datetime.date) -> dict[str, Any]:
    lines = list(
        offer_queries.lines_with_takes(offer.lines.select_related("resource_type").order_by("pk"))
    )
    return {
        "number": offer.number,
        "donor": offer.donor.region.reference,
        "available_from": offer.available_from,
        "available_until": offer.available_until,
        "status": offer_queries.offer_status(offer, lines, on),
        "note": offer.note,
        "illustrative": offer.illustrative,
        "lines": [
            {
                "id": line.pk,
                "resource_type": line.resource_type.code,
                "unit": line.resource_type.unit,
                "offered": line.quantity,
                "taken": line.taken,  # type: ignore[attr-defined]
                "remaining": offer_queries.left_of(line.quantity, line.taken),  # type: ignore[attr-defined]
                "takes": line.takes,  # type: ignore[attr-defined]
                "max_takes": line.max_takes,
            }
            for line in lines
        ],
    }


def _offer(programme: Programme, number: int) -> Offer:
    found = (
        Offer.objects.filter(programme=programme, number=number)
        .select_related("donor__region__parent")
        .first()
    )
    if found is None:
        raise NotFound(f"no offer {number} in {programme.slug}")
    return found


@router.get(
    "/programmes/{slug}/offers",
    response=list[OfferOut],
    summary="Offers of goods with what is left of each lot (filter: donor, resource_type, status)",
    operation_id=operation_id("list_offers"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_offers(
    request: HttpRequest,
    slug: str,
    donor: str | None = None,
    resource_type: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    on = programme.current_date()
    found = Offer.objects.filter(programme=programme).select_related("donor__region__parent")
    if donor:
        found = found.filter(references.parse(donor, field="donor").matches("donor__region__"))
    if resource_type:
        found = found.filter(lines__resource_type__code=resource_type).distinct()
    rows = [_offer_out(offer, on) for offer in found.order_by("-number")]
    return [row for row in rows if not status or row["status"] == status]


@router.post(
    "/programmes/{slug}/offers",
    response={201: OfferOut},
    summary="Offer goods before anyone asks",
    operation_id=operation_id("make_offer"),
)
def make_offer(request: HttpRequest, slug: str, payload: OfferIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    donor = participant(programme, payload.donor, Participant.Role.DONOR)
    permissions.check(request.user, Action.OFFER, programme, donor.region_id)
    offer = offer_services.make_offer(
        donor=donor,
        lines=[
            offer_services.OfferLineIn(resource(line.resource_type), line.quantity, line.max_takes)
            for line in payload.lines
        ],
        user=request.user,
        available_from=payload.available_from,
        available_until=payload.available_until,
        note=payload.note,
    )
    return Status(201, _offer_out(offer, programme.current_date()))


@router.post(
    "/programmes/{slug}/offers/{number}/withdraw",
    response=OfferOut,
    summary="Withdraw an offer (pledges already taken from it stand)",
    operation_id=operation_id("withdraw_offer"),
)
def withdraw_offer(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    offer = _offer(programme, number)
    permissions.check(request.user, Action.OFFER, programme, offer.donor.region_id)
    return _offer_out(offer_services.withdraw_offer(offer=offer), programme.current_date())


class TakeIn(Schema):
    request_line: int
    quantity: Annotated[Decimal, api_fields.amount(OfferLine, "quantity")]


@router.post(
    "/programmes/{slug}/offer-lines/{line_id}/takes",
    response={201: PledgeOut},
    summary="Take (part of) an offered lot as the donor's pledge against a request line",
    operation_id=operation_id("take_offer"),
)
def take_offer(request: HttpRequest, slug: str, line_id: int, payload: TakeIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    line = (
        OfferLine.objects.filter(pk=line_id, offer__programme=programme)
        .select_related("offer__donor")
        .first()
    )
    if line is None:
        raise NotFound(f"no offer line {line_id} in {slug}")
    permissions.check(request.user, Action.OFFER, programme, line.offer.donor.region_id)
    request_line = RequestLine.objects.filter(
        pk=payload.request_line, request__programme=programme
    ).first()
    if request_line is None:
        raise NotFound(f"no request line {payload.request_line} in {slug}")
    made = offer_services.take_offer(
        line=line, request_line=request_line, quantity=payload.quantity, user=request.user
    )
    return Status(201, pledge_out(made))
