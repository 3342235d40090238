"""What a situation report holds, read from the services the pages read: the overview's coverage,
gaps and team reports (`dashboard.services.overview`, the very figures the dashboard shows for
the date), the ledger's requests, deployments and facility reports, and the explanation the
engine stored with the last approved plan run. Kept as plain values with every name in both
languages, so that a report reads the same whenever and in whichever language it is opened."""

import datetime
from typing import Any

from django.utils import translation

from pairaid.dashboard import services as dashboard_services
from pairaid.operations.models import Deployment, FacilitySnapshot, Request
from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.queries import reports as report_queries
from pairaid.operations.queries import requests as request_queries
from pairaid.pairing.models import PlanRun
from pairaid.programmes.models import Programme

RECIPIENT_ROWS = 20  # the worst covered recipients the report lists (the overview has them all)
# The engine's explanation of what binds: the worst-off recipient and the limits that hold it.
BINDING_CODES = ("worst_off", "worst_off_limit")


def _names(named: Any) -> dict[str, str]:
    """A region's (or resource's) names in both languages."""
    return {"name_en": named.name_en, "name_zh": named.name_zh or named.name_en}


def compute(programme: Programme, on: datetime.date) -> dict[str, Any]:
    """The report's figures for the programme date `on`."""
    # The overview's notes are worded in the active language; the figures are the same in any.
    with translation.override("en"):
        today = dashboard_services.overview(programme, on=on)
        yesterday = dashboard_services.overview(programme, on=on - datetime.timedelta(days=1))
    return {
        "date": on.isoformat(),
        "coverage": _coverage(today),
        "coverage_yesterday": _coverage(yesterday),
        "recipients": _recipients(today, yesterday),
        "largest_gaps": [_gap(gap) for gap in today.largest_gaps],
        "requests": _requests(programme, on),
        "teams": _teams(programme, on),
        "team_reports": _team_reports(programme, on, today),
        "facility_reports": _facility_reports(programme, on),
        "plan": _binding(programme, on),
    }


def _coverage(overview: dashboard_services.Overview) -> dict[str, Any]:
    return {
        "min": overview.min_coverage,
        "mean": overview.mean_coverage,
        "live_pairs": overview.live_pairs,
        "donors": overview.donors,
        "recipients": overview.recipients,
        "per_unit": overview.per_unit,
        "paired_capacity": overview.paired_capacity,
    }


def _recipients(
    today: dashboard_services.Overview, yesterday: dashboard_services.Overview
) -> list[dict[str, Any]]:
    """The worst covered recipients, each with its coverage the day before."""
    before = yesterday.by_recipient()
    return [
        {
            "code": row.id,
            "name_en": row.name_en,
            "name_zh": row.name_zh or row.name_en,
            "coverage": row.coverage,
            "coverage_yesterday": before.get(row.id),
        }
        for row in today.recipient_rows[:RECIPIENT_ROWS]
    ]


def _gap(gap: Any) -> dict[str, Any]:
    return {
        "recipient": gap.recipient.region.reference,
        **_names(gap.recipient.region),
        "resource": gap.resource.code,
        "resource_en": gap.resource.name_en,
        "resource_zh": gap.resource.name_zh or gap.resource.name_en,
        "need": float(gap.need),
        "received": float(gap.received),
        "in_transit": float(gap.in_transit),
        "on_duty": float(gap.on_duty),
        "gap": float(gap.gap),
    }


def _request(request: Request) -> dict[str, Any]:
    return {"number": request.number, **_names(request.recipient.region)}


def _requests(programme: Programme, on: datetime.date) -> dict[str, list[dict[str, Any]]]:
    opened = (
        Request.objects.filter(programme=programme, raised_on=on)
        .select_related("recipient__region")
        .order_by("number")
    )
    return {
        "opened": [_request(r) for r in opened],
        "fulfilled": [_request(r) for r in request_queries.fulfilled_on(programme, on)],
    }


def _deployment(deployment: Deployment) -> dict[str, Any]:
    return {"team": deployment.team.name, **_names(deployment.recipient.region)}


def _teams(programme: Programme, on: datetime.date) -> dict[str, list[dict[str, Any]]]:
    """Teams that arrived on the date; those among them that relieved another team rotated."""
    arrived = (
        Deployment.objects.filter(team__programme=programme, arrived_on=on)
        .select_related("team", "recipient__region")
        .order_by("team__name", "pk")
    )
    return {
        "arrived": [_deployment(d) for d in arrived],
        "rotated": [_deployment(d) for d in arrived if d.replaces_id is not None],
    }


def _team_reports(
    programme: Programme, on: datetime.date, today: dashboard_services.Overview
) -> dict[str, Any]:
    """The day's team reports per recipient, as the overview sums them, and the teams on duty
    that have not reported, named in both languages (the overview names them in one)."""
    overdue = report_queries.report_day(programme, on).overdue
    return {
        "received": sum(summary.reports for summary in today.reports),
        "by_recipient": [
            {
                **(_names(summary.participant.region) if summary.participant else {}),
                "reports": summary.reports,
                "figures": summary.figures,
            }
            for summary in today.reports
        ],
        "overdue": [_deployment(d) for d in overdue],
    }


def _facility_reports(programme: Programme, on: datetime.date) -> dict[str, Any]:
    """Facilities' bed reports of the date, and the facilities past the date's deadline without
    one (none is overdue before the deadline has come)."""
    deadline = datetime.datetime.combine(on, programme.report_deadline, tzinfo=programme.zone())
    facilities = list(facility_queries.facilities(programme))
    late = [
        f
        for f in facilities
        if programme.now() >= deadline and facility_queries.overdue(f, deadline)
    ]
    return {
        "received": FacilitySnapshot.objects.filter(facility__programme=programme, date=on).count(),
        "facilities": len(facilities),
        "overdue": [{"facility": f.name, **_names(f.recipient.region)} for f in late],
    }


def _binding(programme: Programme, on: datetime.date) -> dict[str, Any] | None:
    """What binds in the last plan run approved by the date: the levels the engine reached (value
    and bound) and its explanation of the worst-off recipient's limits, as the engine stored
    them (worded when read, `documents.binding_lines`)."""
    run = (
        PlanRun.objects.filter(
            programme=programme, decision=PlanRun.Decision.APPROVED, decided_on__lte=on
        )
        .order_by("-decided_on", "-number")
        .first()
    )
    if run is None:
        return None
    result = run.result or {}
    return {
        "run": run.number,
        "decided_on": run.decided_on.isoformat() if run.decided_on else None,
        "levels": result.get("levels", []),
        "explanations": [
            m for m in result.get("explanations", []) if m.get("code") in BINDING_CODES
        ],
    }
