"""The placement recommender: where today's waiting patients should go, bed by bed type.

    from pairaid.engine import placement
    problem = placement.placement_from_dict(document)     # ProblemInvalid lists every error
    result = placement.recommend(problem)
    print(result.status, [(p.site, p.facility, p.patients) for p in result.placements])

docs/problem-format.md ("Placement") describes the input, docs/algorithms.md the method.
"""

from pairaid.engine.placement.evaluate import Objectives, metrics, objectives
from pairaid.engine.placement.io import PLACEMENT_KIND, placement_from_dict
from pairaid.engine.placement.model import (
    ACUITY_PRIORITY,
    BedCount,
    Facility,
    Placement,
    PlacementProblem,
    Route,
    Site,
    compatible,
)
from pairaid.engine.placement.result import PlacementResult, recommend, recommend_document

__all__ = [
    "ACUITY_PRIORITY",
    "PLACEMENT_KIND",
    "BedCount",
    "Facility",
    "Objectives",
    "Placement",
    "PlacementProblem",
    "PlacementResult",
    "Route",
    "Site",
    "compatible",
    "metrics",
    "objectives",
    "placement_from_dict",
    "recommend",
    "recommend_document",
]
