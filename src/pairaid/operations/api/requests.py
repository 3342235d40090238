"""Requests with their lines' progress, pledges, shipments of goods and their receipts."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pairaid import api_fields, api_versions
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.operations.api.common import (
    PAGE_SIZE,
    Rows,
    donors_pledge,
    operation_id,
    participant,
    resource,
)
from pairaid.operations.models import Discrepancy, Pledge, Request, RequestLine, Shipment
from pairaid.operations.queries import requests as request_queries
from pairaid.operations.services import requests as request_services
from pairaid.programmes.models import Participant
from pairaid.registry import references
from pairaid.registry.models import ResourceType

router = Router(tags=["operations"])


class RequestLineIn(Schema):
    resource_type: Annotated[str, api_fields.text(ResourceType, "code")]
    quantity: Annotated[Decimal, api_fields.amount(RequestLine, "quantity")]
    priority: RequestLine.Priority = RequestLine.Priority.NORMAL
    needed_by: datetime.date | None = None


class RequestIn(Schema):
    recipient: str
    lines: list[RequestLineIn] = Field(min_length=1)
    note: Annotated[str, api_fields.text(Request, "note")] = ""


class LinePledgeOut(Schema):
    id: int
    donor: str
    quantity: Decimal
    status: str
    shipments: list[int]
    disbursements: list[int]


class LineOut(Schema):
    id: int
    resource_type: str
    priority: str
    requested: Decimal
    pledged: Decimal
    in_transit: Decimal
    received: Decimal
    discrepancies: list[str]
    pledges: list[LinePledgeOut] = []


class RequestOut(Schema):
    number: int
    recipient: str
    raised_on: datetime.date
    expires_on: datetime.date
    status: str
    expired: bool
    illustrative: bool
    lines: list[LineOut]


def _request_out(
    request: Any, expired: bool, lines: list[request_queries.LineProgress]
) -> dict[str, Any]:
    return {
        "number": request.number,
        "recipient": request.recipient.region.reference,
        "raised_on": request.raised_on,
        "expires_on": request.expires_on,
        "status": request.status,
        "expired": expired,
        "illustrative": request.illustrative,
        "lines": [
            {
                "id": p.line.pk,
                "resource_type": p.line.resource_type.code,
                "priority": p.line.priority,
                "requested": p.requested,
                "pledged": p.pledged,
                "in_transit": p.in_transit,
                "received": p.received,
                "discrepancies": p.discrepancies,
                "pledges": [
                    {
                        "id": pledge.pk,
                        "donor": pledge.donor.region.reference,
                        "quantity": pledge.quantity,
                        "status": pledge.status,
                        "shipments": [s.pk for s in pledge.shipments.all()],
                        "disbursements": [d.pk for d in pledge.disbursements.all()],
                    }
                    for pledge in p.line.pledges.all()
                ],
            }
            for p in lines
        ],
    }


@router.get(
    "/programmes/{slug}/requests",
    response=list[RequestOut],
    summary="Requests with each line's progress",
    operation_id=operation_id("list_requests"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_requests(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    on = programme.current_date()
    return [
        _request_out(r, expired, lines)
        for r, expired, lines in request_queries.requests_with_progress(programme, on)
    ]


@router.post(
    "/programmes/{slug}/requests",
    response={201: RequestOut},
    summary="Raise a request",
    operation_id=operation_id("raise_request"),
)
def raise_request(request: HttpRequest, slug: str, payload: RequestIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    recipient = participant(programme, payload.recipient, Participant.Role.RECIPIENT)
    permissions.check(request.user, Action.RAISE_REQUEST, programme, recipient.region_id)
    raised = request_services.raise_request(
        recipient=recipient,
        lines=[
            request_services.LineIn(
                resource(line.resource_type), line.quantity, line.priority, line.needed_by
            )
            for line in payload.lines
        ],
        user=request.user,
        note=payload.note,
    )
    return Status(
        201,
        _request_out(
            raised, False, [request_queries.line_progress(line) for line in raised.lines.all()]
        ),
    )


@router.post(
    "/programmes/{slug}/requests/{number}/renew",
    response=RequestOut,
    summary="Renew a request: open again, with a new expiry date",
    operation_id=operation_id("renew_request"),
)
def renew_request(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = (
        Request.objects.filter(programme=programme, number=number)
        .select_related("recipient")
        .first()
    )
    if found is None:
        raise NotFound(f"no request {number} in {slug}")
    permissions.check(request.user, Action.RAISE_REQUEST, programme, found.recipient.region_id)
    renewed = request_services.renew_request(request=found)
    return _request_out(
        renewed, False, [request_queries.line_progress(line) for line in renewed.lines.all()]
    )


class PledgeIn(Schema):
    donor: str
    quantity: Annotated[Decimal, api_fields.amount(Pledge, "quantity")]
    note: Annotated[str, api_fields.text(Pledge, "note")] = ""


class PledgeOut(Schema):
    id: int
    line: int
    donor: str
    quantity: Decimal
    pledged_on: datetime.date
    status: str


def pledge_out(p: Pledge) -> dict[str, Any]:
    return {
        "id": p.pk,
        "line": p.line_id,
        "donor": p.donor.region.reference,
        "quantity": p.quantity,
        "pledged_on": p.pledged_on,
        "status": p.status,
    }


@router.post(
    "/programmes/{slug}/request-lines/{line_id}/pledges",
    response={201: PledgeOut},
    summary="Pledge against a line",
    operation_id=operation_id("pledge"),
)
def pledge(request: HttpRequest, slug: str, line_id: int, payload: PledgeIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    line = RequestLine.objects.filter(pk=line_id, request__programme=programme).first()
    if line is None:
        raise NotFound(f"no request line {line_id} in {slug}")
    donor = participant(programme, payload.donor, Participant.Role.DONOR)
    permissions.check(request.user, Action.PLEDGE, programme, donor.region_id)
    return Status(
        201,
        pledge_out(
            request_services.pledge(
                line=line,
                donor=donor,
                quantity=payload.quantity,
                note=payload.note,
                user=request.user,
            )
        ),
    )


class DispatchIn(Schema):
    quantity: Annotated[Decimal, api_fields.amount(Shipment, "quantity")]
    reference: Annotated[str, api_fields.text(Shipment, "reference")] = ""
    value_cny: (
        Annotated[Decimal, api_fields.amount(Shipment, "value_cny", positive=False)] | None
    ) = None


class ShipmentOut(Schema):
    id: int
    pledge: int
    line: int
    request: int
    donor: str
    recipient: str
    resource_type: str
    quantity: Decimal
    reference: str
    status: str
    dispatched_on: datetime.date
    received_on: datetime.date | None
    received_quantity: Decimal | None
    discrepancies: list[dict[str, Any]]


SHIPMENT_RELATED = (
    "pledge__donor__region__parent",
    "pledge__line__request__recipient__region__parent",
    "pledge__line__resource_type",
)


def _shipment_out(s: Shipment) -> dict[str, Any]:
    return {
        "id": s.pk,
        "pledge": s.pledge_id,
        "line": s.pledge.line_id,
        "request": s.pledge.line.request.number,
        "donor": s.pledge.donor.region.reference,
        "recipient": s.pledge.line.request.recipient.region.reference,
        "resource_type": s.pledge.line.resource_type.code,
        "quantity": s.quantity,
        "reference": s.reference,
        "status": s.status,
        "dispatched_on": s.dispatched_on,
        "received_on": s.received_on,
        "received_quantity": s.received_quantity,
        "discrepancies": [
            {"kind": d.kind, "quantity": str(d.quantity), "note": d.note}
            for d in s.discrepancies.all()
        ],
    }


@router.get(
    "/programmes/{slug}/shipments",
    response=list[ShipmentOut],
    summary="Shipments of goods, with their receipts (filter: status, recipient, donor)",
    operation_id=operation_id("list_shipments"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_shipments(
    request: HttpRequest,
    slug: str,
    status: str | None = None,
    recipient: str | None = None,
    donor: str | None = None,
) -> Rows:
    """What a recipient still has to receive: `?recipient=421100&status=open` (open: every
    shipment not yet received, whether dispatched or in transit)."""
    programme = permissions.programme_for(request.user, slug)
    found = Shipment.objects.filter(pledge__line__request__programme=programme)
    if status == "open":
        found = found.exclude(status=Shipment.Status.RECEIVED)
    elif status:
        found = found.filter(status=status)
    if recipient:
        found = found.filter(
            references.parse(recipient, field="recipient").matches(
                "pledge__line__request__recipient__region__"
            )
        )
    if donor:
        found = found.filter(
            references.parse(donor, field="donor").matches("pledge__donor__region__")
        )
    found = found.select_related(*SHIPMENT_RELATED).prefetch_related("discrepancies")
    return Rows(found.order_by("pk"), _shipment_out)


@router.post(
    "/programmes/{slug}/pledges/{pledge_id}/shipments",
    response={201: ShipmentOut},
    summary="Dispatch goods (funds are disbursed, staff deployed)",
    operation_id=operation_id("dispatch"),
)
def dispatch(request: HttpRequest, slug: str, pledge_id: int, payload: DispatchIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    found = donors_pledge(request, programme, pledge_id)
    return Status(
        201,
        _shipment_out(
            request_services.dispatch(
                pledge=found,
                quantity=payload.quantity,
                reference=payload.reference,
                value_cny=payload.value_cny,
            )
        ),
    )


class DiscrepancyIn(Schema):
    kind: Discrepancy.Kind
    quantity: Annotated[Decimal, api_fields.amount(Discrepancy, "quantity")]
    note: Annotated[str, api_fields.text(Discrepancy, "note")] = ""


class ReceiptIn(Schema):
    received_quantity: Annotated[
        Decimal, api_fields.amount(Shipment, "received_quantity", positive=False)
    ]
    discrepancies: list[DiscrepancyIn] = []


@router.post(
    "/programmes/{slug}/shipments/{shipment_id}/receipt",
    response=ShipmentOut,
    summary="Confirm a receipt",
    operation_id=operation_id("receive"),
)
def receive(
    request: HttpRequest, slug: str, shipment_id: int, payload: ReceiptIn
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    shipment = (
        Shipment.objects.filter(pk=shipment_id, pledge__line__request__programme=programme)
        .select_related("pledge__line__request__recipient")
        .first()
    )
    if shipment is None:
        raise NotFound(f"no shipment {shipment_id} in {slug}")
    permissions.check(
        request.user,
        Action.CONFIRM_RECEIPT,
        programme,
        shipment.pledge.line.request.recipient.region_id,
    )
    found = [
        request_services.DiscrepancyIn(d.kind, d.quantity, d.note) for d in payload.discrepancies
    ]
    return _shipment_out(
        request_services.confirm_receipt(
            shipment=shipment, received_quantity=payload.received_quantity, discrepancies=found
        )
    )


class RequestLineRecordOut(Schema):
    id: int
    resource_type: str
    quantity: Decimal
    priority: str
    needed_by: datetime.date | None


class RequestRecordOut(Schema):
    """A request as its recipient wrote it (its progress is in the list)."""

    number: int
    version: int
    recipient: str
    raised_on: datetime.date
    expires_on: datetime.date
    status: str
    note: str
    lines: list[RequestLineRecordOut]


class RequestLineEdit(Schema):
    """One line of a request PATCH: the fields given change (`needed_by: null` clears it)."""

    id: Annotated[int, api_fields.identifier()]
    quantity: Annotated[Decimal, api_fields.amount(RequestLine, "quantity")] | None = None
    priority: RequestLine.Priority | None = None
    needed_by: datetime.date | None = None


class RequestEdit(Schema):
    """A PATCH of an open request before its first pledge: its note and the lines named."""

    note: Annotated[str, api_fields.text(Request, "note")] | None = None
    lines: list[RequestLineEdit] = []


def _request(programme: Any, number: int) -> Request:
    found = (
        Request.objects.filter(programme=programme, number=number)
        .select_related("recipient__region__parent")
        .first()
    )
    if found is None:
        raise NotFound(f"no request {number} in {programme.slug}")
    return found


def _record_out(found: Request) -> dict[str, Any]:
    return {
        "number": found.number,
        "version": found.version,
        "recipient": found.recipient.region.reference,
        "raised_on": found.raised_on,
        "expires_on": found.expires_on,
        "status": found.status,
        "note": found.note,
        "lines": [
            {
                "id": line.pk,
                "resource_type": line.resource_type.code,
                "quantity": line.quantity,
                "priority": line.priority,
                "needed_by": line.needed_by,
            }
            for line in found.lines.select_related("resource_type").order_by("pk")
        ],
    }


@router.get(
    "/programmes/{slug}/requests/{number}",
    response=RequestRecordOut,
    summary="A request as raised, with its ETag (to edit it)",
    operation_id=operation_id("get_request"),
)
def get_request(
    request: HttpRequest, slug: str, number: int, response: HttpResponse
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = _request(programme, number)
    api_versions.tagged(response, found)
    return _record_out(found)


@router.patch(
    "/programmes/{slug}/requests/{number}",
    response=RequestRecordOut,
    summary="Correct an open request before its first pledge (If-Match: its ETag)",
    operation_id=operation_id("edit_request"),
)
def edit_request(
    request: HttpRequest,
    slug: str,
    number: int,
    payload: RequestEdit,
    response: HttpResponse,
    if_match: api_versions.IfMatch = None,
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = _request(programme, number)
    permissions.check(request.user, Action.RAISE_REQUEST, programme, found.recipient.region_id)
    seen = api_versions.seen_version(if_match)
    current = {line.pk: line for line in found.lines.all()}
    edits: dict[int, request_services.LineEdit] = {}
    for line_edit in payload.lines:
        line = current.get(line_edit.id)
        if line is None:
            raise ValidationFailed(
                [Problem(f"request {number} has no line {line_edit.id}", column="lines")]
            )
        fields = api_versions.patched(line_edit, line)
        edits[line.pk] = request_services.LineEdit(
            fields["quantity"], fields["priority"], fields["needed_by"]
        )
    edited = request_services.edit_request(
        request=found,
        seen=seen,
        note=found.note if payload.note is None else payload.note,
        lines=edits,
    )
    api_versions.tagged(response, edited)
    return _record_out(_request(programme, number))
