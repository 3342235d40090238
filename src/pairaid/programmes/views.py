"""Participant pages: lists, a participant's dated lines, and forms to add or remove lines; the
programme's settings page (programme time, reporting deadline, occupancy thresholds, clusters)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.edits import EditConflict
from pairaid.forms import query, submitted, valid
from pairaid.programmes import queries as programme_queries
from pairaid.programmes import services as programme_services
from pairaid.programmes import xlsx
from pairaid.programmes.forms import (
    AlertsForm,
    ClusterForm,
    LineDeleteForm,
    LineEditForm,
    LineForm,
    ParticipantsQuery,
    ProgrammeDateForm,
    ReportingForm,
    ThresholdsForm,
)
from pairaid.programmes.models import Cluster, Participant, Programme
from pairaid.uploads import handle_upload
from pairaid.web.editing import edit_page

EDIT_ACTION = {"capacity": Action.EDIT_CAPACITY, "need": Action.EDIT_NEED}


@member_required
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    rows = programme.participants.select_related("region__parent").order_by(
        "role", "region__code", "region__name_en"
    )
    asked = query(request, ParticipantsQuery)
    role = asked["role"] or ""
    if role:
        rows = rows.filter(role=role)
    page = Paginator(rows, 100).get_page(asked["page"])
    can_upload = permissions.access(request.user, programme).may_write
    return render(
        request,
        "programmes/participants.html",
        {"programme": programme, "participants": page, "can_upload": can_upload, "role": role},
    )


def _kind(participant: Participant) -> str:
    return "capacity" if participant.role == Participant.Role.DONOR else "need"


def _participant(programme: Programme, pk: int) -> Participant:
    return get_object_or_404(
        Participant.objects.select_related("region__parent", "programme"),
        programme=programme,
        pk=pk,
    )


@member_required
@require_http_methods(["GET", "POST"])
def participant(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    member = _participant(programme, pk)
    kind = _kind(member)
    can_edit = permissions.can(request.user, EDIT_ACTION[kind], programme, member.region_id)
    form = LineForm(request.POST or None)
    if request.method == "POST":
        permissions.check(request.user, EDIT_ACTION[kind], programme, member.region_id)
        if _add_line(request, member, form):
            messages.success(request, _("Saved."))
            return redirect("programmes:participant", slug=slug, pk=pk)
    lines = (
        (member.capacity_lines if kind == "capacity" else member.need_lines)
        .select_related("resource_type", "source")
        .order_by("resource_type__code", "-as_of")
    )
    # In force at the programme date: a plan run's proposals belong to the run's page.
    pairings = (
        (member.as_donor if kind == "capacity" else member.as_recipient)
        .in_force(programme.current_date())
        .select_related("donor__region", "recipient__region")
    )
    return render(
        request,
        "programmes/participant.html",
        {
            "programme": programme,
            "participant": member,
            "kind": kind,
            "lines": lines,
            "pairings": pairings,
            "form": form,
            "can_edit": can_edit,
        },
        status=400 if request.method == "POST" else 200,
    )


def _add_line(request: HttpRequest, member: Participant, form: LineForm) -> bool:
    """Add the line the form describes; where the form or the service refuses it, the form says
    why beside each field, with the input kept."""
    return submitted(
        form,
        lambda data: programme_services.add_line(
            participant=member,
            kind=_kind(member),
            resource_type=data["resource_type"],
            quantity=data["quantity"],
            as_of=data["as_of"],
            source_description=data["source"],
            username=request.user.get_username(),
            certainty=data["certainty"],
        ),
    )


@member_required
@require_POST
def delete_line(request: HttpRequest, slug: str, pk: int, line_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    member = _participant(programme, pk)
    kind = _kind(member)
    permissions.check(request.user, EDIT_ACTION[kind], programme, member.region_id)
    seen = valid(LineDeleteForm(request.POST))["version"]
    try:
        programme_services.delete_line(participant=member, kind=kind, line_id=line_id, seen=seen)
    except EditConflict as refused:
        # The list shows the line as it is now: the editor decides again from there.
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Deleted."))
    return redirect("programmes:participant", slug=slug, pk=pk)


@member_required
@require_http_methods(["GET", "POST"])
def edit_line(request: HttpRequest, slug: str, pk: int, line_id: int) -> HttpResponse:
    """Correct a line's quantity, date, certainty or source (against the version the editor
    saw)."""
    programme = permissions.programme_for(request.user, slug)
    member = _participant(programme, pk)
    kind = _kind(member)
    permissions.check(request.user, EDIT_ACTION[kind], programme, member.region_id)
    line = programme_services.line_of(participant=member, kind=kind, line_id=line_id)
    form = LineEditForm(request.POST or None, initial=LineEditForm.initial_of(line))
    return edit_page(
        request,
        programme=programme,
        form=form,
        title=_("Edit %(resource)s as of %(date)s")
        % {"resource": line.resource_type.code, "date": line.as_of.isoformat()},
        back=reverse("programmes:participant", args=[slug, pk]),
        save=lambda data: programme_services.edit_line(
            line=line,
            seen=data["version"],
            quantity=data["quantity"],
            as_of=data["as_of"],
            certainty=data["certainty"],
            source_description=data["source"],
            username=request.user.get_username(),
        ),
    )


@member_required
@require_POST
def set_date(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    form = ProgrammeDateForm(request.POST)
    if form.is_valid():
        programme_services.set_programme_date(
            programme=programme, date=form.cleaned_data["programme_date"]
        )
        messages.success(request, _("Programme date set."))
    else:
        messages.error(request, _("Expected a date as YYYY-MM-DD."))
    return redirect("dashboard:overview", slug=slug)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@member_required
def lines_template(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    response = HttpResponse(xlsx.template(programme, request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slug}-needs-and-capacities.xlsx"'
    return response


@member_required
@require_POST
def lines_upload(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    return handle_upload(
        request,
        programme,
        apply=lambda data, name: xlsx.upload(
            programme=programme, user=request.user, data=data, filename=name
        ),
        done=lambda count: _("%(count)s lines saved.") % {"count": count},
        back="programmes:participants",
    )


@member_required
@require_http_methods(["GET", "POST"])
def programme_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's settings: programme time and the reporting deadline, the occupancy
    thresholds and the clusters. Every member reads them; coordinators change them."""
    programme = permissions.programme_for(request.user, slug)
    if request.method == "GET":
        return _settings_page(request, programme)
    permissions.check(request.user, Action.SET_PROGRAMME_DATE, programme)
    part = request.POST.get("part", "")
    if part == "reporting":
        form: forms.Form = ReportingForm(request.POST)
        done = submitted(
            form,
            lambda data: programme_services.set_reporting(
                programme=programme,
                time_zone=data["time_zone"],
                report_deadline=data["report_deadline"],
            ),
        )
    elif part == "thresholds":
        form = ThresholdsForm(request.POST)
        done = submitted(
            form,
            lambda data: programme_services.set_occupancy_thresholds(
                programme=programme,
                yellow_percent=data["occupancy_yellow_percent"],
                red_percent=data["occupancy_red_percent"],
            ),
        )
    elif part == "alerts":
        form = AlertsForm(request.POST)
        done = submitted(
            form,
            lambda data: programme_services.set_alerts(
                programme=programme,
                escalate_after_hours=data["escalate_after_hours"],
                gap_alert_percent=data["gap_alert_percent"],
            ),
        )
    elif part == "cluster":
        form = ClusterForm(request.POST, programme=programme, prefix="new")
        done = submitted(
            form,
            lambda data: programme_services.create_cluster(
                programme=programme,
                name=data["name"],
                recipients=programme_queries.recipients(
                    programme, data["recipients"], field="recipients"
                ),
            ),
        )
    else:
        return _settings_page(request, programme, status=400)
    if done:
        messages.success(request, _("Settings saved."))
        return redirect("programmes:settings", slug=slug)
    return _settings_page(request, programme, {part: form}, status=400)


