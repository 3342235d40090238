"""The matching result (matching-result.schema.json) and the entry points that read, solve and
explain."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pairaid.engine.errors import ProblemInvalid
from pairaid.engine.matching.evaluate import fill_shares, metrics
from pairaid.engine.matching.explain import explain
from pairaid.engine.matching.io import MATCHING_KIND, matching_from_dict
from pairaid.engine.matching.model import MatchingProblem, Shipment
from pairaid.engine.matching.solve import solve_matching
from pairaid.engine.messages import Message
from pairaid.engine.placement.solve import LevelOutcome
from pairaid.engine.result import EXIT_CODES, RESULT_SCHEMA_VERSION, Status


@dataclass(frozen=True)
class MatchingResult:
    status: Status
    levels: Sequence[LevelOutcome] = ()
    shipments: Sequence[Shipment] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    explanations: Sequence[Message] = ()
    errors: Sequence[Message] = ()
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        document: dict[str, Any] = {
            "kind": MATCHING_KIND,
            "schema_version": RESULT_SCHEMA_VERSION,
            "status": self.status,
            "levels": [level.to_dict(timings=timings) for level in self.levels],
            "shipments": [
                {
                    "lot": s.lot,
                    "need": s.need,
                    "donor": s.donor,
                    "recipient": s.recipient,
                    "item": s.item,
                    "quantity": s.quantity,
                    "km": s.km,
                }
                for s in self.shipments
            ],
            "metrics": dict(self.metrics),
            "explanations": [m.to_dict() for m in self.explanations],
            "errors": [m.to_dict() for m in self.errors],
        }
        if timings:
            document["seconds"] = self.seconds
        return document


def match(problem: MatchingProblem, *, time_limit_seconds: float | None = None) -> MatchingResult:
    """Solve the three levels and explain the matching. Shipping nothing is always a matching,
    so the status is `optimal` when every level is proven and `feasible` else."""
    started = time.monotonic()
    solution = solve_matching(problem, time_limit_seconds=time_limit_seconds)
    shares = fill_shares(problem, solution.shipments, solution.arcs)
    return MatchingResult(
        status="optimal" if solution.proven else "feasible",
        levels=solution.levels,
        shipments=solution.shipments,
        metrics=metrics(problem, solution.shipments, solution.arcs),
        explanations=explain(problem, solution.shipments, solution.arcs, shares, solution.levels),
        seconds=time.monotonic() - started,
    )


def match_document(document: Any, *, time_limit_seconds: float | None = None) -> MatchingResult:
    """Read a decoded matching document and solve it; input errors give status `invalid`."""
    try:
        problem = matching_from_dict(document)
    except ProblemInvalid as error:
        return MatchingResult("invalid", errors=error.errors)
    return match(problem, time_limit_seconds=time_limit_seconds)
