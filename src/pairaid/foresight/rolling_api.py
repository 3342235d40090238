"""Rolling re-plans in the API (issue 20, items 6 and 8): start one (it runs in the task worker,
as from the page), list them, read one with its timeline, figures, assumptions and
model-estimate label, and its timeline as CSV."""

import datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.api_runs import start_in_background
from pairaid.errors import NotFound
from pairaid.forecast import rolling
from pairaid.forecast.need import FORECAST_BASIS_SYNTAX
from pairaid.foresight import rolling_runs, services, tasks
from pairaid.foresight.models import RollingPlanRun
from pairaid.pairing import rolling as programme_rolling
from pairaid.programmes.models import Programme

router = Router(tags=["rolling re-plans"])
Days = Annotated[StrictInt, Field(ge=0, le=60)]


class RollingPlanIn(Schema):
    first_day: datetime.date = Field(description="the first step's date")
    steps: Annotated[StrictInt, Field(ge=1, le=rolling.MAX_STEPS)] = 4
    every_days: Annotated[StrictInt, Field(ge=1, le=rolling.MAX_EVERY_DAYS)] = 7
    need_from: Annotated[str, Field(max_length=60)] = Field(
        default="forecast:renewal:0.8:14", description=f"the need: {FORECAST_BASIS_SYNTAX}"
    )
    churn_budget: Annotated[StrictInt, Field(ge=0, le=10_000)] | None = Field(
        default=programme_rolling.DEFAULT_CHURN_BUDGET,
        description="pairs changed per step at most; null: no budget",
    )
    transit_days: Days = rolling.DEFAULT_TRANSIT_DAYS
    minimum_stay_days: Days = rolling.DEFAULT_MINIMUM_STAY_DAYS
    withdrawal: datetime.date | None = Field(
        default=rolling.WITHDRAWAL,
        description="no aid on duty from this day; null: none (default: teams began leaving "
        "Hubei on 2020-03-17)",
    )
    seed: Annotated[StrictInt, Field(ge=0, le=services.SEED_MAX)] = 0


class RollingPlanOut(Schema):
    number: int
    first_day: datetime.date
    steps: int
    every_days: int
    need_from: str
    churn_budget: int | None
    transit_days: int
    minimum_stay_days: int
    withdrawal: datetime.date | None
    seed: int
    state: str
    progress: dict[str, Any] = Field(description="steps done of all (each re-plan, the valuation)")
    created_by: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    log: str = Field(description="for a failed or interrupted run, why")

    @staticmethod
    def resolve_created_by(found: RollingPlanRun) -> str | None:
        return found.created_by.username if found.created_by else None


class RollingPlanResultOut(RollingPlanOut):
    assumptions: list[str] = Field(description="every assumption, with its source")
    output: dict[str, Any] = Field(
        description="a model estimate: each step's status, max-min level, churn and staff "
        "moved; the timeline (one row per step and pair); the rolling and static plans valued "
        "on the observed record, paired differences with 90 % intervals; `illustrative` where "
        "beds and staff come from an illustrative overlay"
    )


def _found(programme: Programme, number: int) -> RollingPlanRun:
    found = programme.rolling_plans.select_related("created_by").filter(number=number).first()
    if found is None:
        raise NotFound(f"no rolling plan {number} in {programme.slug}")
    return found


@router.get("/programmes/{slug}/rolling-plans", response=list[RollingPlanOut])
@paginate(Pages, page_size=50)
def list_rolling_plans(request: HttpRequest, slug: str) -> QuerySet[RollingPlanRun]:
    programme = permissions.programme_for(request.user, slug)
    return programme.rolling_plans.select_related("created_by").order_by("-number")


@router.post(
    "/programmes/{slug}/rolling-plans",
    response={202: RollingPlanOut},
    summary="Start a rolling re-plan (in the background)",
)
def start_rolling_plan(request: HttpRequest, slug: str, payload: RollingPlanIn) -> Status:
    return start_in_background(
        request,
        slug,
        rolling_runs.start,
        enqueue=tasks.enqueue_rolling_plan,
        **payload.model_dump(),
    )


@router.get(
    "/programmes/{slug}/rolling-plans/{number}",
    response=RollingPlanResultOut,
    summary="A rolling re-plan: its state, timeline, figures and assumptions",
)
def get_rolling_plan(request: HttpRequest, slug: str, number: int) -> RollingPlanRun:
    return _found(permissions.programme_for(request.user, slug), number)


@router.get(
    "/programmes/{slug}/rolling-plans/{number}/timeline.csv",
    summary="A rolling re-plan's timeline as CSV (one row per step and pair)",
)
def rolling_plan_csv(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    found = _found(permissions.programme_for(request.user, slug), number)
    response = HttpResponse(
        programme_rolling.timeline_csv(found.output), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-rolling-{number}.csv"'
    return response
