"""Programmes and their participants with needs and capacities."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import api_fields, api_versions
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.programmes import queries as programme_queries
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import CapacityLine, Cluster, NeedLine, Participant, Programme
from pairaid.registry.models import Certainty, ResourceType, Source

router = Router(tags=["programmes"])


class ProgrammeOut(Schema):
    slug: str
    name_en: str
    name_zh: str
    kind: str
    status: str
    period_start: datetime.date
    period_end: datetime.date | None
    currency: str
    programme_date: datetime.date
    time_zone: str = Field(description="IANA name: programme time for reports and deadlines")
    # Text, not an OpenAPI "time": that format requires an offset, and the deadline is a time
    # of day in the programme's zone.
    report_deadline: str = Field(
        description="HH:MM in the programme's time zone: facilities report their beds by then"
    )
    occupancy_yellow_percent: int = Field(
        description="occupancy share (%) from which a facility or region shows yellow"
    )
    occupancy_red_percent: int = Field(
        description="occupancy share (%) from which a facility or region shows red"
    )
    escalate_after_hours: int = Field(
        description="an actionable event unacknowledged this long escalates to the coordinators"
    )
    gap_alert_percent: int | None = Field(
        description="a gap of at least this share (%) of its need alerts the coordinators"
    )
    max_donors_per_recipient: int | None
    max_recipients_per_donor: int | None
    min_contribution_share: Decimal | None


class ParticipantLineOut(Schema):
    id: int
    version: int
    resource_type: str
    quantity: Decimal
    as_of: datetime.date
    source: str
    certainty: str
    illustrative: bool


class ParticipantOut(Schema):
    id: int
    region: str
    region_name_en: str
    region_name_zh: str
    role: str
    capacities: list[ParticipantLineOut]
    needs: list[ParticipantLineOut]


class ParticipantLineIn(Schema):
    resource_type: Annotated[str, api_fields.text(ResourceType, "code")]
    quantity: Annotated[Decimal, api_fields.amount(CapacityLine, "quantity", positive=False)]
    as_of: datetime.date | None = None
    source: Annotated[str, api_fields.text(Source, "title")]
    certainty: Certainty = Certainty.VERIFIED


class ParticipantLineEdit(Schema):
    """A PATCH of a line: the fields given change, the others stay."""

    quantity: (
        Annotated[Decimal, api_fields.amount(CapacityLine, "quantity", positive=False)] | None
    ) = None
    as_of: datetime.date | None = None
    source: Annotated[str, api_fields.text(Source, "title")] | None = None
    certainty: Certainty | None = None


def _programme_out(programme: Programme) -> dict[str, object]:
    return {
        **{
            field: getattr(programme, field)
            for field in ProgrammeOut.model_fields
            if field not in ("programme_date", "report_deadline")
        },
        "programme_date": programme.current_date(),
        "report_deadline": programme.report_deadline.strftime("%H:%M"),
    }


def _line_out(line: CapacityLine | NeedLine) -> dict[str, object]:
    return {
        "id": line.pk,
        "version": line.version,
        "resource_type": line.resource_type.code,
        "quantity": line.quantity,
        "as_of": line.as_of,
        "source": line.source.key,
        "certainty": line.certainty,
        "illustrative": line.illustrative,
    }


def _participant_out(participant: Participant) -> dict[str, object]:
    return {
        "id": participant.pk,
        "region": participant.region.reference,
        "region_name_en": participant.region.name_en,
        "region_name_zh": participant.region.name_zh,
        "role": participant.role,
        "capacities": [_line_out(line) for line in participant.capacity_lines.all()],
        "needs": [_line_out(line) for line in participant.need_lines.all()],
    }


@router.get("/programmes", response=list[ProgrammeOut], summary="Programmes you can see")
@paginate(Pages, page_size=50)
def list_programmes(request: HttpRequest) -> list[dict[str, object]]:
    return [
        _programme_out(p) for p in permissions.visible_programmes(request.user).order_by("slug")
    ]


@router.get("/programmes/{slug}", response=ProgrammeOut)
def get_programme(request: HttpRequest, slug: str) -> dict[str, object]:
    return _programme_out(permissions.programme_for(request.user, slug))


def _participants(programme: Programme) -> QuerySet[Participant]:
    lines = ("resource_type", "source")
    return (
        programme.participants.select_related("region__parent")
        .prefetch_related(
            Prefetch(
                "capacity_lines",
                CapacityLine.objects.select_related(*lines).order_by(
                    "resource_type__code", "as_of"
                ),
            ),
            Prefetch(
                "need_lines",
                NeedLine.objects.select_related(*lines).order_by("resource_type__code", "as_of"),
            ),
        )
        .order_by("role", "region__code", "region__name_en")
    )


@router.get("/programmes/{slug}/participants", response=list[ParticipantOut])
@paginate(Pages, page_size=50)
def list_participants(request: HttpRequest, slug: str, role: str = "") -> list[dict[str, object]]:
    programme = permissions.programme_for(request.user, slug)
    found = _participants(programme)
    if role:
        found = found.filter(role=role)
    return [_participant_out(p) for p in found]


def _participant(programme: Programme, participant_id: int) -> Participant:
    found = _participants(programme).filter(pk=participant_id).first()
    if found is None:
        raise NotFound(f"no participant {participant_id} in {programme.slug}")
    return found


def _checked_kind(request: HttpRequest, programme: Programme, participant: Participant) -> str:
    """The kind of line a participant has (a donor's capacity, a recipient's need), once the
    user is found to be allowed to change it."""
    kind = "capacity" if participant.role == Participant.Role.DONOR else "need"
    action = Action.EDIT_CAPACITY if kind == "capacity" else Action.EDIT_NEED
    permissions.check(request.user, action, programme, participant.region_id)
    return kind


@router.get("/programmes/{slug}/participants/{participant_id}", response=ParticipantOut)
def get_participant(request: HttpRequest, slug: str, participant_id: int) -> dict[str, object]:
    programme = permissions.programme_for(request.user, slug)
    return _participant_out(_participant(programme, participant_id))


@router.post(
    "/programmes/{slug}/participants/{participant_id}/lines",
    response={201: ParticipantLineOut},
    summary="Add a capacity line (donor) or need line (recipient)",
)
def add_line(
    request: HttpRequest, slug: str, participant_id: int, payload: ParticipantLineIn
) -> Status:
    programme = permissions.programme_for(request.user, slug)
    participant = _participant(programme, participant_id)
    kind = _checked_kind(request, programme, participant)
    resource = ResourceType.objects.filter(code=payload.resource_type).first()
    if resource is None:
        raise ValidationFailed(
            [Problem(f"unknown resource type {payload.resource_type!r}", column="resource_type")]
        )
    line = programme_services.add_line(
        participant=participant,
        kind=kind,
        resource_type=resource,
        quantity=payload.quantity,
        as_of=payload.as_of,
        source_description=payload.source,
        username=request.user.get_username(),
        certainty=payload.certainty,
    )
    return Status(201, _line_out(line))


def _line(request: HttpRequest, slug: str, participant_id: int, line_id: int, *, edit: bool) -> Any:
    """A participant's line the user may see (and, to edit it, may edit)."""
    programme = permissions.programme_for(request.user, slug)
    participant = programme.participants.filter(pk=participant_id).select_related("region").first()
    if participant is None:
        raise NotFound(f"no participant {participant_id} in {slug}")
    kind = "capacity" if participant.role == Participant.Role.DONOR else "need"
    if edit:
        action = Action.EDIT_CAPACITY if kind == "capacity" else Action.EDIT_NEED
        permissions.check(request.user, action, programme, participant.region_id)
    return programme_services.line_of(participant=participant, kind=kind, line_id=line_id)


