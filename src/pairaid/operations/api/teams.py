"""Teams and their deployments: register, plan, dispatch, confirm the arrival, end."""

import datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import api_fields, api_versions
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import NotFound
from pairaid.operations.api.common import PAGE_SIZE, Rows, operation_id, participant, resource
from pairaid.operations.models import Deployment, Facility, Pledge, Team
from pairaid.operations.services import teams as team_services
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType

router = Router(tags=["operations"])


class TeamIn(Schema):
    donor: str
    name: Annotated[str, api_fields.text(Team, "name")]
    members: dict[
        Annotated[str, api_fields.text(ResourceType, "code")],
        Annotated[StrictInt, api_fields.count(least=1)],
    ]
    emt_type: Team.EmtType = Team.EmtType.OTHER
    leader: Annotated[str, api_fields.text(Team, "leader")] = ""
    home_institution: Annotated[str, api_fields.text(Team, "home_institution")] = ""


class DeploymentIn(Schema):
    recipient: str
    facility: Annotated[StrictInt, api_fields.identifier()] | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    pledge: Annotated[StrictInt, api_fields.identifier()] | None = None
    replaces: Annotated[StrictInt, api_fields.identifier()] | None = None
    overlap_days: Annotated[StrictInt, api_fields.count()] = 0


class DeploymentOut(Schema):
    id: int
    team: str
    recipient: str
    status: str
    planned_start: datetime.date
    arrived_on: datetime.date | None
    ended_on: datetime.date | None


class TeamDeploymentOut(DeploymentOut):
    facility: int | None
    planned_end: datetime.date | None
    dispatched_on: datetime.date | None
    replaces: int | None


class TeamOut(Schema):
    id: int
    version: int
    donor: str
    name: str
    emt_type: str
    leader: str
    home_institution: str
    size: int
    members: dict[str, int]
    illustrative: bool
    deployments: list[TeamDeploymentOut]


def _deployment_out(d: Deployment) -> dict[str, Any]:
    return {
        "id": d.pk,
        "team": d.team.name,
        "recipient": d.recipient.region.reference,
        "status": d.status,
        "planned_start": d.planned_start,
        "arrived_on": d.arrived_on,
        "ended_on": d.ended_on,
    }


def _team_out(team: Team) -> dict[str, Any]:
    members = list(team.members.all())
    return {
        "id": team.pk,
        "version": team.version,
        "donor": team.donor.region.reference,
        "name": team.name,
        "emt_type": team.emt_type,
        "leader": team.leader,
        "home_institution": team.home_institution,
        "size": team.size,
        "members": {m.resource_type.code: m.count for m in members},
        "illustrative": team.illustrative,
        "deployments": [
            {
                **_deployment_out(d),
                "facility": d.facility_id,
                "planned_end": d.planned_end,
                "dispatched_on": d.dispatched_on,
                "replaces": d.replaces_id,
            }
            for d in team.deployments.all()
        ],
    }


def _teams(programme: Programme) -> QuerySet[Team]:
    return (
        Team.objects.filter(programme=programme)
        .select_related("donor__region__parent")
        .prefetch_related("members__resource_type", "deployments__recipient__region__parent")
    )


