"""Issuing situation reports (on demand and on the worker's schedule) and the subscriptions to
them. The figures are computed outside any transaction: the data version (`pairaid.freshness`)
can be known exactly only there, and the report must say which data it was made from."""

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pairaid import freshness
from pairaid.accounts import permissions
from pairaid.conversations import services as conversation_services
from pairaid.conversations.models import Event
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme
from pairaid.situation import figures
from pairaid.situation.models import SituationReport, Subscription

logger = logging.getLogger(__name__)

# A write landing while the figures are computed changes the version: they are computed again,
# a few times at most (a programme written to without pause is refused, and tried again later).
ATTEMPTS = 3


def issue(
    *, programme: Programme, user: Any, on: datetime.date | None = None, once: bool = False
) -> SituationReport:
    """Issue the report of the programme date `on` (the programme's date by default): its next
    number, or the next revision of that date's number if it was issued before (the earlier
    revisions are kept); with `once`, a date issued before keeps its report (the schedule's
    way: two workers at once make one). Its subscribers are told."""
    on = on or programme.current_date()
    _check_date(programme, on)
    version, found = _figures_at_one_version(programme, on)
    return _store(programme=programme, user=user, on=on, version=version, found=found, once=once)


def _check_date(programme: Programme, on: datetime.date) -> None:
    """A report is of a day of the programme that has come: from its start to its date."""
    if programme.period_start <= on <= programme.current_date():
        return
    raise ValidationFailed(
        [
            Problem(
                gettext(
                    "date %(date)s: a situation report is of a day from the programme's start "
                    "(%(start)s) to its date (%(today)s)"
                )
                % {"date": on, "start": programme.period_start, "today": programme.current_date()},
                column="date",
            )
        ]
    )


def _figures_at_one_version(programme: Programme, on: datetime.date) -> tuple[str, dict[str, Any]]:
    """The figures, and the data version that held from before they were read to after."""
    for _attempt in range(ATTEMPTS):
        before = freshness.data_version()
        found = figures.compute(programme, on)
        if before is not None and freshness.data_version() == before:
            return before, found
    raise Conflict(
        gettext("the programme's data kept changing while the report was computed; try again")
    )


@transaction.atomic
def _store(
    *,
    programme: Programme,
    user: Any,
    on: datetime.date,
    version: str,
    found: dict[str, Any],
    once: bool,
) -> SituationReport:
    # Taking the next number locks the programme's row: two issues at once never collide.
    number = programme_services.next_number(
        programme=programme, numbered=programme.situation_reports.all()
    )
    earlier = programme.situation_reports.filter(date=on).order_by("-revision").first()
    if once and earlier is not None:
        return earlier
    report = SituationReport.objects.create(
        programme=programme,
        number=earlier.number if earlier else number,
        revision=earlier.revision + 1 if earlier else 1,
        date=on,
        data_version=version,
        figures=found,
        issued_by=user if getattr(user, "pk", None) else None,
    )
    conversation_services.record(
        kind=Event.Kind.SITUATION_REPORT_ISSUED,
        programme=programme,
        subject=report,
        actor=user,
        args={"number": report.number, "revision": report.revision, "date": on.isoformat()},
    )
    return report


def issue_due() -> list[SituationReport]:
    """The scheduled turn: each live programme's report of today, once today's reporting
    deadline has passed (the day's reports are in), unless it was issued already. Live: active,
    and following today's date; a programme whose date is set (the demo, frozen on a day of
    2020) has no new day to report."""
    issued = []
    for programme in Programme.objects.filter(
        status=Programme.Status.ACTIVE, programme_date=None
    ).order_by("pk"):
        now = programme.now()
        if now.time() < programme.report_deadline:
            continue
        if programme.situation_reports.filter(date=now.date()).exists():
            continue
        try:
            issued.append(issue(programme=programme, user=None, on=now.date(), once=True))
        except Conflict:
            logger.warning("situation report of %s deferred: its data kept changing", programme)
    return issued


@transaction.atomic
def subscribe(*, programme: Programme, user: Any, subscribed: bool) -> bool:
    """Subscribe a member to the programme's reports, or end it; any member may (observers
    too: the reports are theirs to read). Returns whether they now subscribe."""
    permissions.check(user, permissions.Action.VIEW, programme)
    if subscribed:
        Subscription.objects.get_or_create(programme=programme, user=user)
    else:
        Subscription.objects.filter(programme=programme, user=user).delete()
    return subscribed


def subscribes(*, programme: Programme, user: Any) -> bool:
    return Subscription.objects.filter(programme=programme, user=user.pk).exists()
