"""The request ledger's sheets: requests, pledges, shipments and receipts; and the helper sheets
that give their ids (open request lines, open pledges, shipments to receive)."""

from decimal import Decimal
from functools import partial
from typing import Any

from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.operations.models import Discrepancy, Pledge, Request, RequestLine, Shipment
from pairaid.operations.services import requests as request_services
from pairaid.operations.workbook.common import (
    Reader,
    RowAction,
    may_confirm,
    pledge_to_fulfil,
    programme_pledges,
    region_code,
)
from pairaid.programmes.models import Participant, Programme
from pairaid.spreadsheets import Rows, cell_text

REQUESTS = [
    ("recipient_code", "#adm2+code"),
    ("resource_type", "#item+code"),
    ("quantity", "#value+requested"),
    ("priority", "#priority"),
    ("needed_by", "#date+needed"),
    ("note", "#description"),
]


PLEDGES = [
    ("line_id", "#meta+line"),
    ("donor_code", "#org+code"),
    ("recipient_code", "#adm2+code"),
    ("resource_type", "#item+code"),
    ("quantity", "#value+pledged"),
    ("note", "#description"),
]


SHIPMENTS = [
    ("pledge_id", "#meta+pledge"),
    ("donor_code", "#org+code"),
    ("recipient_code", "#adm2+code"),
    ("resource_type", "#item+code"),
    ("quantity", "#value+shipped"),
    ("reference", "#meta+waybill"),
    ("value_cny", "#value+cny"),
]


RECEIPTS = [
    ("shipment_id", "#meta+shipment"),
    ("received_quantity", "#value+received"),
    ("discrepancy_kind", "#status+discrepancy"),
    ("discrepancy_quantity", "#value+discrepancy"),
    ("note", "#description"),
]


def export_requests(programme: Programme) -> list[list[Any]]:
    """Every request line, as the requests sheet lists them."""
    lines = RequestLine.objects.filter(request__programme=programme).select_related(
        "request__recipient__region", "resource_type"
    )
    return [
        [
            region_code(line.request.recipient),
            line.resource_type.code,
            float(line.quantity),
            line.priority,
            cell_text(line.needed_by),
            line.request.note,
        ]
        for line in lines
    ]


def export_pledges(programme: Programme) -> list[list[Any]]:
    """Every pledge, as the pledges sheet lists them."""
    pledges = Pledge.objects.filter(line__request__programme=programme).select_related(
        "donor__region", "line__request__recipient__region", "line__resource_type"
    )
    return [
        [
            p.line_id,
            region_code(p.donor),
            region_code(p.line.request.recipient),
            p.line.resource_type.code,
            float(p.quantity),
            p.note,
        ]
        for p in pledges
    ]


def export_shipments(programme: Programme) -> list[list[Any]]:
    """Every shipment, as the shipments sheet lists them."""
    shipments = Shipment.objects.filter(pledge__line__request__programme=programme).select_related(
        "pledge__donor__region",
        "pledge__line__request__recipient__region",
        "pledge__line__resource_type",
    )
    return [
        [
            s.pledge_id,
            region_code(s.pledge.donor),
            region_code(s.pledge.line.request.recipient),
            s.pledge.line.resource_type.code,
            float(s.quantity),
            s.reference,
            float(s.value_cny) if s.value_cny is not None else None,
        ]
        for s in shipments
    ]


def export_receipts(programme: Programme) -> list[list[Any]]:
    """The received shipments with their discrepancies."""
    received = Shipment.objects.filter(
        pledge__line__request__programme=programme, status=Shipment.Status.RECEIVED
    ).prefetch_related("discrepancies")
    return [
        [
            s.pk,
            float(s.received_quantity or 0),
            ";".join(d.kind for d in s.discrepancies.all()),
            ";".join(str(float(d.quantity)) for d in s.discrepancies.all()),
            ";".join(d.note for d in s.discrepancies.all()),
        ]
        for s in received
    ]


