"""Funds: commitments and disbursements on the funds page, disbursements against a funds pledge,
and the recipient's confirmation of what arrived."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import Forbidden, Problem, ValidationFailed
from pairaid.operations.forms import DisburseForm, FundReceiptForm
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.operations.services import funds as fund_services
from pairaid.operations.views.common import choices, day, donors_pledge, whole_number
from pairaid.programmes.models import Participant


@member_required
def funds(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    donors = choices(request.user, programme, Participant.Role.DONOR, Action.PLEDGE)
    if request.method == "POST":
        if not donors:
            raise Forbidden("only donors' officers and coordinators record funds")
        try:
            amount = Decimal(request.POST.get("amount", ""))
        except InvalidOperation:
            raise ValidationFailed(
                [
                    Problem(
                        f"expected an amount, got {request.POST.get('amount')!r}", column="amount"
                    )
                ]
            ) from None
        commitment_id = whole_number(request.POST.get("commitment", ""), "commitment")
        if commitment_id:
            commitment = get_object_or_404(
                FundCommitment.objects.select_related("donor"),
                pk=commitment_id,
                programme=programme,
            )
            permissions.check(request.user, Action.PLEDGE, programme, commitment.donor.region_id)
            fund_services.disburse(
                commitment=commitment,
                amount=amount,
                on=day(request.POST.get("date", ""), "date"),
                reference=request.POST.get("reference", ""),
            )
        else:
            donor = get_object_or_404(
                Participant,
                pk=whole_number(request.POST.get("donor", ""), "donor") or 0,
                programme=programme,
            )
            permissions.check(request.user, Action.PLEDGE, programme, donor.region_id)
            recipient = get_object_or_404(
                Participant,
                pk=whole_number(request.POST.get("recipient", ""), "recipient") or 0,
                programme=programme,
            )
            fund_services.commit_funds(
                donor=donor,
                recipient=recipient,
                year=whole_number(request.POST.get("year", ""), "year")
                or programme.current_date().year,
                amount=amount,
                kind=request.POST.get("kind") or "cash",
                description=request.POST.get("description", ""),
            )
        messages.success(request, _("Recorded."))
        return redirect("operations:funds", slug=slug)
    commitments = (
        FundCommitment.objects.filter(programme=programme)
        .select_related("donor__region", "recipient__region")
        .prefetch_related("disbursements__discrepancies", "disbursements__pledge__line__request")
        .order_by("year", "donor__region__code")
    )
    return render(
        request,
        "operations/funds.html",
        {
            "programme": programme,
            "commitments": commitments,
            "donors": donors,
            "manageable": {p for p, _ in donors},
            "receivable": {
                p
                for p, _ in choices(
                    request.user, programme, Participant.Role.RECIPIENT, Action.CONFIRM_RECEIPT
                )
            },
            "recipients": programme.participants.filter(role=Participant.Role.RECIPIENT)
            .select_related("region")
            .order_by("region__code"),
            "year": programme.current_date().year,
        },
    )


@member_required
@require_POST
def disburse(request: HttpRequest, slug: str, pledge_id: int) -> HttpResponse:
    """The donor disburses money against its funds pledge."""
    found = donors_pledge(request, slug, pledge_id)
    form = DisburseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was disbursed: check the fields."))
        return redirect("operations:requests", slug=slug)
    fund_services.disburse_pledge(
        pledge=found, amount=form.cleaned_data["amount"], reference=form.cleaned_data["reference"]
    )
    messages.success(request, _("Disbursed."))
    return redirect("operations:requests", slug=slug)


@member_required
@require_POST
def receive_disbursement(request: HttpRequest, slug: str, disbursement_id: int) -> HttpResponse:
    """The recipient confirms the money that arrived (from the requests or the funds page)."""
    programme = permissions.programme_for(request.user, slug)
    disbursement = get_object_or_404(
        Disbursement.objects.select_related("commitment__recipient"),
        pk=disbursement_id,
        commitment__programme=programme,
    )
    permissions.check(
        request.user,
        Action.CONFIRM_RECEIPT,
        programme,
        disbursement.commitment.recipient.region_id,
    )
    back = "operations:funds" if request.POST.get("back") == "funds" else "operations:requests"
    form = FundReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The receipt was not recorded: check the fields."))
        return redirect(back, slug=slug)
    fund_services.confirm_disbursement(
        disbursement=disbursement,
        received_amount=form.cleaned_data["received_amount"],
        note=form.cleaned_data["note"],
    )
    messages.success(request, _("Receipt confirmed."))
    return redirect(back, slug=slug)
