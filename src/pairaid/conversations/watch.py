"""What the worker's scheduler watches for, as events: an open request expiring within 7 days,
a facility's capacity report overdue, its occupancy red, a team's daily report overdue, a gap
at or beyond the programme's alert threshold, and an actionable event nobody acknowledged in
time (escalated to the coordinators). Each is recorded once per object and programme day (once
per event for an escalation; once per request and expiry date for an expiring request, so a
renewed request nearing its new date is announced again), so a check run again, or by two
workers, records nothing twice.

`now` is always passed in: the checks are the same whichever clock drives them.
"""

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, models

from pairaid.conversations import services
from pairaid.conversations.models import Event
from pairaid.operations.models import Pledge, Request
from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.queries import gaps as gap_queries
from pairaid.operations.queries import occupancy as occupancy_queries
from pairaid.operations.queries import reports as report_queries
from pairaid.operations.queries import requests as request_queries
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.programmes.models import Programme

logger = logging.getLogger(__name__)

Kind = Event.Kind

# The events that ask someone to act: a request to pledge against, a request about to expire
# (to renew, or to pledge against while it lasts), a transfer to approve or to answer, an offer
# to take. Unacknowledged (no recipient marked it read, nobody acted on its object) for the
# programme's `escalate_after_hours`, each goes to the coordinators. An expiring request is one:
# once it lapses, its unmet need leaves the ledger and no donor can pledge against it, and the
# warning goes to the pair only, so without escalation nobody above the pair learns that it is
# lapsing unseen (told 7 days ahead, escalated after 24 h: days left to act). The other watch
# events (overdue reports, red beds, gaps) already reach the coordinators themselves.
ACTIONABLE = (
    Kind.REQUEST_RAISED,
    Kind.REQUEST_EXPIRING,
    Kind.TRANSFER_REQUESTED,
    Kind.TRANSFER_AWAITING_APPROVAL,
    Kind.OFFER_MADE,
)
# How far back escalation looks beyond its delay: an event older than this was left
# unescalated on purpose (its programme was not live) and is not raised again.
LOOKBACK = datetime.timedelta(days=7)
# How long before its expiry an open request is announced to its pair (issue 21: "a request
# expiring in 7 days").
EXPIRING_WITHIN = datetime.timedelta(days=7)
# How often the scheduler runs the checks.
WATCH_SECONDS = 600


def _told_once(
    kind: str,
    subject: models.Model,
    *when: object,
    programme: Programme,
    args: dict[str, Any],
) -> int:
    """Record the event about `subject` unless one of its kind about it (and `when`: its day, or
    expiry, where it may recur) exists: 1 if recorded, 0 if it was already."""
    once = ":".join([kind, str(subject.pk), *(str(part) for part in when)])
    recorded = services.record_once(
        once=once, kind=kind, programme=programme, subject=subject, args=args
    )
    return int(recorded is not None)


def requests_expiring(programme: Programme, now: datetime.datetime) -> int:
    """The open requests, not yet fulfilled, that expire within `EXPIRING_WITHIN` of the
    programme's date: to renew (the recipient) or to pledge against while they last (its
    donors)."""
    today = programme.now(now).date()
    found = 0
    for request in request_queries.expiring(programme, today, EXPIRING_WITHIN):
        found += _told_once(
            Kind.REQUEST_EXPIRING,
            request,
            request.expires_on,
            programme=programme,
            args={
                "number": request.number,
                "region": request.recipient.region_id,
                "expires": request.expires_on.isoformat(),
            },
        )
    return found


def facility_reports_overdue(programme: Programme, now: datetime.datetime) -> int:
    """The facilities that missed the programme's latest reporting deadline."""
    deadline = facility_queries.programme_deadline(programme, now)
    found = 0
    for facility in facility_queries.facilities(programme):
        if not facility_queries.overdue(facility, deadline):
            continue
        found += _told_once(
            Kind.FACILITY_REPORT_OVERDUE,
            facility,
            deadline.date(),
            programme=programme,
            args={
                "facility": facility.name,
                "region": facility.recipient.region_id,
                "deadline": f"{deadline.date().isoformat()} {deadline:%H:%M}",
            },
        )
    return found


def occupancy_red(programme: Programme, now: datetime.datetime) -> int:
    """The facilities with a bed type at or above the programme's red threshold now."""
    day = programme.now(now).date()
    facilities = list(facility_queries.facilities(programme))
    beds = transfer_queries.occupancy(facilities)
    found = 0
    for facility in facilities:
        red = [
            c
            for c in occupancy_queries.by_bed_type(programme, beds[facility.pk])
            if c.level == occupancy_queries.Level.RED
        ]
        if not red:
            continue
        # the fullest bed type; beds occupied with none open are beyond any share
        percents = [c.figures.percent for c in red]
        percent = "100+" if None in percents else str(max(p for p in percents if p is not None))
        found += _told_once(
            Kind.OCCUPANCY_RED,
            facility,
            day,
            programme=programme,
            args={
                "facility": facility.name,
                "region": facility.recipient.region_id,
                "percent": percent,
            },
        )
    return found


