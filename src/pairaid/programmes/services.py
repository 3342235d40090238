"""Use cases on programmes, participants and their dated lines."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext

from pairaid import edits
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.programmes.asof import AsOf, pick_as_of
from pairaid.programmes.models import (
    CapacityLine,
    Cluster,
    ClusterMember,
    NeedLine,
    Participant,
    Programme,
    phase_link_problems,
    validate_time_zone,
)
from pairaid.refusals import ZERO_OR_MORE, whole
from pairaid.registry.models import IndicatorType, Region, RegionalIndicator, ResourceType, Source


def get_programme(*, slug: str) -> Programme:
    try:
        return Programme.objects.get(slug=slug)
    except Programme.DoesNotExist:
        known = ", ".join(Programme.objects.values_list("slug", flat=True)) or "none loaded"
        raise NotFound(
            gettext("no programme %(slug)s (known: %(known)s)")
            % {"slug": repr(slug), "known": known}
        ) from None


@dataclass(frozen=True)
class Summary:
    """A programme with its counts, as the list of programmes shows it."""

    programme: Programme
    donors: int  # the programme's own level: not those only in child pairings
    recipients: int
    pairings: int  # in force at the programme's date


def summaries(
    programmes: QuerySet[Programme],
    participant_counts: Callable[[int], Mapping[tuple[str, bool], int]],
) -> list[Summary]:
    """These programmes with their own level's donors and recipients, as `participant_counts`
    (`pairing.levels`, which knows the child level) gives them, and the pairings in force at
    each one's date (one query each: the dates differ)."""
    found = []
    for p in programmes:
        counts = participant_counts(p.pk)
        found.append(
            Summary(
                programme=p,
                donors=counts[Participant.Role.DONOR, False],
                recipients=counts[Participant.Role.RECIPIENT, False],
                pairings=p.pairings.in_force(p.current_date()).count(),
            )
        )
    return found


def next_number(*, programme: Programme, numbered: QuerySet[Any]) -> int:
    """The next number of a programme's requests, plan runs or notices (one more than the
    highest). Called inside the use case's transaction: the programme's row stays locked until
    it ends, so two taken at once never get the same number (PostgreSQL; SQLite has one writer
    at a time)."""
    Programme.objects.select_for_update().only("pk").get(pk=programme.pk)
    highest: int | None = numbered.aggregate(top=Max("number"))["top"]
    return (highest or 0) + 1


@transaction.atomic
def set_programme_date(*, programme: Programme, date: datetime.date | None) -> Programme:
    """Set the programme date that every business date defaults to (None: follow today)."""
    if date is not None and date < programme.period_start - datetime.timedelta(days=366):
        raise ValidationFailed(
            [
                Problem(
                    gettext(
                        "programme date %(date)s is more than a year before the programme starts "
                        "(%(period_start)s)"
                    )
                    % {"date": date, "period_start": programme.period_start},
                    column="programme_date",
                )
            ]
        )
    programme.programme_date = date
    programme.save(update_fields=["programme_date"])
    return programme


@transaction.atomic
def set_reporting(
    *, programme: Programme, time_zone: str, report_deadline: datetime.time
) -> Programme:
    """Set the time zone of programme time and the daily deadline for facilities' reports."""
    problems = []
    try:
        validate_time_zone(time_zone)
    except DjangoValidationError as error:
        problems.append(Problem(" ".join(error.messages), column="time_zone"))
    if report_deadline.tzinfo is not None:  # a time of day in the programme's own zone
        problems.append(
            Problem(gettext("give the time without an offset"), column="report_deadline")
        )
    if problems:
        raise ValidationFailed(problems)
    programme.time_zone, programme.report_deadline = time_zone, report_deadline
    programme.save(update_fields=["time_zone", "report_deadline"])
    return programme


