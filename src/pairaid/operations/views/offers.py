"""The offers page: the offers with what is left of each lot, the form to offer goods, and on
each lot it may act for, a small form to take it as a pledge against an open request line of
its resource; withdraw an offer. Each write calls one service (services.offers), for a donor the
user acts for (Action.OFFER)."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid import figures
from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import Forbidden
from pairaid.forms import refusals_on, submitted, valid
from pairaid.labels import local_name
from pairaid.operations.forms import Actor, OfferForm, TakeOfferForm
from pairaid.operations.models import (
    DEFAULT_TAKES_PER_OFFER_LINE,
    Offer,
    OfferLine,
    Request,
    RequestLine,
)
from pairaid.operations.queries import offers as offer_queries
from pairaid.operations.queries import requests as request_queries
from pairaid.operations.services import offers as offer_services
from pairaid.programmes.models import Programme


def _make(form: OfferForm, user: Any) -> Offer:
    data = form.cleaned_data
    return offer_services.make_offer(
        donor=data["donor"],
        lines=[
            offer_services.OfferLineIn(resource, quantity, takes or DEFAULT_TAKES_PER_OFFER_LINE)
            for resource, quantity, takes in form.lines()
        ],
        user=user,
        available_until=data["available_until"],
        note=data["note"],
    )


def open_lines(programme: Programme) -> dict[int, list[tuple[int, str]]]:
    """{resource id: the open request lines of it that still need something, as (line id,
    label)}: what a lot may be taken for, named as people read them ("Request 3 · Huanggang ·
    N95 masks: 400 still needed")."""
    on = programme.current_date()
    found: dict[int, list[tuple[int, str]]] = {}
    for request, expired, lines in request_queries.requests_with_progress(programme, on):
        if expired or request.status != Request.Status.OPEN:
            continue
        for progress in lines:
            if progress.open <= 0:
                continue
            line = progress.line
            label = _(
                "Request %(number)s · %(recipient)s · %(resource)s: %(open)s still needed"
            ) % {
                "number": request.number,
                "recipient": local_name(request.recipient.region),
                "resource": local_name(line.resource_type),
                "open": figures.number(progress.open),
            }
            found.setdefault(line.resource_type_id, []).append((line.pk, label))
    return found


def _rows(programme: Programme, user: Any) -> list[dict[str, Any]]:
    """Each offer with its status, its lots (offered, taken, remaining) and whether the user
    may act for its donor."""
    on = programme.current_date()
    offers = (
        Offer.objects.filter(programme=programme)
        .select_related("donor__region__parent")
        .order_by("-number")
    )
    rows = []
    for offer in offers:
        lines = list(
            offer_queries.lines_with_takes(
                offer.lines.select_related("resource_type").order_by("pk")
            )
        )
        status = offer_queries.offer_status(offer, lines, on)
        rows.append(
            {
                "offer": offer,
                "status": status,
                "status_label": offer_queries.STATUS_LABELS[status],
                "lines": [(line, _remaining(line)) for line in lines],
                "may_act": permissions.can(user, Action.OFFER, programme, offer.donor.region_id),
            }
        )
    return rows


def _remaining(line: OfferLine) -> tuple[Decimal, str]:
    """What is left of a lot (annotated by `lines_with_takes`), and as the take form fills it."""
    left = offer_queries.left_of(line.quantity, line.taken)  # type: ignore[attr-defined]
    return left, figures.plain(left)


@member_required
def offers(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = OfferForm(request.POST or None, actor=Actor(request.user, programme))
    may_offer = bool(form.offered("donor"))
    if request.method == "POST":
        if not may_offer:
            raise Forbidden(_("Only donors' officers and coordinators make offers."))
        if submitted(form, lambda _data: _make(form, request.user)):
            messages.success(request, _("Offer made."))
            return redirect("operations:offers", slug=slug)
        messages.error(request, _("The offer was not made: check the fields."))
    return render(
        request,
        "operations/offers.html",
        {
            "programme": programme,
            "on": programme.current_date(),
            "rows": _rows(programme, request.user),
            "form": form if may_offer else None,
            "open_lines": open_lines(programme),
            "take_form": TakeOfferForm(lines=[]),
        },
        status=400 if request.method == "POST" else 200,
    )


def _donors_offer(request: HttpRequest, programme: Programme, offer: Offer) -> None:
    permissions.check(request.user, Action.OFFER, programme, offer.donor.region_id)


@member_required
@require_POST
def withdraw(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    offer = get_object_or_404(
        Offer.objects.select_related("donor"), programme=programme, number=number
    )
    _donors_offer(request, programme, offer)
    offer_services.withdraw_offer(offer=offer)
    messages.success(request, _("Offer %(number)s withdrawn.") % {"number": number})
    return redirect("operations:offers", slug=slug)


@member_required
@require_POST
def take(request: HttpRequest, slug: str, line_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    line = get_object_or_404(
        OfferLine.objects.select_related("offer__donor"), pk=line_id, offer__programme=programme
    )
    _donors_offer(request, programme, line.offer)
    form = TakeOfferForm(request.POST, lines=open_lines(programme).get(line.resource_type_id, []))
    data = valid(form)
    with refusals_on(form):
        offer_services.take_offer(
            line=line,
            request_line=get_object_or_404(
                RequestLine, pk=data["request_line"], request__programme=programme
            ),
            quantity=data["quantity"],
            user=request.user,
        )
    messages.success(
        request, _("Pledge made from offer %(number)s.") % {"number": line.offer.number}
    )
    return redirect("operations:offers", slug=slug)
