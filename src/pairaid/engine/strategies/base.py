"""The interface of a warm-start heuristic, and the plan it hands on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from pairaid.engine.budget import Budget, Share
from pairaid.engine.instance import Assignment, PairKey, Problem


@dataclass(frozen=True)
class Start:
    """The plan the exact solver starts from, the heuristics that made it, and, where it was
    built on the linear relaxation, each eligible pair's reduced cost there (they choose the
    pairs of the neighbourhood search's core problem)."""

    plan: tuple[Assignment, ...] = ()
    heuristics: tuple[str, ...] = ()
    reduced_costs: Mapping[PairKey, float] | None = None

    def by(
        self,
        heuristic: str,
        plan: tuple[Assignment, ...],
        reduced_costs: Mapping[PairKey, float] | None = None,
    ) -> Start:
        """This start as `heuristic` left it."""
        costs = self.reduced_costs if reduced_costs is None else reduced_costs
        made_by = (*self.heuristics, heuristic)
        return replace(self, plan=plan, heuristics=made_by, reduced_costs=costs)


class Heuristic(Protocol):
    """One heuristic of the warm start: builds or improves the plan within its budget: `share`
    of the run's time by the clock, or, in deterministic runs, its own work limit alone (the
    budget is then unlimited but still stops with the run)."""

    @property
    def code(self) -> str:
        """Its code in messages and progress (`messages.HEURISTIC_NAMES`)."""

    @property
    def share(self) -> Share | None:
        """Its share of the run's time limit; None: bounded by its own work limit."""

    def applies(self, problem: Problem, start: Start) -> bool:
        """Whether it has anything to do on this problem, after `start`."""

    def improve(self, problem: Problem, start: Start, budget: Budget) -> Start:
        """A start at least as good as `start`, made within `budget`."""