@router.get(
    "/programmes/{slug}/participants/{participant_id}/lines/{line_id}",
    response=ParticipantLineOut,
    summary="A capacity or need line, with its ETag (to edit it)",
)
def get_line(
    request: HttpRequest, slug: str, participant_id: int, line_id: int, response: HttpResponse
) -> dict[str, object]:
    line = _line(request, slug, participant_id, line_id, edit=False)
    api_versions.tagged(response, line)
    return _line_out(line)


@router.patch(
    "/programmes/{slug}/participants/{participant_id}/lines/{line_id}",
    response=ParticipantLineOut,
    summary="Correct a capacity or need line (If-Match: its ETag)",
)
def edit_line(
    request: HttpRequest,
    slug: str,
    participant_id: int,
    line_id: int,
    payload: ParticipantLineEdit,
    response: HttpResponse,
    if_match: api_versions.IfMatch = None,
) -> dict[str, object]:
    line = _line(request, slug, participant_id, line_id, edit=True)
    seen = api_versions.seen_version(if_match)
    edited = programme_services.edit_line(
        line=line,
        seen=seen,
        quantity=line.quantity if payload.quantity is None else payload.quantity,
        as_of=payload.as_of or line.as_of,
        certainty=payload.certainty or line.certainty,
        source_description=line.source.title if payload.source is None else payload.source,
        username=request.user.get_username(),
    )
    api_versions.tagged(response, edited)
    return _line_out(edited)


