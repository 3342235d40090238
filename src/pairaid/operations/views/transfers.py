"""Patient transfers: the list (by status) with each row's moves as small forms and its
history, the request form, and the community queue with its count form. Each write calls one
service, which checks the user's standing on its side of the transfer."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.forms import refusals_on, submitted, valid
from pairaid.labels import local_name
from pairaid.operations.forms import QueueForm, TransferForm, TransferMoveForm
from pairaid.operations.models import BED_TYPE_CHOICES, Facility, Transfer
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.operations.services import transfers as transfer_services
from pairaid.programmes.models import Participant, Programme


def _facilities(programme: Programme) -> list[Facility]:
    return list(
        Facility.objects.filter(programme=programme)
        .select_related("programme", "recipient__region")
        .order_by("recipient__region__code", "name")
    )


def _origins(user: Any, programme: Programme, facilities: list[Facility]) -> list[Any]:
    """What the user may send from: its facilities, and its regions' community queues."""
    sending = [
        (str(f.pk), f"{local_name(f.recipient.region)} · {f.name}")
        for f in facilities
        if permissions.can_for_facility(user, Action.REQUEST_TRANSFER, programme, f)
    ]
    queues = [
        (
            f"{TransferForm.QUEUE}{p.pk}",
            _("%(region)s: community queue") % {"region": local_name(p.region)},
        )
        for p in _recipients(programme)
        if permissions.can_for_facility(
            user, Action.REQUEST_TRANSFER, programme, None, region_id=p.region_id
        )
    ]
    return sending + queues


def _recipients(programme: Programme) -> list[Participant]:
    return list(
        programme.participants.filter(role=Participant.Role.RECIPIENT)
        .select_related("region")
        .order_by("region__code")
    )


def _origin(programme: Programme, value: str) -> Facility | Participant:
    if value.startswith(TransferForm.QUEUE):
        return get_object_or_404(
            Participant, pk=int(value.removeprefix(TransferForm.QUEUE)), programme=programme
        )
    return get_object_or_404(Facility, pk=int(value), programme=programme)


@member_required
def transfers(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    facilities = _facilities(programme)
    origins = _origins(request.user, programme, facilities)
    form = TransferForm(
        request.POST or None,
        origins=origins,
        receivers=[(f.pk, f"{local_name(f.recipient.region)} · {f.name}") for f in facilities],
    )
    if request.method == "POST":
        made = submitted(
            form,
            lambda data: transfer_services.request_transfer(
                origin=_origin(programme, data["origin"]),
                receiving_facility=get_object_or_404(
                    Facility, pk=data["receiving_facility"], programme=programme
                ),
                acuity=data["acuity"],
                requested=data["requested"],
                reference=data["reference"] or "",
                note=data["note"],
                user=request.user,
            ),
        )
        if made:
            messages.success(request, _("Transfer requested."))
            return redirect("operations:transfers", slug=slug)
    status = request.GET.get("status", "")
    shown = (
        Transfer.objects.filter(programme=programme)
        .select_related(
            "programme",
            "sending__region",
            "sending_facility__recipient",
            "receiving_facility__recipient__region",
        )
        .prefetch_related("events__by")
        .order_by("-number")
    )
    if status in Transfer.Status.values:
        shown = shown.filter(status=status)
    recipients = _recipients(programme)
    counted = [
        (p.pk, local_name(p.region))
        for p in recipients
        if permissions.can_for_facility(
            request.user, Action.RECORD_QUEUE, programme, None, region_id=p.region_id
        )
    ]
    rows = [
        (
            t,
            [
                name
                for name in transfer_services.MOVES
                if transfer_services.may_move(request.user, t, name)
            ],
        )
        for t in shown
    ]
    return render(
        request,
        "operations/transfers.html",
        {
            "programme": programme,
            "now": programme.now(),
            "rows": rows,
            "moves": {name: m.label for name, m in transfer_services.MOVES.items()},
            "statuses": Transfer.Status.choices,
            "status": status,
            "bed_labels": dict(BED_TYPE_CHOICES),
            "form": form,
            "may_request": bool(origins),
            "queue": transfer_queries.community_queue(programme),
            "queue_form": QueueForm(recipients=counted) if counted else None,
        },
        status=400 if form.is_bound else 200,
    )


@member_required
@require_POST
def move(request: HttpRequest, slug: str, number: int, name: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    transfer = get_object_or_404(Transfer, programme=programme, number=number)
    form = TransferMoveForm(request.POST)
    data = valid(form)
    with refusals_on(form):
        transfer_services.move(
            transfer=transfer,
            name=name,
            user=request.user,
            count=data["count"],
            reason=data["reason"],
        )
    messages.success(request, _("Transfer %(number)s updated.") % {"number": number})
    return redirect("operations:transfers", slug=slug)


@member_required
@require_POST
def count_queue(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = QueueForm(
        request.POST, recipients=[(p.pk, local_name(p.region)) for p in _recipients(programme)]
    )
    data = valid(form)
    with refusals_on(form):
        transfer_services.record_queue(
            recipient=get_object_or_404(Participant, pk=data["recipient"], programme=programme),
            acuity=data["acuity"],
            waiting=data["waiting"],
            user=request.user,
        )
    messages.success(request, _("Community queue recorded."))
    return redirect("operations:transfers", slug=slug)
