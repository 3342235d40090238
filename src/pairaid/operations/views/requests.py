"""The request ledger's pages: raise and renew requests, pledge against a line, dispatch goods
and confirm their receipt. Every action is permission-checked per region (DESIGN.md §7) and
calls one service."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import Forbidden
from pairaid.forms import refusals_on, submitted, valid
from pairaid.operations.forms import (
    Actor,
    DisburseForm,
    DispatchForm,
    FundReceiptForm,
    PledgeForm,
    ReceiptForm,
    RequestEditForm,
    RequestForm,
    choices,
)
from pairaid.operations.models import Pledge, Request, RequestLine, Shipment
from pairaid.operations.queries import handover
from pairaid.operations.queries import requests as request_queries
from pairaid.operations.services import requests as request_services
from pairaid.operations.views.common import donors_pledge, programme_date
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType
from pairaid.web.editing import edit_page


@member_required
def requests(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    on = programme_date(request, programme)
    actor = Actor(request.user, programme)
    form = RequestForm(request.POST or None, actor=actor)
    recipients = form.offered("recipient")
    pledge_form = PledgeForm(actor=actor)
    donors = pledge_form.offered("donor")
    if request.method == "POST":
        if not recipients:
            raise Forbidden(_("Only the recipient's officers and coordinators raise requests."))
        if submitted(form, lambda data: _raise_request(request, data)):
            messages.success(request, _("Request raised."))
            return redirect("operations:requests", slug=slug)
        messages.error(request, _("The request was not raised: check the fields."))
    return render(
        request,
        "operations/requests.html",
        {
            "programme": programme,
            "on": on,
            "rows": request_queries.requests_with_progress(programme, on),
            "duplicates": request_queries.duplicate_requests(programme, on),
            "left_behind": handover.flags_of(programme, handover.Kind.REQUEST),
            "resources": ResourceType.objects.all(),
            "form": form if recipients else None,
            "pledge_form": pledge_form if donors else None,
            "can_receive": {
                p
                for p, _ in choices(
                    request.user, programme, Participant.Role.RECIPIENT, Action.CONFIRM_RECEIPT
                )
            },
            "can_dispatch": {p for p, _ in donors},
            "can_raise": {p for p, _ in recipients},
            "pledged_requests": set(
                Pledge.objects.filter(line__request__programme=programme).values_list(
                    "line__request_id", flat=True
                )
            ),
            "open_pledges": request_queries.pledges_left_to_fulfil(programme),
            "dispatch_form": DispatchForm(),
            "receipt_form": ReceiptForm(),
            "disburse_form": DisburseForm(),
            "fund_receipt_form": FundReceiptForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _raise_request(request: HttpRequest, data: dict[str, Any]) -> Request:
    """Raise the request the form describes: one line (the service's `lines.0`)."""
    line = request_services.LineIn(
        data["resource_type"], data["quantity"], data["priority"], data["needed_by"]
    )
    return request_services.raise_request(
        recipient=data["recipient"], lines=[line], user=request.user, note=data["note"]
    )


@member_required
@require_POST
def pledge(request: HttpRequest, slug: str, line_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    line = get_object_or_404(
        RequestLine.objects.select_related("request"), pk=line_id, request__programme=programme
    )
    form = PledgeForm(request.POST, actor=Actor(request.user, programme))
    if not form.offered("donor"):
        raise Forbidden(_("Only donors' officers and coordinators pledge."))
    data = valid(form)
    with refusals_on(form):
        request_services.pledge(
            line=line,
            donor=data["donor"],
            quantity=data["quantity"],
            note=data["note"],
            user=request.user,
        )
    messages.success(request, _("Pledge recorded."))
    return redirect("operations:requests", slug=slug)


@member_required
@require_POST
def dispatch(request: HttpRequest, slug: str, pledge_id: int) -> HttpResponse:
    found = donors_pledge(request, slug, pledge_id)
    form = DispatchForm(request.POST)
    data = valid(form)
    with refusals_on(form):
        request_services.dispatch(
            pledge=found,
            quantity=data["quantity"],
            reference=data["reference"],
            value_cny=data["value_cny"],
        )
    messages.success(request, _("Dispatched."))
    return redirect("operations:requests", slug=slug)


@member_required
@require_POST
def receive(request: HttpRequest, slug: str, shipment_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    shipment = get_object_or_404(
        Shipment.objects.select_related("pledge__line__request__recipient"),
        pk=shipment_id,
        pledge__line__request__programme=programme,
    )
    permissions.check(
        request.user,
        Action.CONFIRM_RECEIPT,
        programme,
        shipment.pledge.line.request.recipient.region_id,
    )
    form = ReceiptForm(request.POST)
    data = valid(form)
    found = []
    if data["discrepancy"]:
        quantity = (
            data["discrepancy_quantity"]
            if data["discrepancy_quantity"] is not None
            else shipment.quantity - data["received_quantity"]
        )
        found.append(
            request_services.DiscrepancyIn(data["discrepancy"], Decimal(quantity), data["note"])
        )
    with refusals_on(form):
        request_services.confirm_receipt(
            shipment=shipment, received_quantity=data["received_quantity"], discrepancies=found
        )
    messages.success(request, _("Receipt confirmed."))
    return redirect("operations:requests", slug=slug)


@member_required
@require_POST
def renew(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    found = get_object_or_404(
        Request.objects.select_related("recipient"), programme=programme, number=number
    )
    permissions.check(request.user, Action.RAISE_REQUEST, programme, found.recipient.region_id)
    request_services.renew_request(request=found)
    messages.success(request, _("Request renewed."))
    return redirect("operations:requests", slug=slug)


@member_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Correct an open request's note and lines before its first pledge (against the version the
    editor saw)."""
    programme = permissions.programme_for(request.user, slug)
    found = get_object_or_404(
        Request.objects.select_related("recipient"), programme=programme, number=number
    )
    permissions.check(request.user, Action.RAISE_REQUEST, programme, found.recipient.region_id)
    lines = list(found.lines.select_related("resource_type").order_by("pk"))
    form = RequestEditForm(
        request.POST or None,
        lines=lines,
        initial=RequestEditForm.initial_of_request(found, lines),
    )

    def save(data: dict[str, Any]) -> object:
        return request_services.edit_request(
            request=found,
            seen=data["version"],
            note=data["note"],
            lines={
                line_id: request_services.LineEdit(*values)
                for line_id, values in form.line_edits().items()
            },
        )

    return edit_page(
        request,
        programme=programme,
        form=form,
        title=_("Edit request %(number)s") % {"number": found.number},
        back=reverse("operations:requests", args=[slug]),
        save=save,
    )
