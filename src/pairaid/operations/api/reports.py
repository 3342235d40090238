"""Teams' daily reports: filed by the donor's officers, listed, and summed per recipient with the
teams on duty that have not reported (the reports page's table)."""

import datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import Problem, ValidationFailed
from pairaid.operations.api.common import PAGE_SIZE, Rows, operation_id
from pairaid.operations.models import DailyReport, Team
from pairaid.operations.queries import reports as report_queries
from pairaid.operations.services import reports as report_services
from pairaid.programmes.models import Programme

router = Router(tags=["operations"])

Figure = Annotated[StrictInt, api_fields.count()]


class ReportIn(Schema):
    team: Annotated[StrictInt, api_fields.identifier()]
    date: datetime.date | None = Field(None, description="the programme date when absent")
    # DailyReport.FIGURES, each 0 when absent (as the page's form counts an empty figure)
    patients_seen: Figure = 0
    admitted: Figure = 0
    severe: Figure = 0
    critical: Figure = 0
    recovered: Figure = 0
    deaths: Figure = 0
    staff_on_duty: Figure = 0
    shortages: Annotated[str, api_fields.text(DailyReport, "shortages")] = ""


class ReportOut(Schema):
    id: int
    team: int
    team_name: str
    donor: str
    date: datetime.date
    figures: dict[str, int] = Field(description="patients_seen, admitted, … staff_on_duty")
    shortages: str
    illustrative: bool


class RecipientReportsOut(Schema):
    recipient: str
    reports: int
    figures: dict[str, int] = Field(description="the figures of its teams' reports, summed")


class OverdueOut(Schema):
    team: int
    team_name: str
    recipient: str
    deployment: int


class ReportDayOut(Schema):
    date: datetime.date
    recipients: list[RecipientReportsOut]
    overdue: list[OverdueOut] = Field(description="teams on duty without a report of the date")


def _report_out(report: DailyReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "team": report.team_id,
        "team_name": report.team.name,
        "donor": report.team.donor.region.reference,
        "date": report.date,
        "figures": {name: getattr(report, name) for name in DailyReport.FIGURES},
        "shortages": report.shortages,
        "illustrative": report.illustrative,
    }


def _reports(programme: Programme) -> QuerySet[DailyReport]:
    return DailyReport.objects.filter(team__programme=programme).select_related(
        "team__donor__region__parent"
    )


@router.get(
    "/programmes/{slug}/reports",
    response=list[ReportOut],
    summary="Daily team reports, latest first (filter: date, team)",
    operation_id=operation_id("list_reports"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_reports(
    request: HttpRequest, slug: str, date: datetime.date | None = None, team: int | None = None
) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = _reports(programme)
    if date is not None:
        found = found.filter(date=date)
    if team is not None:
        found = found.filter(team_id=team)
    return Rows(found.order_by("-date", "team__name", "pk"), _report_out)


@router.get(
    "/programmes/{slug}/reports/summary",
    response=ReportDayOut,
    summary="A date's reports summed per recipient, and the teams on duty overdue",
    operation_id=operation_id("report_summary"),
)
def report_summary(
    request: HttpRequest, slug: str, date: datetime.date | None = None
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    on = date or programme.current_date()
    day = report_queries.report_day(programme, on)
    return {
        "date": on,
        "recipients": [
            {
                "recipient": row.participant.region.reference if row.participant else "",
                "reports": row.reports,
                "figures": row.figures,
            }
            for row in day.summary
        ],
        "overdue": [
            {
                "team": d.team_id,
                "team_name": d.team.name,
                "recipient": d.recipient.region.reference,
                "deployment": d.pk,
            }
            for d in day.overdue
        ],
    }


@router.post(
    "/programmes/{slug}/reports",
    response={201: ReportOut},
    summary="File a team's report of a day (again for the same day: replaces it)",
    operation_id=operation_id("file_report"),
)
def file_report(request: HttpRequest, slug: str, payload: ReportIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    team = Team.objects.filter(pk=payload.team, programme=programme).select_related("donor").first()
    if team is None:
        raise ValidationFailed([Problem(f"no team {payload.team} in {slug}", column="team")])
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
    filed = report_services.file_report(
        team=team,
        on=payload.date,
        shortages=payload.shortages,
        **{name: getattr(payload, name) for name in DailyReport.FIGURES},
    )
    return Status(201, _report_out(_reports(programme).get(pk=filed.pk)))
