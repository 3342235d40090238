"""Lexicographic optimisation: solve each level with the earlier ones held at their values."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pairaid.engine.backends.base import Backend, Exchange, Limits, OptimumStatus
from pairaid.engine.budget import Budget
from pairaid.engine.formulation import PairingModel

HOLD_TOLERANCE = 1e-6
"""Relative tolerance with which a solved level is held for the later ones (DESIGN.md §4)."""


@dataclass(frozen=True)
class LevelOutcome:
    name: str
    value: float | None
    bound: float | None
    status: str  # optimal | feasible | not_reached

    @property
    def gap(self) -> float | None:
        return relative_gap(self.value, self.bound)


@dataclass(frozen=True)
class LexicographicOutcome:
    status: OptimumStatus
    levels: tuple[LevelOutcome, ...]
    values: list[float] | None


def relative_gap(value: float | None, bound: float | None) -> float | None:
    """`|bound - value| / max(|value|, |bound|)`, None when both are 0 or either is unknown."""
    if value is None or bound is None:
        return None
    scale = max(abs(value), abs(bound))
    return None if scale == 0 else abs(bound - value) / scale


def solve_levels(
    pairing: PairingModel,
    level_names: Sequence[str],
    backend: Backend,
    limits: Limits,
    budget: Budget,
    hint: Sequence[float] | None = None,
    tolerance: float = HOLD_TOLERANCE,
    on_level: Callable[[LevelOutcome], None] | None = None,
    on_improvement: Callable[[str, float, float | None], None] | None = None,
    exchange: Exchange | None = None,
    levels_in_all: int | None = None,
) -> LexicographicOutcome:
    """Solve the levels in order, each within its part of `budget` (`Budget.level`); a level
    not proven is held at the best value found. Once the budget is spent or the run stopped,
    the levels left are `not_reached`. `limits` gives the rest of the solver's settings.
    `exchange` trades plans with a search beside the solver on the first level only (its plans
    are not held to the later levels' rows). `levels_in_all`: the run's levels, where these are
    the later ones (deterministic runs share the work equally among all)."""
    count = levels_in_all or len(level_names)
    outcomes: list[LevelOutcome] = []
    values = list(hint) if hint is not None else None
    status: OptimumStatus = "optimal"
    for name in level_names:
        if outcomes and budget.expired():
            return _not_reached(outcomes, level_names, values)
        expression, maximize = pairing.level(name)
        if values is not None and len(values) < pairing.model.size:
            values = extend_hint(pairing, values)
        report = None
        if on_improvement is not None:
            report = functools.partial(_improved, on_improvement, name)
        optimum = backend.optimize(
            pairing.model,
            expression,
            maximize=maximize,
            limits=budget.level(count).solver_limits(limits),
            hint=values,
            on_improvement=report,
            exchange=exchange if not outcomes else None,
        )
        if optimum.status in ("infeasible", "no_solution") or optimum.values is None:
            if not outcomes:
                return LexicographicOutcome(optimum.status, (), None)
            # Later levels could not even reproduce a held solution in time: keep what we have.
            return _not_reached(outcomes, level_names, values)
        assert optimum.value is not None
        outcomes.append(LevelOutcome(name, optimum.value, optimum.bound, optimum.status))
        if on_level is not None:
            on_level(outcomes[-1])
        if optimum.status != "optimal":
            status = "feasible"
        values = optimum.values
        pairing.hold(name, optimum.value, tolerance)
    return LexicographicOutcome(status, tuple(outcomes), values)


def _improved(
    report: Callable[[str, float, float | None], None],
    name: str,
    value: float,
    bound: float | None,
    seconds: float,
) -> None:
    report(name, value, bound)  # the backend's own seconds say little after a warm start


def _not_reached(
    outcomes: list[LevelOutcome], level_names: Sequence[str], values: list[float] | None
) -> LexicographicOutcome:
    rest = [LevelOutcome(n, None, None, "not_reached") for n in level_names[len(outcomes) :]]
    return LexicographicOutcome("feasible", (*outcomes, *rest), values)


def extend_hint(pairing: PairingModel, values: list[float]) -> list[float]:
    """Give variables added by a new level (thresholds, shortfalls) values consistent with the
    previous solution, so the previous solution stays a valid warm start."""
    model = pairing.model
    extended = values + [0.0] * (model.size - len(values))
    ranked = sorted(extended[c] for c in pairing.coverage.values())
    for level in pairing.ordered_sums:
        if level.threshold < len(values) or not ranked:
            continue
        threshold = ranked[min(level.k, len(ranked)) - 1]
        extended[level.threshold] = threshold
        for coverage, shortfall in level.shortfalls:
            extended[shortfall] = max(0.0, threshold - extended[coverage])
    return extended
