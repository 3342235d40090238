"""Teams and deployments: staff move through the ledger as teams (DESIGN.md §2): registered with
their professions, deployed to a recipient (a rotation names the deployment it replaces),
dispatched, confirmed on arrival and ended. Each use case is one transaction; history records
who and when."""

import datetime

from django.db import transaction
from django.utils.translation import gettext

from pairaid import edits
from pairaid.conversations import services as conversation_services
from pairaid.conversations.models import Event
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.common import is_personnel
from pairaid.operations.models import Deployment, Facility, Pledge, Team, TeamMember
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType
from pairaid.validation import created


@transaction.atomic
def register_team(
    *,
    donor: Participant,
    name: str,
    members: dict[ResourceType, int],
    emt_type: str = Team.EmtType.OTHER,
    leader: str = "",
    home_institution: str = "",
) -> Team:
    problems = []
    if donor.role != Participant.Role.DONOR:
        problems.append(
            Problem(
                gettext("%(donor)s is not a donor") % {"donor": local_name(donor.region)},
                column="donor",
            )
        )
    problems += _member_problems(members)
    if problems:
        raise ValidationFailed(problems)
    team = created(
        Team,
        programme=donor.programme,
        donor=donor,
        name=name,
        emt_type=emt_type,
        leader=leader,
        home_institution=home_institution,
    )
    for resource, count in members.items():
        created(TeamMember, team=team, resource_type=resource, count=count)
    return team


def _member_problems(members: dict[ResourceType, int]) -> list[Problem]:
    """What is wrong with a team's members: a resource that is not a profession, or nobody."""
    problems = [
        Problem(
            gettext("%(code)s is not a profession (personnel)") % {"code": resource.code},
            column="members",
        )
        for resource in members
        if not is_personnel(resource)
    ]
    if not members or sum(members.values()) <= 0:
        problems.append(Problem(gettext("a team needs members"), column="members"))
    return problems


def edit_team(
    *,
    team: Team,
    seen: int,
    name: str,
    members: dict[ResourceType, int],
    emt_type: str,
    leader: str,
    home_institution: str,
) -> Team:
    """Correct a team's name, type, leader, home institution or members, made from version
    `seen`: a changed member count is a change of the team (edits.save_edit)."""
    problems = _member_problems(members)
    if problems:
        raise ValidationFailed(problems)
    return edits.save_edit(
        team,
        seen=seen,
        changes={
            "name": name,
            "emt_type": emt_type,
            "leader": leader,
            "home_institution": home_institution,
        },
        parts=team_members_at,
        also=lambda saved: _set_members(saved, members),
    )


def team_members_at(team: Team, moment: datetime.datetime | None) -> dict[str, str]:
    """A team's members at a moment (now when None), as {profession: count}."""
    rows = edits.as_of(TeamMember, moment, team_id=team.pk)
    codes = dict(ResourceType.objects.values_list("pk", "code"))
    return {codes[row.resource_type_id]: str(row.count) for row in rows}


def _set_members(team: Team, members: dict[ResourceType, int]) -> None:
    """The team's members become `members`: counts changed, professions added and removed, each
    in the history."""
    kept = {member.resource_type_id: member for member in team.members.all()}
    for resource, count in members.items():
        member = kept.pop(resource.pk, None)
        if member is None:
            created(TeamMember, team=team, resource_type=resource, count=count)
        elif member.count != count:
            member.count = count
            member.save(update_fields=["count"])
    for gone in kept.values():
        gone.delete()


