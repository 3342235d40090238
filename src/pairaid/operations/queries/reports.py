"""The teams' daily reports of a date per recipient, and the teams on duty that have not
reported."""

import datetime
from dataclasses import dataclass, field

from pairaid.labels import local_name
from pairaid.operations.models import DailyReport, Deployment
from pairaid.operations.queries.teams import on_duty
from pairaid.programmes.models import Participant, Programme


@dataclass
class ReportSummary:
    recipient: str  # its name in the active language
    reports: int = 0
    figures: dict[str, int] = field(  # DailyReport.FIGURES, summed
        default_factory=lambda: dict.fromkeys(DailyReport.FIGURES, 0)
    )
    participant: Participant | None = None


@dataclass
class ReportDay:
    summary: list[ReportSummary]  # by recipient name
    overdue: list[Deployment]  # on duty, no report of the date; by team name


def report_day(programme: Programme, on: datetime.date) -> ReportDay:
    """Daily reports of the date aggregated per recipient, and the deployments on duty whose team
    has not reported (overdue)."""
    on_duty_deployments = [
        d
        for d in Deployment.objects.filter(team__programme=programme)
        .select_related("team", "recipient__region__parent")
        .prefetch_related("replaced_by")
        if on_duty(d, on)
    ]
    reports = {r.team_id: r for r in DailyReport.objects.filter(team__programme=programme, date=on)}
    totals: dict[int, ReportSummary] = {}
    for d in on_duty_deployments:
        report = reports.get(d.team_id)
        if report is None:
            continue
        row = totals.setdefault(
            d.recipient_id, ReportSummary(local_name(d.recipient.region), participant=d.recipient)
        )
        row.reports += 1
        for figure in DailyReport.FIGURES:
            row.figures[figure] += getattr(report, figure)
    overdue = [d for d in on_duty_deployments if d.team_id not in reports]
    return ReportDay(
        sorted(totals.values(), key=lambda r: r.recipient),
        sorted(overdue, key=lambda d: (d.team.name, local_name(d.recipient.region))),
    )


def report_summary(
    programme: Programme, on: datetime.date
) -> tuple[list[ReportSummary], list[str]]:
    """`report_day` as the pages show it: the overdue teams named with their recipient."""
    day = report_day(programme, on)
    return day.summary, sorted(
        f"{d.team.name} ({local_name(d.recipient.region)})" for d in day.overdue
    )
