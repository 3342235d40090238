"""Disbursements of funds pledges and the recipients' confirmation of what arrived."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import NotFound
from pairaid.operations.api.common import donors_pledge, operation_id
from pairaid.operations.models import Disbursement, Discrepancy
from pairaid.operations.services import funds as fund_services
from pairaid.programmes.models import Programme

router = Router(tags=["operations"])


class DisburseIn(Schema):
    amount: Annotated[Decimal, api_fields.amount(Disbursement, "amount")]
    reference: Annotated[str, api_fields.text(Disbursement, "reference")] = ""


class FundReceiptIn(Schema):
    received_amount: Annotated[
        Decimal, api_fields.amount(Disbursement, "received_amount", positive=False)
    ]
    note: Annotated[str, api_fields.text(Discrepancy, "note")] = ""


class DisbursementOut(Schema):
    id: int
    pledge: int | None
    donor: str
    recipient: str
    year: int
    amount: Decimal
    status: str
    date: datetime.date
    reference: str
    received_on: datetime.date | None
    received_amount: Decimal | None
    illustrative: bool
    discrepancies: list[dict[str, Any]]


def _disbursement_out(d: Disbursement) -> dict[str, Any]:
    return {
        "id": d.pk,
        "pledge": d.pledge_id,
        "donor": d.commitment.donor.region.reference,
        "recipient": d.commitment.recipient.region.reference,
        "year": d.commitment.year,
        "amount": d.amount,
        "status": d.status,
        "date": d.date,
        "reference": d.reference,
        "received_on": d.received_on,
        "received_amount": d.received_amount,
        "illustrative": d.illustrative,
        "discrepancies": [
            {"kind": x.kind, "quantity": str(x.quantity), "note": x.note}
            for x in d.discrepancies.all()
        ],
    }


def _disbursement(programme: Programme, disbursement_id: int) -> Disbursement:
    found = (
        Disbursement.objects.filter(pk=disbursement_id, commitment__programme=programme)
        .select_related(
            "commitment__donor__region__parent", "commitment__recipient__region__parent"
        )
        .first()
    )
    if found is None:
        raise NotFound(f"no disbursement {disbursement_id} in {programme.slug}")
    return found


@router.get(
    "/programmes/{slug}/disbursements",
    response=list[DisbursementOut],
    summary="Disbursements of funds, with their receipts",
    operation_id=operation_id("list_disbursements"),
)
def list_disbursements(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    found = (
        Disbursement.objects.filter(commitment__programme=programme)
        .select_related(
            "commitment__donor__region__parent", "commitment__recipient__region__parent"
        )
        .prefetch_related("discrepancies")
    )
    return [_disbursement_out(d) for d in found]


@router.post(
    "/programmes/{slug}/pledges/{pledge_id}/disbursements",
    response={201: DisbursementOut},
    summary="Disburse against a funds pledge",
    operation_id=operation_id("disburse"),
)
def disburse(request: HttpRequest, slug: str, pledge_id: int, payload: DisburseIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    found = donors_pledge(request, programme, pledge_id)
    made = fund_services.disburse_pledge(
        pledge=found, amount=payload.amount, reference=payload.reference
    )
    return Status(201, _disbursement_out(_disbursement(programme, made.pk)))


@router.post(
    "/programmes/{slug}/disbursements/{disbursement_id}/receipt",
    response=DisbursementOut,
    summary="Confirm the receipt of a disbursement",
    operation_id=operation_id("receive_disbursement"),
)
def receive_disbursement(
    request: HttpRequest, slug: str, disbursement_id: int, payload: FundReceiptIn
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = _disbursement(programme, disbursement_id)
    permissions.check(
        request.user, Action.CONFIRM_RECEIPT, programme, found.commitment.recipient.region_id
    )
    fund_services.confirm_disbursement(
        disbursement=found, received_amount=payload.received_amount, note=payload.note
    )
    return _disbursement_out(_disbursement(programme, found.pk))