@transaction.atomic
def set_previous_phase(
    *, programme: Programme, previous: Programme | None, source_key: str = ""
) -> Programme:
    """Link the programme to the phase it took over from, citing the source that says so; None
    unlinks it. Refused, with the reasons, where the link breaks a rule of
    `phase_link_problems`."""
    source = Source.objects.filter(key=source_key).first() if previous and source_key else None
    if previous is not None and source_key and source is None:
        raise ValidationFailed(
            [
                Problem(
                    gettext("no source with the key %(key)s") % {"key": repr(source_key)},
                    column="source",
                )
            ]
        )
    problems = phase_link_problems(programme, previous, source)
    if problems:
        raise ValidationFailed([Problem(text, column="follows") for text in problems])
    programme.follows, programme.follows_source = previous, source
    programme.save(update_fields=["follows", "follows_source"])
    return programme


def _percent_problem(column: str, value: int) -> Problem | None:
    """A setting's share in whole % from 1 to 100, or the problem with it."""
    if 1 <= value <= 100:
        return None
    return Problem(
        gettext("expected a whole percentage from 1 to 100, got %(value)s") % {"value": value},
        column=column,
    )


@transaction.atomic
def set_occupancy_thresholds(
    *, programme: Programme, yellow_percent: int, red_percent: int
) -> Programme:
    """Set the occupancy shares (in %) from which facilities and regions show yellow and red."""
    problems = [
        problem
        for column, value in (
            ("occupancy_yellow_percent", yellow_percent),
            ("occupancy_red_percent", red_percent),
        )
        if (problem := _percent_problem(column, value))
    ]
    if not problems and yellow_percent >= red_percent:
        problems.append(
            Problem(
                gettext("yellow must start below red (%(yellow)s %% is not below %(red)s %%)")
                % {"yellow": yellow_percent, "red": red_percent},
                column="occupancy_yellow_percent",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    programme.occupancy_yellow_percent = yellow_percent
    programme.occupancy_red_percent = red_percent
    programme.save(update_fields=["occupancy_yellow_percent", "occupancy_red_percent"])
    return programme


@transaction.atomic
def set_alerts(
    *, programme: Programme, escalate_after_hours: int, gap_alert_percent: int | None
) -> Programme:
    """Set when the coordinators are alerted: an actionable event unacknowledged for this many
    hours, a gap of at least this share of its need (None: no gap alert)."""
    problems = []
    if not 1 <= escalate_after_hours <= 24 * 14:
        problems.append(
            Problem(
                gettext("expected whole hours from 1 to 336 (two weeks), got %(value)s")
                % {"value": escalate_after_hours},
                column="escalate_after_hours",
            )
        )
    if gap_alert_percent is not None and (
        problem := _percent_problem("gap_alert_percent", gap_alert_percent)
    ):
        problems.append(problem)
    if problems:
        raise ValidationFailed(problems)
    programme.escalate_after_hours = escalate_after_hours
    programme.gap_alert_percent = gap_alert_percent
    programme.save(update_fields=["escalate_after_hours", "gap_alert_percent"])
    return programme


@transaction.atomic
def create_cluster(
    *, programme: Programme, name: str, recipients: Sequence[Participant]
) -> Cluster:
    """Define a cluster of the programme's recipients (escalation's tier 3)."""
    _check_cluster(programme, None, name, recipients)
    cluster = Cluster.objects.create(programme=programme, name=name.strip())
    _set_members(cluster, recipients)
    return cluster


@transaction.atomic
def edit_cluster(*, cluster: Cluster, name: str, recipients: Sequence[Participant]) -> Cluster:
    """Rename a cluster and set its members (those left out leave it)."""
    _check_cluster(cluster.programme, cluster, name, recipients)
    cluster.name = name.strip()
    cluster.save(update_fields=["name"])
    _set_members(cluster, recipients)
    return cluster


@transaction.atomic
def delete_cluster(*, cluster: Cluster) -> None:
    """Remove a cluster; its recipients escalate from their parent region to the programme."""
    cluster.delete()


def _check_cluster(
    programme: Programme,
    cluster: Cluster | None,
    name: str,
    recipients: Sequence[Participant],
) -> None:
    problems = []
    name = name.strip()
    namesakes = programme.clusters.filter(name=name)
    if cluster is not None:
        namesakes = namesakes.exclude(pk=cluster.pk)
    name_limit = Cluster._meta.get_field("name").max_length or 0
    if not name or len(name) > name_limit:
        problems.append(
            Problem(
                gettext("a name of 1 to %(limit)s characters") % {"limit": name_limit},
                column="name",
            )
        )
    elif namesakes.exists():
        problems.append(
            Problem(
                gettext("%(programme)s already has a cluster %(name)s")
                % {"programme": programme.slug, "name": repr(name)},
                column="name",
            )
        )
    for recipient in recipients:
        problems += _member_problems(programme, cluster, recipient)
    if problems:
        raise ValidationFailed(problems)


def _member_problems(
    programme: Programme, cluster: Cluster | None, recipient: Participant
) -> list[Problem]:
    """A member is a recipient of the programme in no other cluster of it."""
    if recipient.programme_id != programme.pk or recipient.role != Participant.Role.RECIPIENT:
        return [
            Problem(
                gettext("%(name)s is not a recipient of %(programme)s")
                % {"name": recipient.region.name_en, "programme": programme.slug},
                column="recipients",
            )
        ]
    elsewhere = (
        ClusterMember.objects.filter(recipient=recipient)
        .exclude(cluster=cluster)
        .select_related("cluster")
        .first()
    )
    if elsewhere is not None:
        return [
            Problem(
                gettext("%(name)s is already in the cluster %(cluster)s")
                % {"name": recipient.region.name_en, "cluster": repr(elsewhere.cluster.name)},
                column="recipients",
            )
        ]
    return []


def _set_members(cluster: Cluster, recipients: Sequence[Participant]) -> None:
    cluster.members.exclude(recipient__in=recipients).delete()
    kept = set(cluster.members.values_list("recipient_id", flat=True))
    ClusterMember.objects.bulk_create(
        ClusterMember(cluster=cluster, recipient=r)
        for r in {r.pk: r for r in recipients}.values()
        if r.pk not in kept
    )


@dataclass(frozen=True)
class LineKey:
    participant_id: int
    resource_code: str


def _lines_as_of(
    lines: QuerySet[CapacityLine] | QuerySet[NeedLine], on: datetime.date
) -> dict[LineKey, AsOf[CapacityLine] | AsOf[NeedLine]]:
    series: dict[LineKey, list[CapacityLine | NeedLine]] = defaultdict(list)
    for line in lines.select_related("resource_type", "source"):
        series[LineKey(line.participant_id, line.resource_type.code)].append(line)
    chosen: dict[LineKey, AsOf[CapacityLine] | AsOf[NeedLine]] = {}
    for key, dated in series.items():
        picked = pick_as_of(dated, on)
        if picked is not None:
            chosen[key] = picked  # type: ignore[assignment]
    return chosen


def capacities_as_of(
    *, programme: Programme, on: datetime.date | None = None
) -> dict[LineKey, AsOf[CapacityLine] | AsOf[NeedLine]]:
    """Each donor's capacity per resource type at a date, by the as-of rule."""
    lines = CapacityLine.objects.filter(participant__programme=programme)
    return _lines_as_of(lines, on or programme.current_date())


def needs_as_of(
    *, programme: Programme, on: datetime.date | None = None
) -> dict[LineKey, AsOf[CapacityLine] | AsOf[NeedLine]]:
    """Each recipient's need per resource type at a date, by the as-of rule."""
    lines = NeedLine.objects.recorded().filter(participant__programme=programme)
    return _lines_as_of(lines, on or programme.current_date())


def indicator_as_of(
    *, region: Region, indicator: IndicatorType | str, on: datetime.date
) -> AsOf[RegionalIndicator] | None:
    """A region's indicator value at a date by the as-of rule; None when the figure is unknown."""
    code = indicator if isinstance(indicator, str) else indicator.code
    values = RegionalIndicator.objects.filter(region=region, indicator__code=code)
    return pick_as_of(values.select_related("source"), on)


def participants(*, programme: Programme, role: str | None = None) -> QuerySet[Participant]:
    found = programme.participants.select_related("region")
    return found.filter(role=role) if role else found


def total_quantity(lines: dict[LineKey, AsOf[CapacityLine] | AsOf[NeedLine]]) -> Decimal:
    return sum((picked.line.quantity for picked in lines.values()), Decimal(0))


LINE_MODELS: dict[str, type[CapacityLine] | type[NeedLine]] = {
    "capacity": CapacityLine,
    "need": NeedLine,
}
LINE_ROLES = {"capacity": Participant.Role.DONOR, "need": Participant.Role.RECIPIENT}


def entry_source(*, description: str, username: str, on: datetime.date) -> Source:
    """The source of a figure typed in by a user: what they cite, who entered it, and when."""
    text = description.strip()
    key = slugify(f"entry-{username}-{text}")[:110] or f"entry-{username}"
    source, _ = Source.objects.get_or_create(
        key=key,
        defaults={
            "title": text,
            "issuer": f"entered by {username}",
            "date": on,
            "kind": Source.Kind.ENTRY,
        },
    )
    return source


@transaction.atomic
def add_line(
    *,
    participant: Participant,
    kind: str,
    resource_type: ResourceType,
    quantity: Decimal,
    as_of: datetime.date | None,
    source_description: str,
    username: str,
    certainty: str = "verified",
) -> CapacityLine | NeedLine:
    """Record a dated capacity (donor) or need (recipient) line; the same date replaces."""
    problems = []
    if LINE_ROLES[kind] != participant.role:
        problems.append(
            Problem(
                gettext("a %(role)s has no %(kind)s lines")
                % {"role": participant.role, "kind": kind},
                column="kind",
            )
        )
    problems += _quantity_problems(resource_type, quantity)
    if not source_description.strip():
        problems.append(Problem(gettext("say where the figure comes from"), column="source"))
    if problems:
        raise ValidationFailed(problems)
    on = as_of or participant.programme.current_date()
    source = entry_source(description=source_description, username=username, on=on)
    line, _ = LINE_MODELS[kind].objects.update_or_create(
        participant=participant,
        resource_type=resource_type,
        as_of=on,
        defaults={"quantity": quantity, "source": source, "certainty": certainty},
    )
    return line


def _quantity_problems(resource: ResourceType, quantity: Decimal) -> list[Problem]:
    """A line's figure is 0 or more, and whole for a resource counted whole (12.5 doctors is no
    figure)."""
    if quantity < 0:
        return [Problem(str(ZERO_OR_MORE), column="quantity")]
    fraction = whole(resource, quantity)
    return [Problem(fraction, column="quantity")] if fraction else []


def line_of(*, participant: Participant, kind: str, line_id: int) -> CapacityLine | NeedLine:
    """One of a participant's capacity or need lines."""
    line = LINE_MODELS[kind].objects.filter(participant=participant, pk=line_id).first()
    if line is None:
        raise NotFound(
            gettext("no %(kind)s line %(line_id)s for %(participant)s")
            % {"kind": kind, "line_id": line_id, "participant": participant.region.name_en}
        )
    return line


def edit_line(
    *,
    line: CapacityLine | NeedLine,
    seen: int,
    quantity: Decimal,
    as_of: datetime.date,
    certainty: str,
    source_description: str,
    username: str,
) -> CapacityLine | NeedLine:
    """Correct a line's quantity, date, certainty or source, made from version `seen`. A new
    quantity or date is the editor's figure: a line derived from an indicator stops being
    derived. The source stays unless its description changes."""
    problems = _quantity_problems(line.resource_type, quantity)
    if not source_description.strip():
        problems.append(Problem(gettext("say where the figure comes from"), column="source"))
    if problems:
        raise ValidationFailed(problems)
    changes: dict[str, Any] = {"quantity": quantity, "as_of": as_of, "certainty": certainty}
    if source_description.strip() != line.source.title:
        changes["source"] = entry_source(
            description=source_description, username=username, on=as_of
        )
    if (quantity, as_of) != (line.quantity, line.as_of):
        changes |= {"derived_indicator": None, "derived_ratio": None, "method": ""}
    return edits.save_edit(line, seen=seen, changes=changes)


@transaction.atomic
def delete_line(*, participant: Participant, kind: str, line_id: int, seen: int) -> None:
    """Delete a line the editor saw at version `seen`; EditConflict, deleting nothing, where
    someone has changed it since (a deletion, too, may not act on a change never seen)."""
    line = line_of(participant=participant, kind=kind, line_id=line_id)
    edits.claim(line, seen=seen).delete()
