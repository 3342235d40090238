"""The backend interface: optimise one linear objective over a `LinearModel`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pairaid.engine.model import LinearExpression, LinearModel

OptimumStatus = Literal["optimal", "feasible", "infeasible", "no_solution"]


@dataclass(frozen=True)
class Limits:
    """Solver limits. In deterministic mode a backend uses one worker and, where it has one, a
    work limit derived from `time_limit_seconds` instead of the wall clock."""

    time_limit_seconds: float | None = None
    seed: int = 0
    deterministic: bool = False
    relative_gap: float = 0.0
    presolve: bool = True
    feasibility_tolerance: float | None = None
    """Row and integrality tolerance, where the solver's default (1e-6) is too coarse."""
    workers: int | None = None
    """Search workers where the backend runs several (CP-SAT); None leaves its default."""
    interrupt: Callable[[], bool] | None = field(default=None, compare=False)
    """Asked now and then during the search (`Budget.interrupt`): True stops it, and the
    backend returns the best plan it has (a stop token set, or the run's deadline passed)."""


@dataclass(frozen=True)
class Optimum:
    """What a backend found for one objective: values of every model variable when it has any."""

    status: OptimumStatus
    value: float | None = None
    bound: float | None = None
    values: list[float] | None = None
    note: str | None = None


Improvement = Callable[[float, float | None, float], None]
"""Called by a backend with each better plan it finds: (value, best bound or None, seconds)."""


class Exchange(Protocol):
    """Plans shared during a solve with a search running beside it (`strategies.neighbourhood`)."""

    may_settle: bool
    """Whether the search beside may prove its plan optimal (then the solver asks `settled`)."""

    def found(self, values: Sequence[float]) -> None:
        """A better plan the solver found: every model variable's value."""

    def better(self, value: float) -> Sequence[float] | None:
        """Values of a plan better than the solver's incumbent `value`, if there is one."""

    def settled(self) -> bool:
        """Whether the search beside has proven its plan optimal, so the solver may stop."""


class Backend(Protocol):
    name: str

    def optimize(
        self,
        model: LinearModel,
        objective: LinearExpression,
        *,
        maximize: bool,
        limits: Limits,
        hint: Sequence[float] | None = None,
        on_improvement: Improvement | None = None,
        exchange: Exchange | None = None,
    ) -> Optimum: ...


class Relaxation(Protocol):
    """The linear relaxation of a model (integrality dropped): a bound valid for the model, and
    an optimal vertex with each column's reduced cost. `limits` gives the time and the
    interrupt; None where it was not solved in time."""

    def bound(
        self, model: LinearModel, objective: LinearExpression, *, maximize: bool, limits: Limits
    ) -> float | None: ...

    def vertex(
        self, model: LinearModel, objective: LinearExpression, *, maximize: bool, limits: Limits
    ) -> tuple[list[float], list[float]] | None: ...