@router.delete(
    "/programmes/{slug}/participants/{participant_id}/lines/{line_id}",
    response={204: None},
    summary="Delete a capacity line (donor) or need line (recipient) (If-Match: its ETag)",
)
def delete_line(
    request: HttpRequest,
    slug: str,
    participant_id: int,
    line_id: int,
    if_match: api_versions.IfMatch = None,
) -> Status:
    programme = permissions.programme_for(request.user, slug)
    participant = _participant(programme, participant_id)
    kind = _checked_kind(request, programme, participant)
    # As an edit: no such line is 404 before a missing If-Match is 428.
    programme_services.line_of(participant=participant, kind=kind, line_id=line_id)
    programme_services.delete_line(
        participant=participant,
        kind=kind,
        line_id=line_id,
        seen=api_versions.seen_version(if_match),
    )
    return Status(204, None)


class ProgrammeDateIn(Schema):
    programme_date: datetime.date | None = Field(
        description="the date every business date defaults to; null: follow today"
    )


@router.post(
    "/programmes/{slug}/date",
    response=ProgrammeOut,
    summary="Set the programme date (coordinators)",
)
def set_programme_date(
    request: HttpRequest, slug: str, payload: ProgrammeDateIn
) -> dict[str, object]:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    programme_services.set_programme_date(programme=programme, date=payload.programme_date)
    return _programme_out(programme)


class ReportingIn(Schema):
    time_zone: Annotated[str, api_fields.text(Programme, "time_zone")] = Field(
        description="an IANA time zone name, e.g. Asia/Shanghai"
    )
    report_deadline: datetime.time = Field(
        description="the daily time, in that zone and without an offset, by which facilities"
        " report their beds"
    )


@router.post(
    "/programmes/{slug}/reporting",
    response=ProgrammeOut,
    summary="Set the programme's time zone and daily report deadline (coordinators)",
)
def set_reporting(request: HttpRequest, slug: str, payload: ReportingIn) -> dict[str, object]:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    programme_services.set_reporting(
        programme=programme, time_zone=payload.time_zone, report_deadline=payload.report_deadline
    )
    return _programme_out(programme)


class ThresholdsIn(Schema):
    # Bounds here too, so that no figure a database cannot hold reaches the service (which
    # says what is expected for the pages and the API alike).
    occupancy_yellow_percent: Annotated[StrictInt, api_fields.count()] = Field(
        description="whole %, 1-100, below red"
    )
    occupancy_red_percent: Annotated[StrictInt, api_fields.count()] = Field(
        description="whole %, 1-100"
    )


