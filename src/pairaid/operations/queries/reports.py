"""The teams' daily reports of a date per recipient, and the teams on duty that have not
reported."""

import datetime
from dataclasses import dataclass, field

from pairaid.labels import local_name
from pairaid.operations.models import DailyReport, Deployment
from pairaid.operations.queries.teams import on_duty
from pairaid.programmes.models import Programme


@dataclass
class ReportSummary:
    recipient: str
    reports: int = 0
    figures: dict[str, int] = field(  # DailyReport.FIGURES, summed
        default_factory=lambda: dict.fromkeys(DailyReport.FIGURES, 0)
    )


def report_summary(
    programme: Programme, on: datetime.date
) -> tuple[list[ReportSummary], list[str]]:
    """Daily reports of the date aggregated per recipient, and the teams on duty that have not
    reported (overdue)."""
    on_duty_deployments = [
        d
        for d in Deployment.objects.filter(team__programme=programme)
        .select_related("team", "recipient__region")
        .prefetch_related("replaced_by")
        if on_duty(d, on)
    ]
    reports = {r.team_id: r for r in DailyReport.objects.filter(team__programme=programme, date=on)}
    totals: dict[str, ReportSummary] = {}
    for d in on_duty_deployments:
        report = reports.get(d.team_id)
        if report is None:
            continue
        name = local_name(d.recipient.region)
        row = totals.setdefault(name, ReportSummary(name))
        row.reports += 1
        for figure in DailyReport.FIGURES:
            row.figures[figure] += getattr(report, figure)
    overdue = sorted(
        f"{d.team.name} ({local_name(d.recipient.region)})"
        for d in on_duty_deployments
        if d.team_id not in reports
    )
    return sorted(totals.values(), key=lambda r: r.recipient), overdue
