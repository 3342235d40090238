"""Teams and deployments (with rotations): register a team, plan its deployment, dispatch it,
confirm its arrival, end it. Each action checks the region-scoped permission and calls one
service."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import Problem, ValidationFailed
from pairaid.operations.models import Deployment, Facility, Team
from pairaid.operations.services import teams as team_services
from pairaid.operations.views.common import choices, day, whole_number
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType


def parse_members(text: str) -> dict[ResourceType, int]:
    """`icu_nurse:30, icu_doctor:5` -> {resource: count}."""
    resources = {r.code: r for r in ResourceType.objects.filter(kind=ResourceType.Kind.PERSONNEL)}
    members: dict[ResourceType, int] = {}
    problems = []
    for part in (p.strip() for p in text.replace("\n", ",").split(",") if p.strip()):
        code, _, count = part.partition(":")
        if code.strip() not in resources or not count.strip().isdigit():
            problems.append(
                Problem(
                    f"expected PROFESSION:COUNT with a personnel code, got {part!r}",
                    column="members",
                )
            )
            continue
        members[resources[code.strip()]] = int(count)
    if problems:
        raise ValidationFailed(problems)
    return members


@member_required
def teams(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    if request.method == "POST":
        return _register_team(request, programme)
    donors = choices(request.user, programme, Participant.Role.DONOR, Action.MANAGE_TEAMS)
    team_rows = (
        Team.objects.filter(programme=programme)
        .select_related("donor__region")
        .prefetch_related(
            "members__resource_type", "deployments__recipient__region", "deployments__facility"
        )
    )
    return render(
        request,
        "operations/teams.html",
        {
            "programme": programme,
            "teams": team_rows,
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
            "facilities": Facility.objects.filter(programme=programme).select_related(
                "recipient__region"
            ),
            "emt_types": Team.EmtType.choices,
        },
    )


def _register_team(request: HttpRequest, programme: Programme) -> HttpResponse:
    donor = get_object_or_404(
        Participant,
        pk=whole_number(request.POST.get("donor", ""), "donor") or 0,
        programme=programme,
    )
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, donor.region_id)
    team_services.register_team(
        donor=donor,
        name=request.POST.get("name", "").strip(),
        members=parse_members(request.POST.get("members", "")),
        emt_type=request.POST.get("emt_type") or Team.EmtType.OTHER,
        leader=request.POST.get("leader", ""),
        home_institution=request.POST.get("home_institution", ""),
    )
    messages.success(request, _("Team registered."))
    return redirect("operations:teams", slug=programme.slug)


@member_required
@require_POST
def deploy(request: HttpRequest, slug: str, team_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    team = get_object_or_404(Team.objects.select_related("donor"), pk=team_id, programme=programme)
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
    recipient = get_object_or_404(
        Participant,
        pk=whole_number(request.POST.get("recipient", ""), "recipient") or 0,
        programme=programme,
    )
    facility_id = whole_number(request.POST.get("facility", ""), "facility")
    replaces_id = whole_number(request.POST.get("replaces", ""), "replaces")
    team_services.deploy(
        team=team,
        recipient=recipient,
        facility=Facility.objects.filter(pk=facility_id, programme=programme).first()
        if facility_id
        else None,
        start=day(request.POST.get("start", ""), "start"),
        end=day(request.POST.get("end", ""), "end"),
        replaces=Deployment.objects.filter(pk=replaces_id, team__programme=programme).first()
        if replaces_id
        else None,
        overlap_days=whole_number(request.POST.get("overlap_days", ""), "overlap_days") or 0,
    )
    messages.success(request, _("Deployment planned."))
    return redirect("operations:teams", slug=slug)


MOVES = {
    "dispatch": (team_services.dispatch_team, Action.MANAGE_TEAMS, Participant.Role.DONOR),
    "arrive": (team_services.confirm_arrival, Action.CONFIRM_RECEIPT, Participant.Role.RECIPIENT),
    "end": (team_services.end_deployment, Action.MANAGE_TEAMS, Participant.Role.DONOR),
}


@member_required
@require_POST
def move(request: HttpRequest, slug: str, deployment_id: int, step: str) -> HttpResponse:
    """dispatch (the donor), arrive (the recipient confirms), end (the donor)."""
    programme = permissions.programme_for(request.user, slug)
    deployment = get_object_or_404(
        Deployment.objects.select_related("team__donor", "recipient"),
        pk=deployment_id,
        team__programme=programme,
    )
    if step not in MOVES:
        raise ValidationFailed([Problem(f"unknown step {step!r}")])
    service, action, side = MOVES[step]
    region_id = (
        deployment.team.donor.region_id if side == "donor" else deployment.recipient.region_id
    )
    permissions.check(request.user, action, programme, region_id)
    service(deployment=deployment, on=day(request.POST.get("on", ""), "on"))
    messages.success(request, _("Deployment updated."))
    return redirect("operations:teams", slug=slug)