@router.post(
    "/programmes/{slug}/occupancy-thresholds",
    response=ProgrammeOut,
    summary="Set the occupancy shares from which facilities and regions show yellow and red "
    "(coordinators)",
)
def set_occupancy_thresholds(
    request: HttpRequest, slug: str, payload: ThresholdsIn
) -> dict[str, object]:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    programme_services.set_occupancy_thresholds(
        programme=programme,
        yellow_percent=payload.occupancy_yellow_percent,
        red_percent=payload.occupancy_red_percent,
    )
    return _programme_out(programme)


class AlertsIn(Schema):
    escalate_after_hours: Annotated[StrictInt, api_fields.count()] = Field(
        description="whole hours, 1-336"
    )
    gap_alert_percent: Annotated[StrictInt, api_fields.count()] | None = Field(
        None, description="whole %, 1-100; null: no gap alert"
    )


@router.post(
    "/programmes/{slug}/alerts",
    response=ProgrammeOut,
    summary="Set when coordinators are alerted: escalation delay, gap threshold (coordinators)",
)
def set_alerts(request: HttpRequest, slug: str, payload: AlertsIn) -> dict[str, object]:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    programme_services.set_alerts(
        programme=programme,
        escalate_after_hours=payload.escalate_after_hours,
        gap_alert_percent=payload.gap_alert_percent,
    )
    return _programme_out(programme)


class ClusterOut(Schema):
    id: int
    name: str
    recipients: list[str] = Field(description="the member recipients' regions, by reference")


class ClusterIn(Schema):
    name: Annotated[str, api_fields.text(Cluster, "name")]
    recipients: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list,
        max_length=1000,
        description="recipients' regions by reference; a region is in at most one cluster",
    )


def _cluster_out(cluster: Cluster) -> dict[str, object]:
    return {
        "id": cluster.pk,
        "name": cluster.name,
        "recipients": sorted(m.recipient.region.reference for m in cluster.members.all()),
    }


def _cluster(programme: Programme, cluster_id: int) -> Cluster:
    found = programme.clusters.filter(pk=cluster_id).first()
    if found is None:
        raise NotFound(
            gettext("no cluster %(id)s in %(slug)s") % {"id": cluster_id, "slug": programme.slug}
        )
    return found


@router.get(
    "/programmes/{slug}/clusters",
    response=list[ClusterOut],
    summary="The programme's clusters of recipients (escalation tier 3)",
)
def list_clusters(request: HttpRequest, slug: str) -> list[dict[str, object]]:
    programme = permissions.programme_for(request.user, slug)
    return [_cluster_out(c) for c in programme_queries.clusters(programme)]


@router.post(
    "/programmes/{slug}/clusters",
    response={201: ClusterOut},
    summary="Define a cluster of recipients (coordinators)",
)
def create_cluster(request: HttpRequest, slug: str, payload: ClusterIn) -> Status:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    made = programme_services.create_cluster(
        programme=programme,
        name=payload.name,
        recipients=programme_queries.recipients(programme, payload.recipients, field="recipients"),
    )
    return Status(201, _cluster_out(made))


@router.put(
    "/programmes/{slug}/clusters/{cluster_id}",
    response=ClusterOut,
    summary="Rename a cluster and set its recipients (coordinators)",
)
def edit_cluster(
    request: HttpRequest, slug: str, cluster_id: int, payload: ClusterIn
) -> dict[str, object]:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    edited = programme_services.edit_cluster(
        cluster=_cluster(programme, cluster_id),
        name=payload.name,
        recipients=programme_queries.recipients(programme, payload.recipients, field="recipients"),
    )
    return _cluster_out(edited)


@router.delete(
    "/programmes/{slug}/clusters/{cluster_id}",
    response={204: None},
    summary="Remove a cluster (coordinators)",
)
def delete_cluster(request: HttpRequest, slug: str, cluster_id: int) -> Status:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    programme_services.delete_cluster(cluster=_cluster(programme, cluster_id))
    return Status(204, None)
