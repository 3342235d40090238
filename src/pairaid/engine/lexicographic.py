"""Lexicographic optimisation: solve each level with the earlier ones held at their values."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pairaid.engine.backends.base import Backend, Exchange, Limits, OptimumStatus
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
    hint: Sequence[float] | None = None,
    tolerance: float = HOLD_TOLERANCE,
    on_level: Callable[[LevelOutcome, float], None] | None = None,
    on_improvement: Callable[[str, float, float | None, float], None] | None = None,
    exchange: Exchange | None = None,
) -> LexicographicOutcome:
    """Solve the levels in order; a level not proven is held at the best value found.
    `exchange` trades plans with a search beside the solver on the first level only (its plans
    are not held to the later levels' rows)."""
    started = time.monotonic()
    outcomes: list[LevelOutcome] = []
    values = list(hint) if hint is not None else None
    status: OptimumStatus = "optimal"
    for name in level_names:
        expression, maximize = pairing.level(name)
        remaining = _remaining(limits, started, len(level_names))
        if values is not None and len(values) < pairing.model.size:
            values = extend_hint(pairing, values)
        report = None
        if on_improvement is not None:
            report = functools.partial(on_improvement, name)
        optimum = backend.optimize(
            pairing.model,
            expression,
            maximize=maximize,
            limits=remaining,
            hint=values,
            on_improvement=report,
            exchange=exchange if not outcomes else None,
        )
        if optimum.status in ("infeasible", "no_solution") or optimum.values is None:
            if not outcomes:
                return LexicographicOutcome(optimum.status, (), None)
            # Later levels could not even reproduce a held solution in time: keep what we have.
            outcomes += [
                LevelOutcome(n, None, None, "not_reached") for n in level_names[len(outcomes) :]
            ]
            return LexicographicOutcome("feasible", tuple(outcomes), values)
        assert optimum.value is not None
        outcomes.append(LevelOutcome(name, optimum.value, optimum.bound, optimum.status))
        if on_level is not None:
            on_level(outcomes[-1], time.monotonic() - started)
        if optimum.status != "optimal":
            status = "feasible"
        values = optimum.values
        pairing.hold(name, optimum.value, tolerance)
    return LexicographicOutcome(status, tuple(outcomes), values)


def _remaining(limits: Limits, started: float, level_count: int) -> Limits:
    """The limits of the next level: what is left of the clock, or in deterministic mode an
    equal share of the work for each level (so that K levels do not take K times the limit)."""
    if limits.time_limit_seconds is None:
        return limits
    if limits.deterministic:
        return replace(limits, time_limit_seconds=limits.time_limit_seconds / level_count)
    left = max(limits.time_limit_seconds - (time.monotonic() - started), 0.01)
    return replace(limits, time_limit_seconds=left)


def extend_hint(pairing: PairingModel, values: list[float]) -> list[float]:
    """Give variables added by a new level (thresholds, shortfalls) values consistent with the
    previous solution, so the previous solution stays a valid warm start."""
    model = pairing.model
    extended = values + [0.0] * (model.size - len(values))
    coverages = [extended[c] for c in pairing.coverage.values()]
    for index in range(len(values), model.size):
        name = model.names[index]
        if name.startswith("t[") and coverages:
            k = int(name[2:-1])
            extended[index] = sorted(coverages)[min(k, len(coverages)) - 1]
    thresholds = {
        model.names[i]: extended[i]
        for i in range(len(values), model.size)
        if model.names[i].startswith("t[")
    }
    for index in range(len(values), model.size):
        name = model.names[index]
        if name.startswith("d["):
            k_text, coverage_text = name[2:-1].split(",")
            threshold = thresholds.get(f"t[{k_text}]", 0.0)
            extended[index] = max(0.0, threshold - extended[int(coverage_text)])
    return extended
