"""The offers sheet: one row per lot (its offer's number, the donor, what and how much, at most
how many pledges are made from it, and what is taken and left); and the push deliveries sheet:
goods sent ahead, one row per delivery.

An upload only MAKES offers and SENDS deliveries: a row with a blank number offers one lot, or
sends one delivery, through the services (so every rule of the page and the API holds). A row
whose number is already the programme's is listed for reference and skipped; taking a lot,
withdrawing an offer and a delivery's moves (accept, decline, return, redirect) stay on their
pages and the API, where each is decided on its own."""

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from django.utils.translation import gettext

from pairaid.accounts.permissions import Action
from pairaid.errors import ValidationFailed
from pairaid.operations.models import OfferLine, PushDelivery
from pairaid.operations.queries import offers as offer_queries
from pairaid.operations.services import offers as offer_services
from pairaid.operations.services import push_deliveries as push_services
from pairaid.operations.workbook.common import Reader, RowAction, region_code
from pairaid.programmes.models import Participant, Programme
from pairaid.spreadsheets import Rows

OFFERS_SHEET = "offers"
OFFERS = [
    ("number", "#meta+id"),
    ("donor_code", "#org+code"),
    ("resource_type", "#item+code"),
    ("quantity", "#value+offered"),
    ("max_takes", "#meta+takes"),
    ("available_from", "#date+start"),
    ("available_until", "#date+end"),
    ("taken", "#value+pledged"),
    ("remaining", "#value+remaining"),
    ("status", "#status"),
    ("note", "#description"),
]

PUSH_SHEET = "push_deliveries"
PUSH_DELIVERIES = [
    ("number", "#meta+id"),
    ("donor_code", "#org+code"),
    ("recipient_code", "#adm2+code"),
    ("resource_type", "#item+code"),
    ("quantity", "#value+sent"),
    ("dispatched_on", "#date+dispatched"),
    ("status", "#status"),
    ("accepted_on", "#date+accepted"),
    ("note", "#description"),
]


# The services' names for what the sheets call otherwise: a refusal names the sheet's column.
_SERVICE_COLUMNS = {"donor": "donor_code", "recipient": "recipient_code"}


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def export_offers(programme: Programme) -> list[list[Any]]:
    """Every lot of every offer, by offer number, with what is taken and left of it."""
    on = programme.current_date()
    lines = offer_queries.lines_with_takes(
        OfferLine.objects.filter(offer__programme=programme)
        .select_related("offer__donor__region", "resource_type")
        .order_by("offer__number", "pk")
    )
    by_offer: dict[int, list[OfferLine]] = {}
    for line in lines:
        by_offer.setdefault(line.offer_id, []).append(line)
    return [
        [
            line.offer.number,
            region_code(line.offer.donor),
            line.resource_type.code,
            float(line.quantity),
            line.max_takes,
            _day(line.offer.available_from),
            _day(line.offer.available_until),
            float(line.taken),  # type: ignore[attr-defined]
            float(max(line.quantity - line.taken, 0)),  # type: ignore[attr-defined]
            offer_queries.offer_status(line.offer, by_offer[line.offer_id], on),
            line.offer.note,
        ]
        for line in lines
    ]


def export_push_deliveries(programme: Programme) -> list[list[Any]]:
    """Every push delivery of the programme, by number."""
    found = (
        PushDelivery.objects.filter(programme=programme)
        .select_related("donor__region", "recipient__region", "resource_type")
        .order_by("number")
    )
    return [
        [
            d.number,
            region_code(d.donor),
            region_code(d.recipient),
            d.resource_type.code,
            float(d.quantity),
            _day(d.dispatched_on),
            d.status,
            _day(d.accepted_on),
            d.note,
        ]
        for d in found
    ]


def _known_or_blank(reader: Reader, sheet: str, row: int, number: str, known: set[int]) -> bool:
    """Whether the row is new (a blank number); a number not the programme's is a problem."""
    if not number:
        return True
    if not number.isdigit() or int(number) not in known:
        reader.fail(
            sheet,
            row,
            "number",
            gettext(
                "no record %(value)s in this sheet's programme: leave the number blank to add one"
            )
            % {"value": repr(number)},
        )
    return False


