"""Funds: commitments and disbursements on the funds page, disbursements against a funds pledge,
and the recipient's confirmation of what arrived."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import Forbidden
from pairaid.forms import refusals_on, submitted, valid
from pairaid.operations.forms import (
    Actor,
    CommitFundsForm,
    DisburseForm,
    DisburseOnCommitmentForm,
    FundReceiptForm,
    choices,
)
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.operations.queries import funds as fund_queries
from pairaid.operations.services import funds as fund_services
from pairaid.operations.views.common import donors_pledge
from pairaid.programmes.models import Participant

# The ledger by pairing, as the page heads its columns (`fund_queries.LEDGER_KINDS`).
LEDGER_HEADINGS = list(
    zip(
        fund_queries.LEDGER_KINDS,
        [gettext_lazy("Committed"), gettext_lazy("Disbursed"), gettext_lazy("Received")],
        strict=True,
    )
)


@member_required
def funds(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    actor = Actor(request.user, programme)
    donors = choices(request.user, programme, Participant.Role.DONOR, Action.PLEDGE)
    form = CommitFundsForm(actor=actor)
    if request.method == "POST":
        if not donors:
            raise Forbidden(_("Only donors' officers and coordinators record funds."))
        # The page's two forms: a disbursement names its commitment (a row's small form, whose
        # refusal is the error page), a commitment does not (shown again with its input).
        if "commitment" in request.POST:
            _disburse_on_commitment(DisburseOnCommitmentForm(request.POST, actor=actor))
            recorded = True
        else:
            form = CommitFundsForm(request.POST, actor=actor)
            recorded = submitted(form, _commit)
        if recorded:
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
            "form": form,
            "by_pairing": fund_queries.ledger_by_pairing(programme),
            "ledger_kinds": LEDGER_HEADINGS,
        },
        status=400 if form.is_bound else 200,
    )


def _disburse_on_commitment(form: DisburseOnCommitmentForm) -> None:
    data = valid(form)
    with refusals_on(form):
        fund_services.disburse(
            commitment=data["commitment"],
            amount=data["amount"],
            on=data["date"],
            reference=data["reference"],
        )


def _commit(data: dict[str, Any]) -> FundCommitment:
    return fund_services.commit_funds(
        donor=data["donor"],
        recipient=data["recipient"],
        year=data["year"],
        amount=data["amount"],
        kind=data["kind"],
        description=data["description"],
    )


@member_required
@require_POST
def disburse(request: HttpRequest, slug: str, pledge_id: int) -> HttpResponse:
    """The donor disburses money against its funds pledge."""
    found = donors_pledge(request, slug, pledge_id)
    form = DisburseForm(request.POST)
    data = valid(form)
    with refusals_on(form):
        fund_services.disburse_pledge(
            pledge=found, amount=data["amount"], reference=data["reference"]
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
    data = valid(form)
    with refusals_on(form):
        fund_services.confirm_disbursement(
            disbursement=disbursement, received_amount=data["received_amount"], note=data["note"]
        )
    messages.success(request, _("Receipt confirmed."))
    return redirect(back, slug=slug)
