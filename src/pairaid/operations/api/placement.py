"""Placement recommendations: ask the recommender (coordinators), read them (every member), and
turn chosen lines into transfer requests (services.placement; the transfers' own checks)."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.engine.beds import BED_TYPES
from pairaid.errors import NotFound
from pairaid.operations.api.common import PAGE_SIZE, Rows, operation_id
from pairaid.operations.forms import PLACEMENT_DEFAULTS
from pairaid.operations.models import PlacementRecommendation
from pairaid.operations.queries.placement import Assumptions
from pairaid.operations.services import placement as placement_services

router = Router(tags=["operations"])

Hours = Annotated[float, Field(gt=0, le=24, allow_inf_nan=False)]


def _default_limits() -> dict[str, float | None]:
    return {t: PLACEMENT_DEFAULTS[f"max_travel_hours_{t}"] for t in BED_TYPES}


class AssumptionsIn(Schema):
    road_kmh: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] = PLACEMENT_DEFAULTS[
        "road_kmh"
    ]
    road_factor: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = PLACEMENT_DEFAULTS[
        "road_factor"
    ]
    max_travel_hours: dict[str, Hours | None] = Field(
        default_factory=_default_limits,
        description="per acuity (" + ", ".join(BED_TYPES) + "); null or absent: no limit",
    )


class RecommendationOut(Schema):
    number: int
    on: datetime.date
    made_at: datetime.datetime
    assumptions: dict[str, Any]
    left_out: list[str] = Field(description="facilities left out: their region has no coordinates")
    requested: list[int] = Field(description="indices of the lines already requested")
    problem: dict[str, Any] = Field(description="the placement problem solved (problem-format.md)")
    result: dict[str, Any] = Field(description="the recommender's result (problem-format.md)")


class LinesIn(Schema):
    lines: list[Annotated[StrictInt, api_fields.count(least=0)]] = Field(
        min_length=1, max_length=10_000, description="indices into result.placements"
    )


class RequestedOut(Schema):
    transfers: list[int] = Field(description="the numbers of the transfers requested")


def _out(r: PlacementRecommendation) -> dict[str, Any]:
    zone = r.programme.zone()
    return {
        "number": r.number,
        "on": r.on,
        "made_at": r.made_at.astimezone(zone),
        "assumptions": r.assumptions,
        "left_out": r.left_out,
        "requested": r.requested,
        "problem": r.problem,
        "result": r.result,
    }


def _recommendation(request: HttpRequest, slug: str, number: int) -> PlacementRecommendation:
    programme = permissions.programme_for(request.user, slug)
    found = (
        PlacementRecommendation.objects.filter(programme=programme, number=number)
        .select_related("programme")
        .first()
    )
    if found is None:
        raise NotFound(f"no placement recommendation {number} in {slug}")
    return found


class ListedPlacementOut(Schema):
    number: int
    made_at: datetime.datetime
    status: str = Field(description="the recommender's status: optimal or feasible")


@router.get(
    "/programmes/{slug}/placements",
    response=list[ListedPlacementOut],
    summary="The programme's placement recommendations, latest first",
    operation_id=operation_id("list_placements"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_placements(request: HttpRequest, slug: str) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = PlacementRecommendation.objects.filter(programme=programme).select_related("programme")
    return Rows(
        found,
        lambda r: {
            "number": r.number,
            "made_at": r.made_at.astimezone(r.programme.zone()),
            "status": r.result.get("status", ""),
        },
    )


@router.post(
    "/programmes/{slug}/placements",
    response={201: RecommendationOut},
    summary="Recommend where the patients waiting now should go (coordinators)",
    operation_id=operation_id("recommend_placement"),
)
def recommend_placement(request: HttpRequest, slug: str, payload: AssumptionsIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    made = placement_services.recommend(
        programme=programme,
        user=request.user,
        assumptions=Assumptions(
            road_kmh=payload.road_kmh,
            road_factor=payload.road_factor,
            max_travel_hours=dict(payload.max_travel_hours),
        ),
    )
    return Status(201, _out(made))


@router.get(
    "/programmes/{slug}/placements/{number}",
    response=RecommendationOut,
    summary="One placement recommendation: its assumptions, problem and result",
    operation_id=operation_id("get_placement"),
)
def get_placement(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    return _out(_recommendation(request, slug, number))


@router.post(
    "/programmes/{slug}/placements/{number}/transfers",
    response={201: RequestedOut},
    summary="Turn chosen lines of a recommendation into transfer requests (all or none)",
    operation_id=operation_id("request_placement"),
)
def request_placement(
    request: HttpRequest,
    slug: str,
    number: int,
    payload: LinesIn,
) -> Status:
    made = placement_services.request_transfers(
        recommendation=_recommendation(request, slug, number),
        lines=payload.lines,
        user=request.user,
    )
    return Status(201, {"transfers": [t.number for t in made]})
