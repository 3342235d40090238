"""Situation reports in the API: the archive (every revision), one report (its latest revision
or one named), and issuing one (coordinators). The same permissions as the pages."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import NotFound
from pairaid.situation import queries, services
from pairaid.situation.models import SituationReport

router = Router(tags=["situation reports"])


class SituationReportOut(Schema):
    number: int
    revision: int
    date: datetime.date
    data_version: str = Field(description="the data version its figures were computed from")
    issued_at: datetime.datetime
    figures: dict[str, Any] = Field(
        description="coverage today and yesterday, worst covered recipients, largest gaps, "
        "requests opened and fulfilled, teams arrived and rotated, team and facility reports "
        "received and overdue, and what binds in the last approved plan"
    )


class IssueIn(Schema):
    date: datetime.date | None = Field(None, description="the programme date (default: its date)")


class RevisionIn(Schema):
    revision: int | None = Field(None, ge=1, description="a revision (default: the latest)")


@router.get(
    "/programmes/{slug}/situation-reports",
    response=list[SituationReportOut],
    summary="Situation reports, every revision, newest first",
)
@paginate(Pages, page_size=50)
def list_situation_reports(request: HttpRequest, slug: str) -> QuerySet[SituationReport]:
    return queries.archive(permissions.programme_for(request.user, slug))


@router.get("/programmes/{slug}/situation-reports/{number}", response=SituationReportOut)
def get_situation_report(
    request: HttpRequest,
    slug: str,
    number: int,
    asked: RevisionIn = Query(...),  # noqa: B008 (ninja's way)
) -> SituationReport:
    programme = permissions.programme_for(request.user, slug)
    report = queries.revision(programme, number, asked.revision)
    if report is None:
        raise NotFound(f"no situation report {number} in {slug}")
    return report


@router.post(
    "/programmes/{slug}/situation-reports",
    response={201: SituationReportOut},
    summary="Issue the situation report of a programme date (again: a new revision)",
)
def issue_situation_report(request: HttpRequest, slug: str, payload: IssueIn) -> Status:
    programme = permissions.programme_for(request.user, slug, Action.ISSUE_SITUATION_REPORT)
    return Status(201, services.issue(programme=programme, user=request.user, on=payload.date))


class SubscriptionIO(Schema):
    subscribed: bool = Field(description="whether the caller is sent each report")


@router.get(
    "/programmes/{slug}/situation-report-subscription",
    response=SubscriptionIO,
    summary="Whether the caller subscribes to the situation reports",
)
def get_situation_subscription(request: HttpRequest, slug: str) -> SubscriptionIO:
    programme = permissions.programme_for(request.user, slug)
    return SubscriptionIO(subscribed=services.subscribes(programme=programme, user=request.user))


@router.put(
    "/programmes/{slug}/situation-report-subscription",
    response=SubscriptionIO,
    summary="Subscribe the caller to the situation reports, or end it (any member)",
)
def set_situation_subscription(
    request: HttpRequest, slug: str, payload: SubscriptionIO
) -> SubscriptionIO:
    programme = permissions.programme_for(request.user, slug)
    subscribed = services.subscribe(
        programme=programme, user=request.user, subscribed=payload.subscribed
    )
    return SubscriptionIO(subscribed=subscribed)
