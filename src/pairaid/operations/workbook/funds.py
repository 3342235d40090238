"""The funds sheets: disbursements against funds pledges and their receipts; and the helper sheet of
disbursements waiting for a recipient's confirmation."""

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.operations.models import Disbursement
from pairaid.operations.services import funds as fund_services
from pairaid.operations.workbook.common import (
    Reader,
    RowAction,
    may_confirm,
    pledge_to_fulfil,
    programme_pledges,
    region_code,
)
from pairaid.programmes.models import Programme
from pairaid.spreadsheets import Rows, cell_text

DISBURSEMENTS = [
    ("pledge_id", "#meta+pledge"),
    ("donor_code", "#org+code"),
    ("recipient_code", "#adm2+code"),
    ("amount", "#value+disbursed"),
    ("reference", "#meta+transfer"),
]


FUND_RECEIPTS = [
    ("disbursement_id", "#meta+disbursement"),
    ("received_amount", "#value+received"),
    ("note", "#description"),
]


def _pledged_disbursements(programme: Programme) -> QuerySet[Disbursement]:
    """Disbursements against funds pledges: the only ones the sheets hold (a commitment's own
    disbursements are recorded on the funds page)."""
    return Disbursement.objects.filter(
        commitment__programme=programme, pledge__isnull=False
    ).select_related("commitment__donor__region", "commitment__recipient__region")


def export_disbursements(programme: Programme) -> list[list[Any]]:
    """Disbursements of funds pledges."""
    return [
        [
            d.pledge_id,
            region_code(d.commitment.donor),
            region_code(d.commitment.recipient),
            float(d.amount),
            d.reference,
        ]
        for d in _pledged_disbursements(programme)
    ]


def export_fund_receipts(programme: Programme) -> list[list[Any]]:
    """The confirmed disbursements of funds pledges, with what was received."""
    received = (
        _pledged_disbursements(programme)
        .filter(status=Disbursement.Status.RECEIVED)
        .prefetch_related("discrepancies")
    )
    return [
        [d.pk, float(d.received_amount or 0), ";".join(x.note for x in d.discrepancies.all())]
        for d in received
    ]


def money_to_receive(page: Any, programme: Programme, user: Any) -> None:
    """Disbursements not yet confirmed by a recipient the user confirms receipts for, by id."""
    page.append(["disbursement_id", "recipient_code", "donor_code", "amount", "date", "reference"])
    waiting = Disbursement.objects.filter(commitment__programme=programme).exclude(
        status=Disbursement.Status.RECEIVED
    )
    for d in waiting.select_related("commitment__donor__region", "commitment__recipient__region"):
        recipient = d.commitment.recipient
        if permissions.can(user, Action.CONFIRM_RECEIPT, programme, recipient.region_id):
            page.append(
                [
                    d.pk,
                    region_code(recipient),
                    region_code(d.commitment.donor),
                    float(d.amount),
                    cell_text(d.date),
                    d.reference,
                ]
            )


def plan_disbursements(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    pledges = programme_pledges(reader)
    made = set(
        Disbursement.objects.filter(
            commitment__programme=reader.programme, pledge__isnull=False
        ).values_list("pledge_id", "reference")
    )
    for row, cells in rows:
        pledge = pledge_to_fulfil(reader, "disbursements", row, cells, pledges, made)
        amount = reader.number("disbursements", row, cells, "amount") if pledge else None
        if pledge and amount:
            actions.append(
                RowAction(
                    "disbursements",
                    row,
                    partial(
                        fund_services.disburse_pledge,
                        pledge=pledge,
                        amount=amount,
                        reference=cells.get("reference", ""),
                    ),
                )
            )
    return actions


def plan_fund_receipts(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    disbursements = {
        str(d.pk): d
        for d in Disbursement.objects.filter(commitment__programme=reader.programme).select_related(
            "commitment__recipient__region"
        )
    }
    for row, cells in rows:
        found = disbursements.get(cells.get("disbursement_id", ""))
        if found is None:
            reader.fail(
                "fund_receipts",
                row,
                "disbursement_id",
                gettext(
                    "no disbursement %(id)s in this programme "
                    "(see the sheet 'disbursements to receive')"
                )
                % {"id": cells.get("disbursement_id") or "(empty)"},
            )
            continue
        if found.status == Disbursement.Status.RECEIVED:
            continue  # listed for reference: already confirmed
        if not may_confirm(reader, "fund_receipts", row, found.commitment.recipient):
            continue
        received = reader.number("fund_receipts", row, cells, "received_amount")
        if received is not None:
            actions.append(
                RowAction(
                    "fund_receipts",
                    row,
                    partial(
                        fund_services.confirm_disbursement,
                        disbursement=found,
                        received_amount=received,
                        note=cells.get("note", ""),
                    ),
                )
            )
    return actions