def team_reports_overdue(programme: Programme, now: datetime.datetime) -> int:
    """The teams on duty without a daily report once the programme's reporting deadline of the
    day has passed (teams report by the same deadline as facilities)."""
    deadline = facility_queries.programme_deadline(programme, now)
    found = 0
    for deployment in report_queries.report_day(programme, deadline.date()).overdue:
        found += _told_once(
            Kind.TEAM_REPORT_OVERDUE,
            deployment,
            deadline.date(),
            programme=programme,
            args={"team": deployment.team.name, "region": deployment.recipient.region_id},
        )
    return found


def gaps_over_threshold(programme: Programme, now: datetime.datetime) -> int:
    """The gaps of at least the programme's alert share of their need (none unless set)."""
    threshold = programme.gap_alert_percent
    if threshold is None:
        return 0
    day = programme.now(now).date()
    found = 0
    for gap in gap_queries.gaps(programme, day):
        if gap.need <= 0 or gap.gap * 100 < gap.need * threshold:
            continue
        found += _told_once(
            Kind.GAP_OVER_THRESHOLD,
            gap.recipient,
            gap.resource.code,
            day,
            programme=programme,
            args={
                "region": gap.recipient.region_id,
                "resource": gap.resource.code,
                "percent": int(gap.gap * 100 / gap.need),
                "threshold": threshold,
            },
        )
    return found


def _acted(event: Event) -> bool:
    """Whether someone acted on the event's object since: a later event about it (a transfer
    approved, accepted, declined), a pledge against the request, or an expiring request
    renewed, closed, fulfilled or pledged against."""
    later = Event.objects.filter(
        subject_type=event.subject_type_id, subject_id=event.subject_id, pk__gt=event.pk
    )
    if later.exists():
        return True
    if event.kind == Kind.REQUEST_EXPIRING:
        return _expiry_answered(event)
    return event.kind == Kind.REQUEST_RAISED and (
        Pledge.objects.filter(line__request=event.subject_id).exists()
    )


def _expiry_answered(event: Event) -> bool:
    """Whether the request an expiry warning was about no longer lapses on the date it named
    (renewed, closed, withdrawn or fulfilled since), or a donor pledged against it since."""
    request = Request.objects.filter(
        pk=event.subject_id, status=Request.Status.OPEN, expires_on=event.args.get("expires")
    ).first()
    if request is None:
        return True
    lines = [request_queries.line_progress(line) for line in request.lines.all()]
    if request_queries.is_fulfilled(lines):
        return True
    pledges = Pledge.objects.filter(line__request=request).values_list("pk", flat=True)
    return Event.objects.filter(
        kind=Kind.PLEDGE_MADE, subject_id__in=list(pledges), pk__gt=event.pk
    ).exists()


def escalate(programme: Programme, now: datetime.datetime) -> int:
    """The actionable events of the programme that nobody acknowledged within its
    `escalate_after_hours`, each escalated to the coordinators once."""
    hours = programme.escalate_after_hours
    cutoff = now - datetime.timedelta(hours=hours)
    unread = (
        Event.objects.filter(
            programme=programme,
            kind__in=ACTIONABLE,
            occurred_at__lte=cutoff,
            occurred_at__gt=cutoff - LOOKBACK,
        )
        .exclude(notifications__read_at__isnull=False)
        .order_by("pk")
    )
    found = 0
    for event in unread:
        if _acted(event):
            continue
        found += _told_once(
            Kind.ESCALATED,
            event,
            programme=programme,
            args={**event.args, "kind": event.kind, "hours": hours},
        )
    return found


CHECKS: dict[str, Callable[[Programme, datetime.datetime], int]] = {
    Kind.REQUEST_EXPIRING: requests_expiring,
    Kind.FACILITY_REPORT_OVERDUE: facility_reports_overdue,
    Kind.OCCUPANCY_RED: occupancy_red,
    Kind.TEAM_REPORT_OVERDUE: team_reports_overdue,
    Kind.GAP_OVER_THRESHOLD: gaps_over_threshold,
    Kind.ESCALATED: escalate,
}


def run(now: datetime.datetime) -> dict[str, int]:
    """Every check for every live programme; how many events each recorded. A check that fails
    is logged and the others still run (the next turn tries it again)."""
    counts: dict[str, int] = {}
    for programme in Programme.objects.filter(status=Programme.Status.ACTIVE):
        for kind, check in CHECKS.items():
            try:
                found = check(programme, now)
            except DatabaseError:
                logger.exception("check %s of %s failed; trying again", kind, programme.slug)
                continue
            if found:
                counts[kind] = counts.get(kind, 0) + found
    return counts