@transaction.atomic
def deploy(
    *,
    team: Team,
    recipient: Participant,
    facility: Facility | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    pledge: Pledge | None = None,
    replaces: Deployment | None = None,
    overlap_days: int = 0,
) -> Deployment:
    """Plan a team's deployment to a recipient (facility); a rotation names the one it replaces."""
    programme = team.programme
    problems = []
    if recipient.role != Participant.Role.RECIPIENT or recipient.programme_id != programme.pk:
        problems.append(
            Problem(
                gettext("%(recipient)s is not a recipient of this programme")
                % {"recipient": local_name(recipient.region)},
                column="recipient",
            )
        )
    if facility is not None and facility.recipient_id != recipient.pk:
        problems.append(
            Problem(
                gettext("%(facility)s is not in %(recipient)s")
                % {"facility": facility.name, "recipient": local_name(recipient.region)},
                column="facility",
            )
        )
    if pledge is not None and not is_personnel(pledge.line.resource_type):
        problems.append(
            Problem(
                gettext("a deployment fulfils a staff pledge, not a goods or funds one"),
                column="pledge",
            )
        )
    if replaces is not None and replaces.recipient_id != recipient.pk:
        problems.append(
            Problem(
                gettext("a rotation replaces a deployment at the same recipient"), column="replaces"
            )
        )
    # A donor rotates its own teams: naming another donor's deployment would end that donor's
    # team on arrival (found by a probe: Shandong ended Chongqing's ICU nurses in Xiaogan).
    if replaces is not None and replaces.team.donor_id != team.donor_id:
        problems.append(
            Problem(
                gettext("a rotation replaces a deployment of the same donor"), column="replaces"
            )
        )
    start = start or programme.current_date()
    if end is not None and end < start:
        problems.append(
            Problem(
                gettext("ends (%(end)s) before it starts (%(start)s)")
                % {"end": end, "start": start},
                column="end",
            )
        )
    busy = team.deployments.exclude(status__in=[Deployment.Status.ENDED])
    if replaces is not None:
        busy = busy.exclude(pk=replaces.pk)
    if busy.exists():
        problems.append(
            Problem(
                gettext("%(team)s is already deployed or planned elsewhere") % {"team": team.name},
                column="team",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    return Deployment.objects.create(
        team=team,
        recipient=recipient,
        facility=facility,
        pledge=pledge,
        planned_start=start,
        planned_end=end,
        replaces=replaces,
        overlap_days=overlap_days,
    )


def _move(
    deployment: Deployment, expected: str, target: str, date_field: str, on: datetime.date | None
) -> Deployment:
    deployment = (
        Deployment.objects.select_for_update()
        .select_related("team__programme")
        .get(pk=deployment.pk)
    )
    if deployment.status != expected:
        raise Conflict(
            gettext("a deployment that is %(status)s cannot become %(target)s")
            % {"status": deployment.status, "target": target}
        )
    deployment.status = target
    setattr(deployment, date_field, on or deployment.team.programme.current_date())
    deployment.save(update_fields=["status", date_field])
    return deployment


@transaction.atomic
def dispatch_team(*, deployment: Deployment, on: datetime.date | None = None) -> Deployment:
    """The team leaves: in transit."""
    return _move(
        deployment, Deployment.Status.PLANNED, Deployment.Status.DISPATCHED, "dispatched_on", on
    )


@transaction.atomic
def confirm_arrival(*, deployment: Deployment, on: datetime.date | None = None) -> Deployment:
    """The recipient confirms the team arrived: received, on duty. A rotation's predecessor is
    set to end after the overlap."""
    arrived = _move(
        deployment, Deployment.Status.DISPATCHED, Deployment.Status.ARRIVED, "arrived_on", on
    )
    previous = arrived.replaces
    if previous is not None and previous.status == Deployment.Status.ARRIVED:
        assert arrived.arrived_on is not None
        previous.planned_end = arrived.arrived_on + datetime.timedelta(days=arrived.overlap_days)
        previous.save(update_fields=["planned_end"])
    conversation_services.record(
        kind=Event.Kind.TEAM_ARRIVED,
        programme=arrived.recipient.programme,
        subject=arrived,
        args={"team": arrived.team.name, "region": arrived.recipient.region_id},
    )
    return arrived


@transaction.atomic
def end_deployment(*, deployment: Deployment, on: datetime.date | None = None) -> Deployment:
    return _move(deployment, Deployment.Status.ARRIVED, Deployment.Status.ENDED, "ended_on", on)