def plan_offers(reader: Reader, rows: Rows) -> list[RowAction]:
    """One new offer of one lot for each row with a blank number."""
    known = set(reader.programme.offers.values_list("number", flat=True))
    actions = []
    for row, cells in rows:
        if not _known_or_blank(reader, OFFERS_SHEET, row, cells.get("number", ""), known):
            continue  # the programme's own offer: the template lists it for reference
        before = len(reader.problems)
        donor = reader.participant(
            OFFERS_SHEET, row, cells, "donor_code", Participant.Role.DONOR, Action.OFFER
        )
        resource = reader.resource(OFFERS_SHEET, row, cells)
        quantity = reader.number(OFFERS_SHEET, row, cells, "quantity")
        takes = reader.number(OFFERS_SHEET, row, cells, "max_takes", required=False)
        if takes is not None and takes != int(takes):
            reader.fail(
                OFFERS_SHEET,
                row,
                "max_takes",
                gettext("expected a whole number, got %(text)s") % {"text": cells["max_takes"]},
            )
        start = reader.day(OFFERS_SHEET, row, cells, "available_from")
        until = reader.day(OFFERS_SHEET, row, cells, "available_until")
        if len(reader.problems) > before or donor is None or resource is None:
            continue
        if quantity is None:
            continue
        lot = offer_services.OfferLineIn(
            resource_type=resource,
            quantity=quantity,
            **({"max_takes": int(takes)} if takes is not None else {}),
        )
        make = partial(
            offer_services.make_offer,
            donor=donor,
            lines=[lot],
            user=reader.user,
            available_from=start,
            available_until=until,
            note=cells.get("note", ""),
        )
        actions.append(RowAction(OFFERS_SHEET, row, partial(_in_sheet_columns, make)))
    return actions


def _in_sheet_columns(call: Callable[[], Any]) -> Any:
    """Run the service; a refusal names the sheet's column, not the service's argument (an
    offer's one lot is the row: `lines.0.quantity` is the sheet's `quantity`)."""
    try:
        return call()
    except ValidationFailed as failure:
        raise ValidationFailed(
            [replace(p, column=_sheet_column(p.column)) for p in failure.problems]
        ) from None


def _sheet_column(column: str) -> str:
    column = column.removeprefix("lines.0.")
    return _SERVICE_COLUMNS.get(column, column)


def plan_push_deliveries(reader: Reader, rows: Rows) -> list[RowAction]:
    """One delivery sent ahead for each row with a blank number."""
    known = set(reader.programme.push_deliveries.values_list("number", flat=True))
    actions = []
    for row, cells in rows:
        if not _known_or_blank(reader, PUSH_SHEET, row, cells.get("number", ""), known):
            continue  # the programme's own delivery: its moves are on the page and the API
        before = len(reader.problems)
        donor = reader.participant(
            PUSH_SHEET, row, cells, "donor_code", Participant.Role.DONOR, Action.PLEDGE
        )
        recipient = reader.named(
            PUSH_SHEET, row, cells, "recipient_code", Participant.Role.RECIPIENT
        )
        resource = reader.resource(PUSH_SHEET, row, cells)
        quantity = reader.number(PUSH_SHEET, row, cells, "quantity")
        dispatched_on = reader.day(PUSH_SHEET, row, cells, "dispatched_on")
        if len(reader.problems) > before:
            continue
        if donor is None or recipient is None or resource is None or quantity is None:
            continue
        actions.append(
            RowAction(
                PUSH_SHEET,
                row,
                partial(
                    _in_sheet_columns,
                    partial(
                        push_services.send,
                        donor=donor,
                        recipient=recipient,
                        resource_type=resource,
                        quantity=quantity,
                        user=reader.user,
                        dispatched_on=dispatched_on,
                        note=cells.get("note", ""),
                    ),
                ),
            )
        )
    return actions
