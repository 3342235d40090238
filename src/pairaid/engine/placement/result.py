"""The placement result (placement-result.schema.json) and the one entry point that reads,
solves and explains."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pairaid.engine.errors import ProblemInvalid
from pairaid.engine.messages import Message
from pairaid.engine.placement.evaluate import metrics
from pairaid.engine.placement.explain import explain
from pairaid.engine.placement.io import PLACEMENT_KIND, placement_from_dict
from pairaid.engine.placement.model import Placement, PlacementProblem
from pairaid.engine.placement.solve import LevelOutcome, solve_placement
from pairaid.engine.result import EXIT_CODES, RESULT_SCHEMA_VERSION, Status


@dataclass(frozen=True)
class PlacementResult:
    status: Status
    levels: Sequence[LevelOutcome] = ()
    placements: Sequence[Placement] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    explanations: Sequence[Message] = ()
    errors: Sequence[Message] = ()
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        document: dict[str, Any] = {
            "kind": PLACEMENT_KIND,
            "schema_version": RESULT_SCHEMA_VERSION,
            "status": self.status,
            "levels": [level.to_dict(timings=timings) for level in self.levels],
            "placements": [
                {
                    "site": p.site,
                    "acuity": p.acuity,
                    "facility": p.facility,
                    "bed_type": p.bed_type,
                    "patients": p.patients,
                    "travel_hours": p.travel_hours,
                    "tier": p.tier,
                }
                for p in self.placements
            ],
            "metrics": dict(self.metrics),
            "explanations": [m.to_dict() for m in self.explanations],
            "errors": [m.to_dict() for m in self.errors],
        }
        if timings:
            document["seconds"] = self.seconds
        return document


def recommend(
    problem: PlacementProblem, *, time_limit_seconds: float | None = None
) -> PlacementResult:
    """Solve the four levels and explain the placement. A placement always exists (placing no
    one is one), so the status is `optimal` when every level is proven and `feasible` else."""
    started = time.monotonic()
    solution = solve_placement(problem, time_limit_seconds=time_limit_seconds)
    return PlacementResult(
        status="optimal" if solution.proven else "feasible",
        levels=solution.levels,
        placements=solution.placements,
        metrics=metrics(problem, solution.placements),
        explanations=explain(problem, solution.placements),
        seconds=time.monotonic() - started,
    )


def recommend_document(
    document: Any, *, time_limit_seconds: float | None = None
) -> PlacementResult:
    """Read a decoded placement document and solve it; input errors give status `invalid`."""
    try:
        problem = placement_from_dict(document)
    except ProblemInvalid as error:
        return PlacementResult("invalid", errors=error.errors)
    return recommend(problem, time_limit_seconds=time_limit_seconds)
