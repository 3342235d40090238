"""Funds: commitments per pair and year, and disbursements against them (IATI's terms: pledge →
commitment → disbursement). A disbursement is in transit until the recipient confirms it. Each
use case is one transaction; history records who and when."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.operations.common import ZERO, is_funds, outside_the_pairing
from pairaid.operations.models import Disbursement, Discrepancy, FundCommitment, Pledge
from pairaid.programmes.models import Participant
from pairaid.refusals import MORE_THAN_ZERO
from pairaid.validation import created

CENT = Decimal("0.01")


@transaction.atomic
def commit_funds(
    *,
    donor: Participant,
    recipient: Participant,
    year: int,
    amount: Decimal,
    kind: str = FundCommitment.Kind.CASH,
    description: str = "",
) -> FundCommitment:
    problems = []
    if donor.role != Participant.Role.DONOR or recipient.role != Participant.Role.RECIPIENT:
        problems.append(Problem(gettext("a commitment goes from a donor to a recipient")))
    if amount <= 0:
        problems.append(Problem(str(MORE_THAN_ZERO), column="amount"))
    outside = outside_the_pairing(donor, recipient, "recipient")
    if outside:
        problems.append(outside)
    if problems:
        raise ValidationFailed(problems)
    return created(
        FundCommitment,
        programme=donor.programme,
        donor=donor,
        recipient=recipient,
        year=year,
        amount=amount,
        kind=kind,
        description=description,
    )


def _disbursed(commitment: FundCommitment) -> Decimal:
    return commitment.disbursements.aggregate(total=Sum("amount"))["total"] or ZERO


def _amount_problem(amount: Decimal, limit: Decimal, message: str) -> list[Problem]:
    """A disbursement is positive, in whole cents and within what is left (`limit`)."""
    if 0 < amount <= limit and amount == amount.quantize(CENT):
        return []
    return [Problem(message, column="amount")]


@transaction.atomic
def disburse(
    *,
    commitment: FundCommitment,
    amount: Decimal,
    on: datetime.date | None = None,
    reference: str = "",
) -> Disbursement:
    """Money (or in-kind value) actually transferred; never beyond what was committed."""
    commitment = FundCommitment.objects.select_for_update().get(pk=commitment.pk)
    paid = _disbursed(commitment)
    problems = _amount_problem(
        amount,
        commitment.amount - paid,
        gettext("0 < amount <= %(value)s (committed %(amount)s, disbursed %(paid)s)")
        % {"value": commitment.amount - paid, "amount": commitment.amount, "paid": paid},
    )
    if problems:
        raise ValidationFailed(problems)
    return created(
        Disbursement,
        commitment=commitment,
        project=commitment.project,  # money on a project's commitment goes to that project
        amount=amount,
        date=on or commitment.programme.current_date(),
        reference=reference,
    )


def _commitment_covering(pledge: Pledge, year: int, amount: Decimal) -> FundCommitment:
    """The pair's cash commitment of the year, created or raised so that it covers `amount` more.

    The pledge, made against the recipient's request, is the donor's promise: disbursing on it
    commits the money if no commitment of that pair and year has room for it (the raise is kept
    in the commitment's history)."""
    request = pledge.line.request
    commitment = (
        FundCommitment.objects.select_for_update()
        .filter(
            programme=request.programme,
            donor=pledge.donor,
            recipient=request.recipient,
            year=year,
            kind=FundCommitment.Kind.CASH,
            # A project's commitment is that project's money, not the pair's for requests.
            project__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if commitment is None:
        return created(
            FundCommitment,
            programme=request.programme,
            donor=pledge.donor,
            recipient=request.recipient,
            year=year,
            kind=FundCommitment.Kind.CASH,
            amount=amount,
            description="covers funds pledged against requests",
        )
    paid = _disbursed(commitment)
    if paid + amount > commitment.amount:
        commitment.amount = paid + amount
        commitment.save(update_fields=["amount"])
    return commitment


def _currency_problems(pledge: Pledge) -> list[Problem]:
    unit = pledge.line.resource_type.unit
    currency = pledge.line.request.programme.currency
    if unit and currency and unit.upper() != currency.upper():
        return [
            Problem(
                gettext(
                    "the line asks for %(unit)s but the programme's currency is %(currency)s; "
                    "disbursements are in the programme's currency"
                )
                % {"unit": unit, "currency": currency},
                column="pledge",
            )
        ]
    return []


@transaction.atomic
def disburse_pledge(
    *,
    pledge: Pledge,
    amount: Decimal,
    on: datetime.date | None = None,
    reference: str = "",
) -> Disbursement:
    """Money leaves the donor against a funds pledge: in transit until the recipient confirms.
    Never beyond the pledge (as a shipment never goes beyond its pledge)."""
    pledge = (
        Pledge.objects.select_for_update()
        .select_related("donor", "line__resource_type", "line__request__programme")
        .get(pk=pledge.pk)
    )
    if pledge.status != Pledge.Status.PLEDGED:
        raise Conflict(gettext("a cancelled pledge is not disbursed"))
    if not is_funds(pledge.line.resource_type):
        raise Conflict(
            gettext("only a funds pledge is disbursed; goods are shipped and staff deployed")
        )
    paid = pledge.disbursements.aggregate(total=Sum("amount"))["total"] or ZERO
    problems = _currency_problems(pledge) + _amount_problem(
        amount,
        pledge.quantity - paid,
        gettext(
            "disburse 0 < amount <= %(value)s in whole cents "
            "(pledged %(pledged)s, disbursed %(paid)s)"
        )
        % {"value": pledge.quantity - paid, "pledged": pledge.quantity, "paid": paid},
    )
    if problems:
        raise ValidationFailed(problems)
    day = on or pledge.line.request.programme.current_date()
    return created(
        Disbursement,
        commitment=_commitment_covering(pledge, day.year, amount),
        pledge=pledge,
        amount=amount,
        date=day,
        reference=reference,
    )


@transaction.atomic
def confirm_disbursement(
    *,
    disbursement: Disbursement,
    received_amount: Decimal,
    note: str = "",
    on: datetime.date | None = None,
) -> Disbursement:
    """The recipient confirms the money arrived and how much; a shortfall is kept as a
    discrepancy. A confirmed disbursement is not edited again."""
    disbursement = (
        Disbursement.objects.select_for_update()
        .select_related("commitment__programme")
        .get(pk=disbursement.pk)
    )
    if disbursement.status == Disbursement.Status.RECEIVED:
        raise Conflict(
            gettext(
                "this disbursement was already confirmed; a confirmed disbursement is not edited"
            )
        )
    day = on or disbursement.commitment.programme.current_date()
    problems = []
    if not 0 <= received_amount <= disbursement.amount:
        problems.append(
            Problem(
                gettext("must be from 0 to the %(amount)s disbursed")
                % {"amount": disbursement.amount},
                column="received_amount",
            )
        )
    if day < disbursement.date:
        problems.append(
            Problem(
                gettext("received on %(day)s, before it was disbursed on %(date)s")
                % {"day": day, "date": disbursement.date},
                column="received_on",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    disbursement.status = Disbursement.Status.RECEIVED
    disbursement.received_on = day
    disbursement.received_amount = received_amount
    disbursement.save(update_fields=["status", "received_on", "received_amount"])
    shortfall = disbursement.amount - received_amount
    if shortfall > 0:
        created(
            Discrepancy,
            disbursement=disbursement,
            kind=Discrepancy.Kind.SHORT,
            quantity=shortfall,
            note=note or "recorded at receipt",
        )
    return disbursement
