"""The result contract (DESIGN.md §4), shared by the CLI, the workspace and the API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pairaid.engine.evaluate import Evaluation
from pairaid.engine.instance import Problem
from pairaid.engine.messages import Message

RESULT_SCHEMA_VERSION = 1

Status = Literal["optimal", "feasible", "infeasible", "no_solution", "invalid"]
EXIT_CODES: Mapping[str, int] = {
    "optimal": 0,
    "feasible": 0,
    "infeasible": 1,
    "no_solution": 1,
    "invalid": 2,
}


@dataclass(frozen=True)
class Level:
    """One lexicographic level: value found, best bound, relative gap and its status."""

    name: str
    value: float | None
    bound: float | None
    gap: float | None
    status: str  # optimal | feasible | not_reached


@dataclass(frozen=True)
class PairResult:
    donor: str
    recipient: str
    allocation: Mapping[str, float]


@dataclass(frozen=True)
class Result:
    status: Status
    levels: Sequence[Level] = ()
    pairs: Sequence[PairResult] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    explanations: Sequence[Message] = ()
    errors: Sequence[Message] = ()
    seconds: float = 0.0
    process_seconds: float = 0.0
    backend: str = ""
    seed: int = 0
    schema_version: int = RESULT_SCHEMA_VERSION

    @property
    def exit_code(self) -> int:
        """0 optimal or feasible, 1 infeasible or no solution, 2 invalid input."""
        return EXIT_CODES[self.status]

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        """The JSON document of the result; `timings=False` drops the two timing fields so
        deterministic runs can be compared."""
        document: dict[str, Any] = {
            "kind": "pairing",
            "schema_version": self.schema_version,
            "status": self.status,
            "backend": self.backend,
            "seed": self.seed,
            "levels": [
                {
                    "name": level.name,
                    "value": level.value,
                    "bound": level.bound,
                    "gap": level.gap,
                    "status": level.status,
                }
                for level in self.levels
            ],
            "pairs": [
                {"donor": p.donor, "recipient": p.recipient, "allocation": dict(p.allocation)}
                for p in self.pairs
            ],
            "metrics": dict(self.metrics),
            "explanations": [m.to_dict() for m in self.explanations],
            "errors": [m.to_dict() for m in self.errors],
        }
        if timings:
            document["seconds"] = self.seconds
            document["process_seconds"] = self.process_seconds
        return document


def plan_result(
    problem: Problem,
    status: Status,
    levels: Sequence[Level],
    evaluation: Evaluation,
    explanations: Sequence[Message],
) -> Result:
    """The result of an evaluated plan: its pairs with their split and its metrics."""
    pairs = [
        PairResult(a.donor, a.recipient, dict(a.allocation or {})) for a in evaluation.assignments
    ]
    return Result(
        status=status,
        levels=levels,
        pairs=pairs,
        metrics=evaluation.metrics,
        explanations=explanations,
        backend=problem.options.backend,
        seed=problem.options.seed,
    )