def open_pledges(page: Any, programme: Programme, user: Any) -> None:
    """The pledges the user may fulfil for their donor, with what was shipped and disbursed,
    by id (so the shipments and disbursements sheets can be filled by pledge id)."""
    page.append(
        [
            "pledge_id",
            "donor_code",
            "recipient_code",
            "resource_type",
            "pledged",
            "shipped",
            "disbursed",
        ]
    )
    for pledge in (
        Pledge.objects.filter(line__request__programme=programme, status=Pledge.Status.PLEDGED)
        .select_related("donor__region", "line__request__recipient__region", "line__resource_type")
        .prefetch_related("shipments", "disbursements")
    ):
        if permissions.can(user, Action.PLEDGE, programme, pledge.donor.region_id):
            shipped = sum((s.quantity for s in pledge.shipments.all()), Decimal(0))
            disbursed = sum((d.amount for d in pledge.disbursements.all()), Decimal(0))
            page.append(
                [
                    pledge.pk,
                    region_code(pledge.donor),
                    region_code(pledge.line.request.recipient),
                    pledge.line.resource_type.code,
                    float(pledge.quantity),
                    float(shipped),
                    float(disbursed),
                ]
            )


def open_lines(page: Any, programme: Programme) -> None:
    """The lines donors can pledge against, by id."""
    page.append(["line_id", "request", "recipient_code", "resource_type", "requested", "pledged"])
    lines = RequestLine.objects.filter(
        request__programme=programme, request__status=Request.Status.OPEN
    )
    for line in lines.select_related(
        "request__recipient__region", "resource_type"
    ).prefetch_related("pledges"):
        pledged = sum(
            (p.quantity for p in line.pledges.all() if p.status == Pledge.Status.PLEDGED),
            Decimal(0),
        )
        page.append(
            [
                line.pk,
                line.request.number,
                region_code(line.request.recipient),
                line.resource_type.code,
                float(line.quantity),
                float(pledged),
            ]
        )


def to_receive(page: Any, programme: Programme, user: Any) -> None:
    """Shipments on their way to a recipient the user confirms receipts for, by id."""
    page.append(
        ["shipment_id", "recipient_code", "donor_code", "resource_type", "quantity", "reference"]
    )
    shipments = Shipment.objects.filter(pledge__line__request__programme=programme).exclude(
        status=Shipment.Status.RECEIVED
    )
    for s in shipments.select_related(
        "pledge__donor__region",
        "pledge__line__request__recipient__region",
        "pledge__line__resource_type",
    ):
        recipient = s.pledge.line.request.recipient
        if permissions.can(user, Action.CONFIRM_RECEIPT, programme, recipient.region_id):
            page.append(
                [
                    s.pk,
                    region_code(recipient),
                    region_code(s.pledge.donor),
                    s.pledge.line.resource_type.code,
                    float(s.quantity),
                    s.reference,
                ]
            )


