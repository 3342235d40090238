"""Requests and pledges, shipments and receipts: a recipient asks, donors pledge, goods are
dispatched and their receipt confirmed (staff move through `teams`, money through `funds`). Each
use case is one transaction; history records who and when."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from pairaid import edits
from pairaid.conversations import services as conversation_services
from pairaid.conversations.models import Event
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.common import (
    ZERO,
    is_funds,
    is_personnel,
    outside_the_pairing,
    quantity_problems,
)
from pairaid.operations.models import Discrepancy, Pledge, Request, RequestLine, Shipment
from pairaid.operations.queries.requests import is_expired, pledged
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant
from pairaid.refusals import not_before
from pairaid.registry.models import ResourceType
from pairaid.validation import created, fits


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _expiry(on: datetime.date) -> datetime.date:
    return on + datetime.timedelta(days=settings.PAIRAID_REQUEST_EXPIRY_DAYS)


@dataclass(frozen=True)
class LineIn:
    resource_type: ResourceType
    quantity: Decimal
    priority: str = RequestLine.Priority.NORMAL
    needed_by: datetime.date | None = None


@transaction.atomic
def raise_request(
    *,
    recipient: Participant,
    lines: Sequence[LineIn],
    user: Any,
    note: str = "",
    on: datetime.date | None = None,
) -> Request:
    """A recipient asks for resources; business dates default to the programme date."""
    programme = recipient.programme
    raised_on = on or programme.current_date()
    problems = []
    if recipient.role != Participant.Role.RECIPIENT:
        problems.append(
            Problem(
                gettext("%(recipient)s is not a recipient")
                % {"recipient": local_name(recipient.region)},
                column="recipient",
            )
        )
    if not lines:
        problems.append(Problem(gettext("a request needs at least one line"), column="lines"))
    for index, line in enumerate(lines):
        problems += _line_problems(
            index, line.resource_type, line.quantity, line.needed_by, raised_on
        )
    if problems:
        raise ValidationFailed(problems)
    number = programme_services.next_number(
        programme=programme, numbered=Request.objects.filter(programme=programme)
    )
    request = created(
        Request,
        programme=programme,
        recipient=recipient,
        number=number,
        raised_on=raised_on,
        expires_on=_expiry(raised_on),
        note=note,
        raised_by=_user(user),
    )
    for line in lines:
        RequestLine.objects.create(
            request=request,
            resource_type=line.resource_type,
            quantity=line.quantity,
            priority=line.priority,
            needed_by=line.needed_by,
        )
    conversation_services.record(
        kind=Event.Kind.REQUEST_RAISED,
        programme=programme,
        subject=request,
        actor=user,
        args={"number": number, "region": recipient.region_id},
    )
    return request


def _line_problems(
    index: int,
    resource: ResourceType,
    quantity: Decimal,
    needed_by: datetime.date | None,
    raised_on: datetime.date,
) -> list[Problem]:
    """What is wrong with a request's line (its place in the request's lines, from 0): a
    quantity that is none or a fraction of a thing counted whole, a date needed by that is
    before the request was raised."""
    problems = quantity_problems(resource, quantity, f"lines.{index}.quantity")
    too_early = not_before(needed_by, raised_on, gettext("the date of the request"))
    if too_early:
        problems.append(Problem(too_early, column=f"lines.{index}.needed_by"))
    return problems


@dataclass(frozen=True)
class LineEdit:
    """A request line as its editor leaves it."""

    quantity: Decimal
    priority: str
    needed_by: datetime.date | None


def edit_request(
    *, request: Request, seen: int, note: str, lines: Mapping[int, LineEdit]
) -> Request:
    """Correct an open request's note and its lines' quantities, priorities and dates, made from
    version `seen`. Only before its first pledge: a donor pledges against what the line said. A
    problem names a line by its place in `lines`, from 0."""
    resources = dict(request.lines.values_list("pk", "resource_type"))
    catalogue = ResourceType.objects.in_bulk(set(resources.values()))
    problems = [
        problem
        for index, (line_id, line) in enumerate(lines.items())
        if line_id in resources
        for problem in _line_problems(
            index,
            catalogue[resources[line_id]],
            line.quantity,
            line.needed_by,
            request.raised_on,
        )
    ]
    if problems:
        raise ValidationFailed(problems)
    return edits.save_edit(
        request,
        seen=seen,
        changes={"note": note},
        parts=request_lines_at,
        also=lambda saved: _edit_lines(saved, lines),
    )


def _edit_lines(request: Request, edits_of_lines: Mapping[int, LineEdit]) -> None:
    # The lines are locked as a pledge locks its line, so an edit and a first pledge never
    # pass each other: whichever comes second sees the other (and a refusal here undoes the
    # whole edit, the request's own fields included).
    lines = {
        line.pk: line
        for line in RequestLine.objects.select_for_update().filter(request=request).order_by("pk")
    }
    if request.status != Request.Status.OPEN:
        raise Conflict(
            gettext("request %(number)s is %(status)s; only open requests are edited")
            % {"number": request.number, "status": request.status}
        )
    if Pledge.objects.filter(line__request=request).exists():
        raise Conflict(
            gettext(
                "request %(number)s has pledges; it can no longer be edited (withdraw it and "
                "raise a new one)"
            )
            % {"number": request.number}
        )
    unknown = sorted(set(edits_of_lines) - set(lines))
    if unknown:
        raise ValidationFailed(
            [
                Problem(
                    gettext("request %(number)s has no line %(line)s")
                    % {"number": request.number, "line": line_id},
                    column="lines",
                )
                for line_id in unknown
            ]
        )
    for line_id, edit in edits_of_lines.items():
        line = lines[line_id]
        line.quantity, line.priority, line.needed_by = edit.quantity, edit.priority, edit.needed_by
        fits(line)
        line.save()


def request_lines_at(request: Request, moment: datetime.datetime | None) -> dict[str, str]:
    """A request's lines at a moment (now when None), as {line: quantity, priority, date}."""
    rows = edits.as_of(RequestLine, moment, request_id=request.pk)
    codes = dict(ResourceType.objects.values_list("pk", "code"))
    return {
        f"{codes[row.resource_type_id]} #{row.pk}": " ".join(
            str(part) for part in (edits.shown(row.quantity), row.priority, row.needed_by or "")
        ).strip()
        for row in rows
    }


