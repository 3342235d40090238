"""Facilities with the responsibility matrix, and their capacity snapshots."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.operations.models import Facility
from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.views.common import choices, day, programme_date, whole_number
from pairaid.programmes.models import Participant


@member_required
def facilities(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    recipients = choices(
        request.user, programme, Participant.Role.RECIPIENT, Action.MANAGE_FACILITIES
    )
    if request.method == "POST":
        recipient = get_object_or_404(
            Participant,
            pk=whole_number(request.POST.get("recipient", ""), "recipient") or 0,
            programme=programme,
        )
        permissions.check(request.user, Action.MANAGE_FACILITIES, programme, recipient.region_id)
        facility_services.register_facility(
            recipient=recipient,
            name=request.POST.get("name", "").strip(),
            kind=request.POST.get("kind") or Facility.Kind.HOSPITAL,
            beds=whole_number(request.POST.get("beds", ""), "beds"),
            icu_beds=whole_number(request.POST.get("icu_beds", ""), "icu_beds"),
        )
        messages.success(request, _("Facility registered."))
        return redirect("operations:facilities", slug=slug)
    on = programme_date(request, programme)
    return render(
        request,
        "operations/facilities.html",
        {
            "programme": programme,
            "on": on,
            "matrix": facility_queries.responsibility_matrix(programme, on),
            "recipients": recipients,
            "manageable": {p for p, _ in recipients},  # whose capacity the user records
            "kinds": Facility.Kind.choices,
        },
    )


@member_required
@require_POST
def snapshot(request: HttpRequest, slug: str, facility_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    facility = get_object_or_404(
        Facility.objects.select_related("recipient"), pk=facility_id, programme=programme
    )
    permissions.check(
        request.user, Action.MANAGE_FACILITIES, programme, facility.recipient.region_id
    )
    counts = {
        name: whole_number(request.POST.get(name, ""), name)
        for name in ("beds_available", "beds_occupied", "icu_available", "icu_occupied")
    }
    facility_services.record_snapshot(
        facility=facility, on=day(request.POST.get("date", ""), "date"), **counts
    )
    messages.success(request, _("Capacity recorded."))
    return redirect("operations:facilities", slug=slug)
