"""Teams and deployments (with rotations): register a team, plan its deployment, dispatch it,
confirm its arrival, end it. Each action checks the region-scoped permission and calls one
service."""

from typing import Any

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
from pairaid.errors import Forbidden, Problem, ValidationFailed
from pairaid.forms import refusals_on, submitted, valid
from pairaid.operations.forms import (
    Actor,
    DeployForm,
    MoveForm,
    TeamEditForm,
    TeamForm,
    choices,
)
from pairaid.operations.models import Deployment, Facility, Team
from pairaid.operations.queries import handover
from pairaid.operations.queries import teams as team_queries
from pairaid.operations.services import teams as team_services
from pairaid.programmes.models import Participant, Programme
from pairaid.web.editing import edit_page

STAFF_HEADINGS = list(
    zip(
        team_queries.STAFF_KINDS,
        [gettext_lazy("Staff deployed"), gettext_lazy("Staff on duty")],
        strict=True,
    )
)


@member_required
def teams(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = TeamForm(request.POST or None, actor=Actor(request.user, programme))
    if request.method == "POST":
        if not form.offered("donor"):
            raise Forbidden(_("Only donors' officers and coordinators register teams."))
        if submitted(form, _register_team):
            messages.success(request, _("Team registered."))
            return redirect("operations:teams", slug=programme.slug)
    return _teams_page(request, programme, form)


def _teams_page(
    request: HttpRequest,
    programme: Programme,
    form: TeamForm,
    refused: DeployForm | None = None,
) -> HttpResponse:
    """The teams page, with each form the user may fill: the registration and, for each of the
    user's teams, its deployment. A refused form is shown again with its input (400)."""
    actor = Actor(request.user, programme)
    donors = form.offered("donor")
    manageable = {p for p, _ in donors}
    team_rows = list(
        Team.objects.filter(programme=programme)
        .select_related("donor__region")
        .prefetch_related(
            "members__resource_type", "deployments__recipient__region", "deployments__facility"
        )
    )
    for team in team_rows:
        if team.donor_id in manageable:
            mine = refused is not None and refused.team.pk == team.pk
            team.deploy_form = refused if mine else DeployForm(actor=actor, team=team)  # type: ignore[attr-defined]
    refusal = form.is_bound or refused is not None
    return render(
        request,
        "operations/teams.html",
        {
            "programme": programme,
            "form": form,
            "refused": refused,
            "teams": team_rows,
            "by_pairing": team_queries.staff_by_pairing(programme, programme.current_date()),
            "staff_kinds": STAFF_HEADINGS,
            "left_behind": handover.flags_of(programme, handover.Kind.TEAM),
            "donors": donors,
            "manageable": manageable,
            "receivable": {
                p
                for p, _ in choices(
                    request.user, programme, Participant.Role.RECIPIENT, Action.CONFIRM_RECEIPT
                )
            },
            "facilities": Facility.objects.filter(programme=programme).select_related(
                "recipient__region"
            ),
        },
        status=400 if refusal else 200,
    )


def _register_team(data: dict[str, Any]) -> Team:
    return team_services.register_team(
        donor=data["donor"],
        name=data["name"],
        members=data["members"],
        emt_type=data["emt_type"],
        leader=data["leader"],
        home_institution=data["home_institution"],
    )


@member_required
@require_POST
def deploy(request: HttpRequest, slug: str, team_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    team = get_object_or_404(Team.objects.select_related("donor"), pk=team_id, programme=programme)
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
    actor = Actor(request.user, programme)
    form = DeployForm(request.POST, actor=actor, team=team)
    deployed = submitted(
        form,
        lambda data: team_services.deploy(
            team=team,
            recipient=data["recipient"],
            facility=data["facility"],
            start=data["start"],
            end=data["end"],
            replaces=data["replaces"],
            overlap_days=data["overlap_days"],
        ),
    )
    if not deployed:
        return _teams_page(request, programme, TeamForm(actor=actor), refused=form)
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
    form = MoveForm(request.POST)
    on = valid(form)["on"]
    with refusals_on(form):
        service(deployment=deployment, on=on)
    messages.success(request, _("Deployment updated."))
    return redirect("operations:teams", slug=slug)


@member_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, team_id: int) -> HttpResponse:
    """Correct a team's name, type, leader, institution or members (against the version the
    editor saw)."""
    programme = permissions.programme_for(request.user, slug)
    team = get_object_or_404(Team.objects.select_related("donor"), pk=team_id, programme=programme)
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
    form = TeamEditForm(request.POST or None, initial=TeamEditForm.initial_of(team))
    return edit_page(
        request,
        programme=programme,
        form=form,
        title=_("Edit team %(name)s") % {"name": team.name},
        back=reverse("operations:teams", args=[slug]),
        save=lambda data: team_services.edit_team(
            team=team,
            seen=data["version"],
            name=data["name"],
            members=data["members"],
            emt_type=data["emt_type"],
            leader=data["leader"],
            home_institution=data["home_institution"],
        ),
    )
