"""Placement recommendations: the coordinator asks the recommender (engine.placement) where the
patients waiting now should go, and turns the lines it chooses into transfer requests.

The recommendation is solved in the request, under a short time limit: a programme of Hubei's
size (tens of facilities) is proven in well under a second, and a larger one returns the best
placement found in the limit with the levels not proven saying so (docs/benchmarks.md).
"""

from collections.abc import Sequence
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.engine import placement
from pairaid.engine.beds import BED_TYPES
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.operations.common import unknown_bed_type
from pairaid.operations.models import Facility, PlacementRecommendation, Transfer
from pairaid.operations.queries import placement as placement_queries
from pairaid.operations.services import transfers as transfer_services
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant, Programme

# The recommender's limit inside a web request: long enough for a province's facilities to be
# proven, short enough that the coordinator is not left waiting.
TIME_LIMIT_SECONDS: Final = 10.0
# Bounds of the stated assumptions: a road speed a patient transport can keep, a road at most
# three times the straight line, and a day's travel at most.
ROAD_KMH: Final = (10.0, 150.0)
ROAD_FACTOR: Final = (1.0, 3.0)
MAX_TRAVEL_HOURS: Final = (0.25, 24.0)


def _check_assumptions(assumptions: placement_queries.Assumptions) -> None:
    problems = []
    for column, value, (low, high) in (
        ("road_kmh", assumptions.road_kmh, ROAD_KMH),
        ("road_factor", assumptions.road_factor, ROAD_FACTOR),
    ):
        if not low <= value <= high:
            problems.append(_between(column, low, high))
    for acuity, hours in assumptions.max_travel_hours.items():
        if acuity not in BED_TYPES:
            problems.append(unknown_bed_type(acuity, "max_travel_hours"))
        elif hours is not None and not MAX_TRAVEL_HOURS[0] <= hours <= MAX_TRAVEL_HOURS[1]:
            problems.append(_between(f"max_travel_hours_{acuity}", *MAX_TRAVEL_HOURS))
    if problems:
        raise ValidationFailed(problems)


def _between(column: str, low: float, high: float) -> Problem:
    return Problem(
        gettext("must be between %(low)s and %(high)s") % {"low": low, "high": high},
        column=column,
    )


@transaction.atomic
def recommend(
    *,
    programme: Programme,
    user: Any,
    assumptions: placement_queries.Assumptions,
    time_limit_seconds: float = TIME_LIMIT_SECONDS,
) -> PlacementRecommendation:
    """Build the programme's placement problem now, solve it and keep it, numbered."""
    permissions.check(user, Action.RECOMMEND_PLACEMENT, programme)
    _check_assumptions(assumptions)
    on = programme.current_date()
    built = placement_queries.build(programme, on, assumptions)
    result = placement.recommend_document(
        built.document, time_limit_seconds=min(time_limit_seconds, TIME_LIMIT_SECONDS)
    )
    if result.status == "invalid":
        # The problem is ours, built from stored figures: an invalid one is a defect here.
        raise Conflict(
            gettext("the placement problem could not be built: %(errors)s")
            % {"errors": "; ".join(e.text for e in result.errors)}
        )
    return PlacementRecommendation.objects.create(
        programme=programme,
        number=programme_services.next_number(
            programme=programme,
            numbered=PlacementRecommendation.objects.filter(programme=programme),
        ),
        on=on,
        made_at=programme.now(),
        made_by=user if getattr(user, "pk", None) else None,
        assumptions=assumptions.to_dict(),
        problem=built.document,
        result=result.to_dict(),
        left_out=built.left_out,
    )


def _line_problems(recommendation: PlacementRecommendation, lines: Sequence[int]) -> list[Problem]:
    placements = recommendation.result.get("placements", [])
    problems = []
    if not lines:
        problems.append(Problem(gettext("choose at least one line"), column="lines"))
    for index in lines:
        if not 0 <= index < len(placements):
            problems.append(
                Problem(
                    gettext("line %(line)s is not one of the recommendation's %(count)s lines")
                    % {"line": index + 1, "count": len(placements)},
                    column="lines",
                )
            )
        elif index in recommendation.requested:
            problems.append(
                Problem(
                    gettext("line %(line)s has already been requested") % {"line": index + 1},
                    column="lines",
                )
            )
    return problems


def _origin(programme: Programme, site: str) -> Facility | Participant:
    kind, pk = placement_queries.origin_of(site)
    if kind == "facility":
        return Facility.objects.select_related("recipient__region", "programme").get(
            programme=programme, pk=pk
        )
    return Participant.objects.select_related("region", "programme").get(programme=programme, pk=pk)


@transaction.atomic
def request_transfers(
    *, recommendation: PlacementRecommendation, lines: Sequence[int], user: Any
) -> list[Transfer]:
    """Turn the chosen lines (indices into the result's placements) into transfer requests,
    each as its sending side would ask (the user's standing is checked per transfer); all or
    none. A line becomes a request once."""
    recommendation = PlacementRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    chosen = sorted(set(lines))
    problems = _line_problems(recommendation, chosen)
    if problems:
        raise ValidationFailed(problems)
    programme = recommendation.programme
    made = []
    for index in chosen:
        line = recommendation.result["placements"][index]
        try:
            origin = _origin(programme, line["site"])
            receiving = Facility.objects.select_related("recipient__region").get(
                programme=programme, pk=placement_queries.facility_pk(line["facility"])
            )
        except (Facility.DoesNotExist, Participant.DoesNotExist):
            raise ValidationFailed(
                [
                    Problem(
                        gettext("line %(line)s names a facility or region no longer here")
                        % {"line": index + 1},
                        column="lines",
                    )
                ]
            ) from None
        made.append(
            transfer_services.request_transfer(
                origin=origin,
                receiving_facility=receiving,
                acuity=line["acuity"],
                bed_type=line["bed_type"],
                requested=line["patients"],
                note=gettext("placement recommendation %(number)s, line %(line)s")
                % {"number": recommendation.number, "line": index + 1},
                user=user,
            )
        )
    recommendation.requested = sorted({*recommendation.requested, *chosen})
    recommendation.save(update_fields=["requested"])
    return made
