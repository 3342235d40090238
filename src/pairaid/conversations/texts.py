"""What the inbox says of each kind of event, worded when it is read, in the reader's language
(an event stores plain values: numbers, a region's id, a team's name)."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from pairaid.conversations.models import Event
from pairaid.labels import local_name
from pairaid.registry.models import Region

Kind = Event.Kind

SUMMARIES: dict[str, Any] = {
    Kind.PAIRING_APPROVED: _("Plan run %(number)s was approved: the pairings changed"),
    Kind.NOTICE_PUBLISHED: _("Pairing notice No. %(number)s was published"),
    Kind.REQUEST_RAISED: _("%(region)s raised request %(number)s"),
    Kind.REQUEST_EXPIRING: _("Request %(number)s of %(region)s expires on %(expires)s"),
    Kind.PLEDGE_MADE: _("%(region)s pledged against request %(number)s"),
    Kind.GOODS_DISPATCHED: _("%(region)s dispatched goods for request %(number)s"),
    Kind.TEAM_ARRIVED: _("Team %(team)s arrived in %(region)s"),
    Kind.GOODS_RECEIVED: _("%(region)s confirmed the receipt of goods for request %(number)s"),
    Kind.TRANSFER_REQUESTED: _("Transfer %(number)s of %(requested)s patients awaits your answer"),
    Kind.TRANSFER_AWAITING_APPROVAL: _(
        "Transfer %(number)s of %(requested)s patients crosses regions and awaits approval"
    ),
    Kind.TRANSFER_ACCEPTED: _("Transfer %(number)s was accepted"),
    Kind.TRANSFER_DECLINED: _("Transfer %(number)s was declined"),
    Kind.OFFER_MADE: _("%(region)s made offer %(number)s, awaiting acceptance"),
    Kind.PLAN_RUN_FINISHED: _("Plan run %(number)s finished"),
    Kind.MENTION: _("%(actor)s mentioned you in a thread"),
    Kind.MESSAGE: _("%(actor)s wrote in a thread of yours"),
    Kind.SITUATION_REPORT_ISSUED: _(
        "Situation report No. %(number)s (revision %(revision)s) for %(date)s was issued"
    ),
    Kind.FACILITY_REPORT_OVERDUE: _(
        "%(facility)s (%(region)s) has not reported its beds by the %(deadline)s deadline"
    ),
    Kind.OCCUPANCY_RED: _("%(facility)s (%(region)s) is %(percent)s %% occupied: red"),
    Kind.TEAM_REPORT_OVERDUE: _("Team %(team)s in %(region)s has not filed its daily report"),
    Kind.GAP_OVER_THRESHOLD: _(
        "%(region)s lacks %(percent)s %% of its need of %(resource)s (alert from %(threshold)s %%)"
    ),
    Kind.ESCALATED: _("Nobody acknowledged this within %(hours)s hours: %(what)s"),
    Kind.ASSESSMENT_STEP_DUE: _("Assessment %(year)s of %(region)s: your step is due on %(due)s"),
    Kind.ASSESSMENT_STEP_OVERDUE: _(
        "Assessment %(year)s of %(region)s: your step was due on %(due)s"
    ),
}
DISCREPANCY = _("with a discrepancy")


def regions(events: Iterable[Event]) -> dict[int, Region]:
    """The regions the events name, read at once (an inbox page is one query, not one each)."""
    ids = {e.args["region"] for e in events if isinstance(e.args.get("region"), int)}
    return Region.objects.in_bulk(ids)


def summary(event: Event, named: dict[int, Region]) -> str:
    """The event in a sentence, in the active language; a receipt with a discrepancy says so."""
    values = dict(event.args)
    region = named.get(values.get("region"))  # type: ignore[arg-type]
    values["region"] = local_name(region) if region is not None else "?"
    values["actor"] = event.actor.username if event.actor else "PairAid"
    if event.kind == Kind.ESCALATED:
        # the escalated event in its own words (its values are kept in the escalation's)
        values["what"] = summary(Event(kind=event.args["kind"], args=event.args), named)
    text = str(SUMMARIES[event.kind]) % values
    if event.kind == Kind.GOODS_RECEIVED and event.stands_out:
        text = f"{text} ({DISCREPANCY})"
    return text
