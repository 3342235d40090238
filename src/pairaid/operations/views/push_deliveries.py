"""Push deliveries: the list (by status) with each row's moves as small forms, offered only to
the side that may make them, and its history; the form to send goods ahead. Each write calls
one service, which checks the user's standing on its side of the delivery."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.errors import Forbidden
from pairaid.forms import refusals_on, submitted, valid
from pairaid.operations.forms import Actor, PushDeliveryForm, PushMoveForm
from pairaid.operations.models import PushDelivery
from pairaid.operations.queries.push_deliveries import deliveries
from pairaid.operations.services import push_deliveries as push_services


def _send(data: dict[str, Any], user: Any) -> PushDelivery:
    return push_services.send(
        donor=data["donor"],
        recipient=data["recipient"],
        resource_type=data["resource_type"],
        quantity=data["quantity"],
        dispatched_on=data["dispatched_on"],
        note=data["note"],
        user=user,
    )


@member_required
def push_deliveries(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    actor = Actor(request.user, programme)
    form = PushDeliveryForm(request.POST or None, actor=actor)
    may_send = bool(form.offered("donor"))
    if request.method == "POST":
        if not may_send:
            raise Forbidden(_("Only donors' officers and coordinators send goods ahead."))
        if submitted(form, lambda data: _send(data, request.user)):
            messages.success(request, _("Goods sent ahead."))
            return redirect("operations:push_deliveries", slug=slug)
    status = request.GET.get("status", "")
    shown = deliveries(programme)
    if status in PushDelivery.Status.values:
        shown = shown.filter(status=status)
    rows = [
        (
            d,
            [name for name in push_services.MOVES if push_services.may_move(request.user, d, name)],
            PushMoveForm(actor=actor, donor_id=d.donor_id),
        )
        for d in shown
    ]
    return render(
        request,
        "operations/push_deliveries.html",
        {
            "programme": programme,
            "rows": rows,
            "moves": {name: m.label for name, m in push_services.MOVES.items()},
            "statuses": PushDelivery.Status.choices,
            "status": status,
            "form": form if may_send else None,
        },
        status=400 if form.is_bound else 200,
    )


@member_required
@require_POST
def move(request: HttpRequest, slug: str, number: int, name: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    delivery = get_object_or_404(PushDelivery, programme=programme, number=number)
    form = PushMoveForm(
        request.POST, actor=Actor(request.user, programme), donor_id=delivery.donor_id
    )
    data = valid(form)
    with refusals_on(form):
        push_services.move(
            delivery=delivery, name=name, user=request.user, note=data["note"], to=data["to"]
        )
    messages.success(request, _("Push delivery %(number)s updated.") % {"number": number})
    return redirect("operations:push_deliveries", slug=slug)