@transaction.atomic
def renew_request(*, request: Request, on: datetime.date | None = None) -> Request:
    if request.status != Request.Status.OPEN:
        raise Conflict(
            gettext("request %(number)s is %(status)s; only open requests are renewed")
            % {"number": request.number, "status": request.status}
        )
    request.expires_on = _expiry(on or request.programme.current_date())
    request.save(update_fields=["expires_on"])
    return request


@transaction.atomic
def pledge(
    *,
    line: RequestLine,
    donor: Participant,
    quantity: Decimal,
    user: Any,
    note: str = "",
    on: datetime.date | None = None,
) -> Pledge:
    """A donor pledges against an open request line; beyond the line only with a note."""
    line = (
        RequestLine.objects.select_for_update().select_related("request__programme").get(pk=line.pk)
    )
    request = line.request
    today = on or request.programme.current_date()
    if request.status != Request.Status.OPEN or is_expired(request, today):
        state = "expired" if is_expired(request, today) else request.status
        raise Conflict(
            gettext("request %(number)s is %(state)s; it takes no pledges")
            % {"number": request.number, "state": state}
        )
    problems = []
    if donor.role != Participant.Role.DONOR or donor.programme_id != request.programme_id:
        problems.append(
            Problem(
                gettext("%(donor)s is not a donor of this programme")
                % {"donor": local_name(donor.region)},
                column="donor",
            )
        )
    else:
        outside = outside_the_pairing(donor, request.recipient, "donor")
        if outside:
            problems.append(outside)
    problems += quantity_problems(line.resource_type, quantity, "quantity")
    remaining = line.quantity - pledged(line)
    if quantity > remaining and not note.strip():
        problems.append(
            Problem(
                gettext(
                    "pledging %(quantity)s goes beyond what the line still needs (%(remaining)s); "
                    "say why in a note"
                )
                % {"quantity": quantity, "remaining": remaining},
                column="note",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    made = created(
        Pledge,
        line=line,
        donor=donor,
        quantity=quantity,
        pledged_on=today,
        note=note,
        pledged_by=_user(user),
    )
    conversation_services.record(
        kind=Event.Kind.PLEDGE_MADE,
        programme=request.programme,
        subject=made,
        actor=user,
        args={"number": request.number, "region": donor.region_id},
    )
    return made


@transaction.atomic
def dispatch(
    *,
    pledge: Pledge,
    quantity: Decimal,
    on: datetime.date | None = None,
    reference: str = "",
    value_cny: Decimal | None = None,
) -> Shipment:
    """Goods leave the donor against a pledge (staff move through deployments, funds through
    disbursements)."""
    pledge = (
        Pledge.objects.select_for_update()
        .select_related("line__resource_type", "line__request__programme")
        .get(pk=pledge.pk)
    )
    if pledge.status != Pledge.Status.PLEDGED:
        raise Conflict(gettext("a cancelled pledge is not dispatched"))
    if is_personnel(pledge.line.resource_type):
        raise Conflict(gettext("staff are dispatched as a team deployment, not a shipment"))
    if is_funds(pledge.line.resource_type):
        raise Conflict(gettext("funds are disbursed against the pledge, not shipped"))
    sent = pledge.shipments.aggregate(total=Sum("quantity"))["total"] or ZERO
    fraction = quantity_problems(pledge.line.resource_type, quantity, "quantity")
    if fraction:
        raise ValidationFailed(fraction)
    if sent + quantity > pledge.quantity:
        raise ValidationFailed(
            [
                Problem(
                    gettext(
                        "must be at most %(value)s: %(quantity)s pledged, %(sent)s sent already"
                    )
                    % {
                        "value": edits.shown(pledge.quantity - sent),
                        "quantity": edits.shown(pledge.quantity),
                        "sent": edits.shown(sent),
                    },
                    column="quantity",
                )
            ]
        )
    shipment = created(
        Shipment,
        pledge=pledge,
        quantity=quantity,
        dispatched_on=on or pledge.line.request.programme.current_date(),
        reference=reference,
        value_cny=value_cny,
    )
    conversation_services.record(
        kind=Event.Kind.GOODS_DISPATCHED,
        programme=pledge.line.request.programme,
        subject=shipment,
        args={"number": pledge.line.request.number, "region": pledge.donor.region_id},
    )
    return shipment


@transaction.atomic
def mark_in_transit(*, shipment: Shipment) -> Shipment:
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status != Shipment.Status.DISPATCHED:
        raise Conflict(
            gettext("a shipment that is %(status)s cannot go in transit")
            % {"status": shipment.status}
        )
    shipment.status = Shipment.Status.IN_TRANSIT
    shipment.save(update_fields=["status"])
    return shipment


@dataclass(frozen=True)
class DiscrepancyIn:
    kind: str
    quantity: Decimal
    note: str = ""


@transaction.atomic
def confirm_receipt(
    *,
    shipment: Shipment,
    received_quantity: Decimal,
    discrepancies: Sequence[DiscrepancyIn] = (),
    on: datetime.date | None = None,
) -> Shipment:
    """The recipient confirms what actually arrived; any shortfall is kept as a discrepancy."""
    shipment = (
        Shipment.objects.select_for_update()
        .select_related("pledge__line__request__programme")
        .get(pk=shipment.pk)
    )
    if shipment.status == Shipment.Status.RECEIVED:
        raise Conflict(
            gettext("this shipment was already received; a received shipment is not edited")
        )
    problems = quantity_problems(
        shipment.pledge.line.resource_type, received_quantity, "received_quantity", zero=True
    )
    if problems:
        raise ValidationFailed(problems)
    if received_quantity > shipment.quantity:
        raise ValidationFailed(
            [
                Problem(
                    gettext("must be at most the %(shipped)s shipped")
                    % {"shipped": edits.shown(shipment.quantity)},
                    column="received_quantity",
                )
            ]
        )
    shipment.status = Shipment.Status.RECEIVED
    shipment.received_on = on or shipment.pledge.line.request.programme.current_date()
    shipment.received_quantity = received_quantity
    shipment.save(update_fields=["status", "received_on", "received_quantity"])
    recorded = list(discrepancies)
    shortfall = shipment.quantity - received_quantity
    if shortfall > 0 and not recorded:
        recorded.append(DiscrepancyIn(Discrepancy.Kind.SHORT, shortfall, "recorded at receipt"))
    for item in recorded:
        created(
            Discrepancy, shipment=shipment, kind=item.kind, quantity=item.quantity, note=item.note
        )
    request = shipment.pledge.line.request
    conversation_services.record(
        kind=Event.Kind.GOODS_RECEIVED,
        programme=request.programme,
        subject=shipment,
        args={"number": request.number, "region": request.recipient.region_id},
        # A receipt with a discrepancy stands out: something sent did not arrive as sent.
        stands_out=bool(recorded),
    )
    return shipment
