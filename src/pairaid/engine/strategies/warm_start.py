"""The warm start: heuristics run in order, each improving the plan of the one before.

greedy → the matching construction (fairness) → the worst-off search (fairness) → the linear
relaxation's plan or the cost search (cost problems of whole donors) → the local search (other
one-recipient-per-donor problems). The heuristic backends run the same chain with the whole
time limit given to their search (`BASELINES`); `greedy` stops after greedy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pairaid.engine.backends import get_relaxation
from pairaid.engine.backends.base import Limits
from pairaid.engine.budget import COST_SEARCH, LOCAL_SEARCH, RELAXATION_PLAN, WHOLE, Budget, Share
from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.evaluate import Evaluation, evaluate
from pairaid.engine.formulation import build_model
from pairaid.engine.instance import MAX_MIN_LEVEL, Problem
from pairaid.engine.messages import Message, message
from pairaid.engine.strategies import (
    bottleneck,
    cost_search,
    kernel,
    local_search,
    matching,
    neighbourhood,
)
from pairaid.engine.strategies.base import Heuristic, Start
from pairaid.engine.strategies.greedy import greedy_plan

WARM_START_EVALUATIONS = 2_000
"""The local search's work limit as a warm start: measured on chu1997, more costs more time
than it saves HiGHS."""
BASELINE_EVALUATIONS = 1_000_000
"""The local search's work limit as the `local_search` backend, where it is the whole run."""


class Greedy:
    code = "greedy"
    share: Share | None = None

    def applies(self, problem: Problem, start: Start) -> bool:
        return True

    def improve(self, problem: Problem, start: Start, budget: Budget) -> Start:
        return start.by(self.code, greedy_plan(problem))


class Matching:
    """The matching construction's plan (`matching`) where it beats the start's minimum."""

    code = "matching"
    share: Share | None = None

    def applies(self, problem: Problem, start: Start) -> bool:
        return matching.applies(problem)

    def improve(self, problem: Problem, start: Start, budget: Budget) -> Start:
        pairs = eligible_pairs(problem)
        before = evaluate(problem, start.plan)
        low = before.level_value(MAX_MIN_LEVEL.name, problem) if before.feasible else 0.0
        high = kernel.reach_bound(problem, pairs)
        if high is None:
            return start
        matched = matching.matching_plan(problem, pairs, low, high, stop=budget.interrupt)
        if matched is None:
            return start
        found = evaluate(problem, matched)
        if found.feasible and (not before.feasible or _fairer(problem, found, before)):
            return start.by(self.code, matched)
        return start


def _fairer(problem: Problem, found: Evaluation, before: Evaluation) -> bool:
    level = problem.objective_levels[0]
    return found.level_value(level.name, problem) > before.level_value(level.name, problem)


class WorstOff:
    """The worst-off search (`bottleneck.raise_minimum`): bounded by moves, not the clock."""

    code = "worst_off"
    share: Share | None = None

    def applies(self, problem: Problem, start: Start) -> bool:
        return bottleneck.applies(problem)

    def improve(self, problem: Problem, start: Start, budget: Budget) -> Start:
        plan = bottleneck.raise_minimum(problem, start.plan, stop=budget.interrupt)
        return start.by(self.code, plan)


class RelaxationPlan:
    """The plan built on the linear relaxation's optimum (`neighbourhood.relaxation_plan`), with
    the relaxation's reduced costs: HiGHS runs that are not deterministic, cost problems of
    whole donors. Kept only where it finishes in its share with a feasible plan."""

    code = "relaxation"
    share: Share | None = RELAXATION_PLAN

    def applies(self, problem: Problem, start: Start) -> bool:
        return neighbourhood.applies(problem) and problem.options.backend in ("auto", "highs")

    def improve(self, problem: Problem, start: Start, budget: Budget) -> Start:
        pairing = build_model(problem)
        expression, maximize = pairing.level(problem.level_names()[0])
        limits = budget.solver_limits(Limits())
        solution = get_relaxation().vertex(
            pairing.model, expression, maximize=maximize, limits=limits
        )
        if solution is None or budget.expired():
            return start
        values, reduced = solution
        relaxed = {key: values[index] for key, index in pairing.assign.items()}
        interrupt = budget.solver_interrupt()
        plan = neighbourhood.relaxation_plan(problem, relaxed, budget.left(), interrupt)
        if plan is None or not evaluate(problem, plan).feasible:
            return start
        reduced_costs = {key: reduced[index] for key, index in pairing.assign.items()}
        return start.by(self.code, plan, reduced_costs)


@dataclass(frozen=True)
class CostSearch:
    """Greedy's plan repaired and made cheaper (`cost_search`), where the relaxation gave none
    (deterministic runs, CP-SAT, or the relaxation's plan failed)."""

    share: Share | None = COST_SEARCH
    code: str = "cost_search"

    def applies(self, problem: Problem, start: Start) -> bool:
        return cost_search.applies(problem) and start.reduced_costs is None

    def improve(self, problem: Problem, start: Start, budget: Budget) -> Start:
        plan = cost_search.improve(
            problem, start.plan, time_limit_seconds=budget.left(), stop=budget.interrupt
        )
        return start.by(self.code, plan)


@dataclass(frozen=True)
class LocalSearch:
    """Moves and swaps scored lexicographically (`local_search`), for one-recipient-per-donor
    problems that are not cost problems (those have the cost search)."""

    share: Share | None = LOCAL_SEARCH
    evaluations: int = WARM_START_EVALUATIONS
    code: str = "local_search"

    def applies(self, problem: Problem, start: Start) -> bool:
        return local_search.applies(problem) and not cost_search.applies(problem)

    def improve(self, problem: Problem, start: Start, budget: Budget) -> Start:
        plan = local_search.improve(
            problem,
            start.plan,
            time_limit_seconds=_or_endless(budget.left()),
            max_evaluations=self.evaluations,
            stop=budget.interrupt,
        )
        return start.by(self.code, plan)


def _or_endless(seconds: float | None) -> float:
    return float("inf") if seconds is None else seconds


WARM_START: tuple[Heuristic, ...] = (
    Greedy(),
    Matching(),
    WorstOff(),
    RelaxationPlan(),
    CostSearch(),
    LocalSearch(),
)
"""The exact backends' warm start, in order."""
BASELINES: dict[str, tuple[Heuristic, ...]] = {
    "greedy": (Greedy(),),
    "local_search": (
        Greedy(),
        Matching(),
        WorstOff(),
        CostSearch(WHOLE),
        LocalSearch(WHOLE, BASELINE_EVALUATIONS),
    ),
}
"""The heuristic backends: the plan of their chain is the result."""


def warm_start(problem: Problem, budget: Budget, chain: Sequence[Heuristic] = WARM_START) -> Start:
    """The plan of the heuristics in `chain`, each given its share of `budget` (none once the
    run is stopped: the plan so far is returned)."""
    start = Start()
    for heuristic in chain:
        if start.plan and budget.expired():
            break
        if heuristic.applies(problem, start):
            start = heuristic.improve(problem, start, budget.clock_part(heuristic.share))
    return start


def heuristics_for(backend: str) -> tuple[Heuristic, ...]:
    return BASELINES.get(backend, WARM_START)


def warm_start_note(problem: Problem, evaluation: Evaluation, heuristics: Sequence[str]) -> Message:
    """The note on the warm start: the heuristics that made it (codes) and its value on each
    level, as data (a translation renders them in its own words)."""
    levels = [
        {"level": name, "value": evaluation.level_value(name, problem)}
        for name in problem.level_names()
    ]
    return message("warm_start", heuristics=list(heuristics), levels=levels)