@router.get(
    "/programmes/{slug}/teams",
    response=list[TeamOut],
    summary="Teams with their members and deployments (filter: donor)",
    operation_id=operation_id("list_teams"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_teams(request: HttpRequest, slug: str, donor: str | None = None) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = _teams(programme)
    if donor:
        found = found.filter(donor=participant(programme, donor, Participant.Role.DONOR))
    # The teams page's order (the model's: donor, name).
    return Rows(found.order_by("donor", "name", "pk"), _team_out)


@router.post(
    "/programmes/{slug}/teams",
    response={201: dict[str, Any]},
    summary="Register a team",
    operation_id=operation_id("register_team"),
)
def register_team(request: HttpRequest, slug: str, payload: TeamIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    donor = participant(programme, payload.donor, Participant.Role.DONOR)
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, donor.region_id)
    team = team_services.register_team(
        donor=donor,
        name=payload.name,
        members={resource(code): count for code, count in payload.members.items()},
        emt_type=payload.emt_type,
        leader=payload.leader,
        home_institution=payload.home_institution,
    )
    return Status(201, {"id": team.pk, "name": team.name, "size": team.size})


@router.post(
    "/programmes/{slug}/teams/{team_id}/deployments",
    response={201: DeploymentOut},
    summary="Plan a deployment",
    operation_id=operation_id("deploy"),
)
def deploy(request: HttpRequest, slug: str, team_id: int, payload: DeploymentIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    team = Team.objects.filter(pk=team_id, programme=programme).select_related("donor").first()
    if team is None:
        raise NotFound(f"no team {team_id} in {slug}")
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
    deployment = team_services.deploy(
        team=team,
        recipient=participant(programme, payload.recipient, Participant.Role.RECIPIENT),
        facility=Facility.objects.filter(programme=programme, pk=payload.facility).first()
        if payload.facility
        else None,
        start=payload.start,
        end=payload.end,
        pledge=Pledge.objects.filter(pk=payload.pledge, donor=team.donor).first()
        if payload.pledge
        else None,
        replaces=Deployment.objects.filter(pk=payload.replaces, team__programme=programme).first()
        if payload.replaces
        else None,
        overlap_days=payload.overlap_days,
    )
    return Status(201, _deployment_out(deployment))


STEPS = {
    "dispatch": (team_services.dispatch_team, Action.MANAGE_TEAMS, Participant.Role.DONOR),
    "arrival": (team_services.confirm_arrival, Action.CONFIRM_RECEIPT, Participant.Role.RECIPIENT),
    "end": (team_services.end_deployment, Action.MANAGE_TEAMS, Participant.Role.DONOR),
}


@router.post(
    "/programmes/{slug}/deployments/{deployment_id}/{step}",
    response=DeploymentOut,
    summary="dispatch, arrival (recipient) or end",
    operation_id=operation_id("move"),
)
def move(request: HttpRequest, slug: str, deployment_id: int, step: str) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    deployment = (
        Deployment.objects.filter(pk=deployment_id, team__programme=programme)
        .select_related("team__donor", "recipient__region__parent")
        .first()
    )
    if deployment is None or step not in STEPS:
        raise NotFound(f"no deployment {deployment_id} step {step!r} in {slug}")
    service, action, side = STEPS[step]
    region_id = (
        deployment.team.donor.region_id if side == "donor" else deployment.recipient.region_id
    )
    permissions.check(request.user, action, programme, region_id)
    return _deployment_out(service(deployment=deployment))


class TeamEdit(Schema):
    """A PATCH of a team: the fields given change, the others stay; `members`, when given, is
    the whole team."""

    name: Annotated[str, api_fields.text(Team, "name")] | None = None
    members: (
        dict[
            Annotated[str, api_fields.text(ResourceType, "code")],
            Annotated[StrictInt, api_fields.count(least=1)],
        ]
        | None
    ) = None
    emt_type: Team.EmtType | None = None
    leader: Annotated[str, api_fields.text(Team, "leader")] | None = None
    home_institution: Annotated[str, api_fields.text(Team, "home_institution")] | None = None


def _team(programme: Programme, team_id: int) -> Team:
    found = _teams(programme).filter(pk=team_id).first()
    if found is None:
        raise NotFound(f"no team {team_id} in {programme.slug}")
    return found


@router.get(
    "/programmes/{slug}/teams/{team_id}",
    response=TeamOut,
    summary="A team with its members and deployments, with its ETag (to edit it)",
    operation_id=operation_id("get_team"),
)
def get_team(request: HttpRequest, slug: str, team_id: int, response: HttpResponse) -> Any:
    programme = permissions.programme_for(request.user, slug)
    found = _team(programme, team_id)
    api_versions.tagged(response, found)
    return _team_out(found)


@router.patch(
    "/programmes/{slug}/teams/{team_id}",
    response=TeamOut,
    summary="Correct a team's name, type, leader, institution or members (If-Match: its ETag)",
    operation_id=operation_id("edit_team"),
)
def edit_team(
    request: HttpRequest,
    slug: str,
    team_id: int,
    payload: TeamEdit,
    response: HttpResponse,
    if_match: api_versions.IfMatch = None,
) -> Any:
    programme = permissions.programme_for(request.user, slug)
    found = _team(programme, team_id)
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, found.donor.region_id)
    seen = api_versions.seen_version(if_match)
    members = (
        {m.resource_type: m.count for m in found.members.all()}
        if payload.members is None
        else {resource(code): count for code, count in payload.members.items()}
    )
    edited = team_services.edit_team(
        team=found,
        seen=seen,
        name=found.name if payload.name is None else payload.name,
        members=members,
        emt_type=payload.emt_type or found.emt_type,
        leader=found.leader if payload.leader is None else payload.leader,
        home_institution=(
            found.home_institution if payload.home_institution is None else payload.home_institution
        ),
    )
    api_versions.tagged(response, edited)
    return _team_out(_team(programme, edited.pk))
