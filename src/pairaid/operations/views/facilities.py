"""Facilities with the responsibility matrix, and their capacity snapshots."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.engine.staffing import (
    BINDINGS,
    DOCTORS,
    NURSES,
    OPEN_BEDS,
    UNKNOWN_OPEN_BEDS,
    VENTILATORS,
)
from pairaid.errors import Forbidden
from pairaid.forms import refusals_on, submitted, valid
from pairaid.operations.forms import Actor, FacilityEditForm, FacilityForm, SnapshotForm
from pairaid.operations.models import BED_TYPE_CHOICES, PROFESSION_CHOICES, Facility
from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.queries import handover, occupancy
from pairaid.operations.queries import staffing as staffing_queries
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.views.common import programme_date
from pairaid.programmes.models import Programme
from pairaid.registry.models import Region
from pairaid.web.editing import edit_page

# What binds a bed type's staffed beds, as the page says it. Built over the engine's list, so
# that a binding without a label fails at import.
_BINDING_TEXT = {
    OPEN_BEDS: gettext_lazy("open beds bind"),
    VENTILATORS: gettext_lazy("ventilators bind"),
    DOCTORS: gettext_lazy("doctors bind"),
    NURSES: gettext_lazy("nurses bind"),
    UNKNOWN_OPEN_BEDS: gettext_lazy("open beds unknown"),
}
BINDING_LABELS = {code: _BINDING_TEXT[code] for code in BINDINGS}


@member_required
def facilities(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = FacilityForm(request.POST or None, actor=Actor(request.user, programme))
    recipients = form.offered("recipient")
    if request.method == "POST":
        if not recipients:
            raise Forbidden(
                _("Only the recipient's officers and coordinators register facilities.")
            )
        registered = submitted(
            form,
            lambda data: facility_services.register_facility(
                recipient=data["recipient"],
                name=data["name"],
                kind=data["kind"],
                ventilators=data["ventilators"],
                beds=form.beds(),
                staff=form.staff(),
            ),
        )
        if registered:
            messages.success(request, _("Facility registered."))
            return redirect("operations:facilities", slug=slug)
    on = programme_date(request, programme)
    matrix = facility_queries.responsibility_matrix(programme, on)
    facilities_shown = [r.facility for r in matrix]
    staffing, pools = staffing_queries.staffing(programme, on, facilities_shown)
    deadline = facility_queries.programme_deadline(programme)
    return render(
        request,
        "operations/facilities.html",
        {
            "programme": programme,
            "on": on,
            "now": programme.now(),
            "bed_types": BED_TYPE_CHOICES,
            "bed_labels": dict(BED_TYPE_CHOICES),
            "matrix": matrix,
            "staffing": staffing,
            "pools": pools,
            "binding_labels": BINDING_LABELS,
            "profession_labels": dict(PROFESSION_CHOICES),
            "overdue_count": sum(r.overdue for r in matrix),
            "occupancy": {
                r.facility.pk: occupancy.by_bed_type(programme, r.beds_now) for r in matrix
            },
            "region_occupancy": _regions_under_load(programme, matrix),
            "deadline_text": deadline.strftime("%Y-%m-%d %H:%M"),
            "left_behind": handover.flags_of(programme, handover.Kind.FACILITY),
            "form": form,
            "recipients": recipients,
            "manageable": {p for p, _ in recipients},  # whose facilities the user edits
            "reportable": _reportable(request, programme, matrix),
        },
        status=400 if form.is_bound else 200,
    )


def _regions_under_load(
    programme: Programme, matrix: list[facility_queries.Responsibility]
) -> list[tuple[Region, occupancy.Coloured | None, transfer_queries.RegionQueue | None]]:
    """Each recipient region's occupancy (over the facilities shown) and the patients waiting
    in its community queues: how full its hospitals are and who waits outside them. Regions
    with facilities first, then those with only a queue."""
    facilities_shown = [r.facility for r in matrix]
    coloured = occupancy.by_region(
        programme, facilities_shown, {r.facility.pk: r.beds_now for r in matrix}
    )
    waiting = transfer_queries.queues_by_region(programme)
    regions = {f.recipient.region_id: f.recipient.region for f in facilities_shown}
    regions |= {region_id: q.region for region_id, q in waiting.items()}
    shown = [*coloured, *(region_id for region_id in waiting if region_id not in coloured)]
    return [
        (regions[region_id], coloured.get(region_id), waiting.get(region_id)) for region_id in shown
    ]


def _reportable(
    request: HttpRequest, programme: Programme, matrix: list[facility_queries.Responsibility]
) -> set[int]:
    """Ids of the facilities whose beds the user reports (the page offers them its form)."""
    standing = permissions.access(request.user, programme)
    return {
        r.facility.pk
        for r in matrix
        if standing.can(Action.REPORT_BEDS, r.facility.recipient.region_id, r.facility.pk)
    }


@member_required
@require_POST
def snapshot(request: HttpRequest, slug: str, facility_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    facility = get_object_or_404(
        Facility.objects.select_related("recipient"), pk=facility_id, programme=programme
    )
    permissions.check(
        request.user, Action.REPORT_BEDS, programme, facility.recipient.region_id, facility.pk
    )
    form = SnapshotForm(request.POST)
    valid(form)
    with refusals_on(form):
        facility_services.record_snapshot(facility=facility, beds=form.beds())
    messages.success(request, _("Capacity recorded."))
    return redirect("operations:facilities", slug=slug)


@member_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, facility_id: int) -> HttpResponse:
    """Correct a facility's name, kind, beds or own staff (against the version the editor saw)."""
    programme = permissions.programme_for(request.user, slug)
    facility = get_object_or_404(
        Facility.objects.select_related("recipient").prefetch_related("bed_counts", "own_staff"),
        pk=facility_id,
        programme=programme,
    )
    permissions.check(
        request.user, Action.MANAGE_FACILITIES, programme, facility.recipient.region_id
    )
    form = FacilityEditForm(request.POST or None, initial=FacilityEditForm.initial_of(facility))
    return edit_page(
        request,
        programme=programme,
        form=form,
        title=_("Edit facility %(name)s") % {"name": facility.name},
        back=reverse("operations:facilities", args=[slug]),
        save=lambda data: facility_services.edit_facility(
            facility=facility,
            seen=data["version"],
            name=data["name"],
            kind=data["kind"],
            ventilators=data["ventilators"],
            beds=form.beds(),
            staff=form.staff(),
        ),
    )