@member_required
@require_POST
def cluster(request: HttpRequest, slug: str, cluster_id: int) -> HttpResponse:
    """Rename a cluster and set its recipients, or remove it (coordinators)."""
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    found = get_object_or_404(Cluster, pk=cluster_id, programme=programme)
    if "delete" in request.POST:
        programme_services.delete_cluster(cluster=found)
        messages.success(request, _("Cluster removed."))
        return redirect("programmes:settings", slug=slug)
    form = ClusterForm(request.POST, programme=programme, prefix=f"cluster-{found.pk}")
    if submitted(
        form,
        lambda data: programme_services.edit_cluster(
            cluster=found,
            name=data["name"],
            recipients=programme_queries.recipients(
                programme, data["recipients"], field="recipients"
            ),
        ),
    ):
        messages.success(request, _("Settings saved."))
        return redirect("programmes:settings", slug=slug)
    return _settings_page(request, programme, {f"cluster-{found.pk}": form}, status=400)


def _settings_page(
    request: HttpRequest,
    programme: Programme,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The settings page, with the forms shown filled from the programme, but a form just
    refused shown as sent, beside its reasons."""
    bound = bound or {}
    clusters = list(programme_queries.clusters(programme))
    return render(
        request,
        "programmes/settings.html",
        {
            "programme": programme,
            "may_change": permissions.can(request.user, Action.SET_PROGRAMME_DATE, programme),
            "reporting": bound.get("reporting")
            or ReportingForm(
                initial={
                    "time_zone": programme.time_zone,
                    "report_deadline": programme.report_deadline.strftime("%H:%M"),
                }
            ),
            "thresholds": bound.get("thresholds")
            or ThresholdsForm(
                initial={
                    "occupancy_yellow_percent": programme.occupancy_yellow_percent,
                    "occupancy_red_percent": programme.occupancy_red_percent,
                }
            ),
            "alerts": bound.get("alerts")
            or AlertsForm(
                initial={
                    "escalate_after_hours": programme.escalate_after_hours,
                    "gap_alert_percent": programme.gap_alert_percent,
                }
            ),
            "new_cluster": bound.get("cluster") or ClusterForm(programme=programme, prefix="new"),
            "clusters": [
                (
                    c,
                    bound.get(f"cluster-{c.pk}")
                    or ClusterForm(
                        programme=programme,
                        prefix=f"cluster-{c.pk}",
                        initial={
                            "name": c.name,
                            "recipients": [
                                m.recipient.region.as_reference().short for m in c.members.all()
                            ],
                        },
                    ),
                )
                for c in clusters
            ],
        },
        status=status,
    )
