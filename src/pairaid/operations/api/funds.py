"""Funds: commitments per pair and year (the funds page), disbursements against a commitment or a
funds pledge, and the recipients' confirmation of what arrived."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import NotFound
from pairaid.operations.api.common import PAGE_SIZE, Rows, donors_pledge, operation_id, participant
from pairaid.operations.models import Disbursement, Discrepancy, FundCommitment
from pairaid.operations.services import funds as fund_services
from pairaid.programmes.models import Participant, Programme

router = Router(tags=["operations"])


class DisburseIn(Schema):
    amount: Annotated[Decimal, api_fields.amount(Disbursement, "amount")]
    reference: Annotated[str, api_fields.text(Disbursement, "reference")] = ""


class FundReceiptIn(Schema):
    received_amount: Annotated[
        Decimal, api_fields.amount(Disbursement, "received_amount", positive=False)
    ]
    note: Annotated[str, api_fields.text(Discrepancy, "note")] = ""


class CommitmentIn(Schema):
    donor: str
    recipient: str
    year: Annotated[StrictInt, Field(ge=1, le=9999)] | None = Field(
        None, description="the programme date's year when absent"
    )
    kind: FundCommitment.Kind = FundCommitment.Kind.CASH
    amount: Annotated[Decimal, api_fields.amount(FundCommitment, "amount")]
    description: Annotated[str, api_fields.text(FundCommitment, "description")] = ""


class CommitmentOut(Schema):
    id: int
    donor: str
    recipient: str
    year: int
    kind: str
    amount: Decimal
    description: str
    illustrative: bool
    disbursed: Decimal = Field(description="the sum of its disbursements")
    disbursements: list[int]


class DisburseOnCommitmentIn(DisburseIn):
    date: datetime.date | None = Field(None, description="the programme date when absent")


class DisbursementOut(Schema):
    id: int
    commitment: int
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
        "commitment": d.commitment_id,
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


def _commitment_out(c: FundCommitment) -> dict[str, Any]:
    disbursements = list(c.disbursements.all())
    return {
        "id": c.pk,
        "donor": c.donor.region.reference,
        "recipient": c.recipient.region.reference,
        "year": c.year,
        "kind": c.kind,
        "amount": c.amount,
        "description": c.description,
        "illustrative": c.illustrative,
        "disbursed": sum((d.amount for d in disbursements), Decimal(0)),
        "disbursements": [d.pk for d in disbursements],
    }


def _commitments(programme: Programme) -> QuerySet[FundCommitment]:
    return (
        FundCommitment.objects.filter(programme=programme)
        .select_related("donor__region__parent", "recipient__region__parent")
        .prefetch_related("disbursements")
    )


@router.get(
    "/programmes/{slug}/commitments",
    response=list[CommitmentOut],
    summary="Commitments of funds and in-kind aid per pair and year",
    operation_id=operation_id("list_commitments"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_commitments(request: HttpRequest, slug: str, year: int | None = None) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = _commitments(programme)
    if year is not None:
        found = found.filter(year=year)
    # The funds page's order.
    return Rows(found.order_by("year", "donor__region__code", "pk"), _commitment_out)


@router.post(
    "/programmes/{slug}/commitments",
    response={201: CommitmentOut},
    summary="Commit funds or in-kind aid from a donor to its recipient for a year",
    operation_id=operation_id("commit_funds"),
)
def commit_funds(request: HttpRequest, slug: str, payload: CommitmentIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    donor = participant(programme, payload.donor, Participant.Role.DONOR)
    permissions.check(request.user, Action.PLEDGE, programme, donor.region_id)
    made = fund_services.commit_funds(
        donor=donor,
        recipient=participant(programme, payload.recipient, Participant.Role.RECIPIENT),
        year=payload.year or programme.current_date().year,
        amount=payload.amount,
        kind=payload.kind,
        description=payload.description,
    )
    return Status(201, _commitment_out(_commitments(programme).get(pk=made.pk)))


@router.post(
    "/programmes/{slug}/commitments/{commitment_id}/disbursements",
    response={201: DisbursementOut},
    summary="Disburse against a commitment",
    operation_id=operation_id("disburse_on_commitment"),
)
def disburse_on_commitment(
    request: HttpRequest, slug: str, commitment_id: int, payload: DisburseOnCommitmentIn
) -> Status:
    programme = permissions.programme_for(request.user, slug)
    commitment = _commitments(programme).filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFound(f"no commitment {commitment_id} in {slug}")
    permissions.check(request.user, Action.PLEDGE, programme, commitment.donor.region_id)
    made = fund_services.disburse(
        commitment=commitment, amount=payload.amount, on=payload.date, reference=payload.reference
    )
    return Status(201, _disbursement_out(_disbursement(programme, made.pk)))


@router.get(
    "/programmes/{slug}/disbursements",
    response=list[DisbursementOut],
    summary="Disbursements of funds, with their receipts (filter: commitment)",
    operation_id=operation_id("list_disbursements"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_disbursements(request: HttpRequest, slug: str, commitment: int | None = None) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = Disbursement.objects.filter(commitment__programme=programme)
    if commitment is not None:
        found = found.filter(commitment_id=commitment)
    found = found.select_related(
        "commitment__donor__region__parent", "commitment__recipient__region__parent"
    ).prefetch_related("discrepancies")
    return Rows(found.order_by("commitment", "date", "pk"), _disbursement_out)


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
