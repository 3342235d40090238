"""What-if comparisons in the API (issue 20, item 8): start one (it runs in the task worker, as
from the page), list them, and read one with its figures, assumptions and model-estimate label."""

import datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import forecast
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.api_runs import start_in_background
from pairaid.errors import NotFound
from pairaid.foresight import comparisons, services, tasks
from pairaid.foresight.models import PlanComparison

router = Router(tags=["what-if"])


class PlanComparisonIn(Schema):
    origin: datetime.date | None = Field(
        default=None,
        description="the plans' date and the forecast's origin; null: the programme date",
    )
    paths: Annotated[StrictInt, Field(ge=1, le=services.PATHS_MAX)] = forecast.SAMPLE_PATHS
    seed: Annotated[StrictInt, Field(ge=0, le=services.SEED_MAX)] = 0
    plan_runs: Annotated[
        list[Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]],
        Field(max_length=comparisons.MAX_PLAN_RUNS),
    ] = Field(
        default_factory=list,
        description="numbers of the programme's finished plan runs to compare beside the "
        "historical plan (the baseline); empty: max-min and leximin solved as of the origin",
    )


class PlanComparisonOut(Schema):
    number: int
    origin: datetime.date
    plan_runs: list[int]
    paths: int
    seed: int
    state: str
    progress: dict[str, Any] = Field(description="steps done of all (solve the plans, value them)")
    created_by: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    log: str = Field(description="for a failed or interrupted comparison, why")

    @staticmethod
    def resolve_created_by(found: PlanComparison) -> str | None:
        return found.created_by.username if found.created_by else None


class PlanComparisonResultOut(PlanComparisonOut):
    assumptions: list[str] = Field(description="every modelling assumption, with its source")
    output: dict[str, Any] = Field(
        description="a model estimate: outcomes per plan, paired differences against the "
        "historical plan with 90 % intervals on common random numbers, the sensitivity rows, "
        "and `illustrative` where the beds and staff come from an illustrative overlay"
    )


@router.get("/programmes/{slug}/plan-comparisons", response=list[PlanComparisonOut])
@paginate(Pages, page_size=50)
def list_plan_comparisons(request: HttpRequest, slug: str) -> QuerySet[PlanComparison]:
    programme = permissions.programme_for(request.user, slug)
    return programme.plan_comparisons.select_related("created_by").order_by("-number")


@router.post(
    "/programmes/{slug}/plan-comparisons",
    response={202: PlanComparisonOut},
    summary="Start a what-if comparison of plans (in the background)",
)
def start_plan_comparison(request: HttpRequest, slug: str, payload: PlanComparisonIn) -> Status:
    return start_in_background(
        request,
        slug,
        comparisons.start,
        enqueue=tasks.enqueue_plan_comparison,
        **payload.model_dump(),
    )


@router.get(
    "/programmes/{slug}/plan-comparisons/{number}",
    response=PlanComparisonResultOut,
    summary="A what-if comparison: its state, assumptions and figures",
)
def get_plan_comparison(request: HttpRequest, slug: str, number: int) -> PlanComparison:
    programme = permissions.programme_for(request.user, slug)
    found = programme.plan_comparisons.select_related("created_by").filter(number=number).first()
    if found is None:
        raise NotFound(f"no plan comparison {number} in {slug}")
    return found