def plan_requests(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    existing = set(
        RequestLine.objects.filter(request__programme=reader.programme).values_list(
            "request__recipient_id", "resource_type__code", "quantity"
        )
    )
    for row, cells in rows:
        quantity = reader.number("requests", row, cells, "quantity")
        named = reader.member(cells, "recipient_code", Participant.Role.RECIPIENT)
        if named and (named.pk, cells.get("resource_type"), quantity) in existing:
            continue  # a line already raised: the template lists it for reference
        recipient = reader.participant(
            "requests",
            row,
            cells,
            "recipient_code",
            Participant.Role.RECIPIENT,
            Action.RAISE_REQUEST,
        )
        resource = reader.resource("requests", row, cells)
        needed_by = reader.day("requests", row, cells, "needed_by")
        priority = cells.get("priority") or "normal"
        if priority not in RequestLine.Priority.values:
            reader.fail(
                "requests",
                row,
                "priority",
                gettext("expected urgent, high or normal, got %(priority)s")
                % {"priority": repr(priority)},
            )
            continue
        if recipient and resource and quantity:
            actions.append(
                RowAction(
                    "requests",
                    row,
                    partial(
                        request_services.raise_request,
                        recipient=recipient,
                        lines=[request_services.LineIn(resource, quantity, priority, needed_by)],
                        user=reader.user,
                        note=cells.get("note", ""),
                    ),
                )
            )
    return actions


def plan_pledges(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    lines = {
        str(line.pk): line
        for line in RequestLine.objects.filter(request__programme=reader.programme).select_related(
            "request"
        )
    }
    existing = set(
        Pledge.objects.filter(line__request__programme=reader.programme).values_list(
            "line_id", "donor_id", "quantity"
        )
    )
    for row, cells in rows:
        line = lines.get(cells.get("line_id", ""))
        if line is None:
            reader.fail(
                "pledges",
                row,
                "line_id",
                gettext(
                    "no request line %(id)s in this programme (see the sheet 'open request lines')"
                )
                % {"id": cells.get("line_id") or "(empty)"},
            )
            continue
        quantity = reader.number("pledges", row, cells, "quantity")
        named = reader.member(cells, "donor_code", Participant.Role.DONOR)
        if named and (line.pk, named.pk, quantity) in existing:
            continue  # listed for reference: already pledged
        donor = reader.participant(
            "pledges", row, cells, "donor_code", Participant.Role.DONOR, Action.PLEDGE
        )
        if donor is not None and quantity:
            actions.append(
                RowAction(
                    "pledges",
                    row,
                    partial(
                        request_services.pledge,
                        line=line,
                        donor=donor,
                        quantity=quantity,
                        user=reader.user,
                        note=cells.get("note", ""),
                    ),
                )
            )
    return actions


def plan_shipments(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    pledges = programme_pledges(reader)
    shipped = set(
        Shipment.objects.filter(pledge__line__request__programme=reader.programme).values_list(
            "pledge_id", "reference"
        )
    )
    for row, cells in rows:
        pledge = pledge_to_fulfil(reader, "shipments", row, cells, pledges, shipped)
        if pledge is None:
            continue
        quantity = reader.number("shipments", row, cells, "quantity")
        value = reader.number("shipments", row, cells, "value_cny", required=False)
        if quantity:
            actions.append(
                RowAction(
                    "shipments",
                    row,
                    partial(
                        request_services.dispatch,
                        pledge=pledge,
                        quantity=quantity,
                        reference=cells.get("reference", ""),
                        value_cny=value,
                    ),
                )
            )
    return actions


def plan_receipts(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    shipments = {
        str(s.pk): s
        for s in Shipment.objects.filter(
            pledge__line__request__programme=reader.programme
        ).select_related("pledge__line__request__recipient__region")
    }
    for row, cells in rows:
        shipment = shipments.get(cells.get("shipment_id", ""))
        if shipment is None:
            reader.fail(
                "receipts",
                row,
                "shipment_id",
                gettext(
                    "no shipment %(id)s in this programme (see the sheet 'shipments to receive')"
                )
                % {"id": cells.get("shipment_id") or "(empty)"},
            )
            continue
        if shipment.status == Shipment.Status.RECEIVED:
            continue  # listed for reference: already received
        if not may_confirm(reader, "receipts", row, shipment.pledge.line.request.recipient):
            continue
        received = reader.number("receipts", row, cells, "received_quantity")
        kind = cells.get("discrepancy_kind", "")
        if kind and kind not in Discrepancy.Kind.values:
            reader.fail(
                "receipts",
                row,
                "discrepancy_kind",
                gettext("expected short, damaged or wrong_item, got %(kind)r") % {"kind": kind},
            )
            continue
        missing = reader.number("receipts", row, cells, "discrepancy_quantity", required=False)
        if received is None:
            continue
        found = (
            [
                request_services.DiscrepancyIn(
                    kind,
                    missing if missing is not None else shipment.quantity - received,
                    cells.get("note", ""),
                )
            ]
            if kind
            else []
        )
        actions.append(
            RowAction(
                "receipts",
                row,
                partial(
                    request_services.confirm_receipt,
                    shipment=shipment,
                    received_quantity=received,
                    discrepancies=found,
                ),
            )
        )
    return actions
