"""The exact stage of `engine.solve`: the model, solved level by level by a backend from the warm
start, within the solver's budget; then the plan read back and checked.

At national scale the first level's bounds and the kernel's plan come first
(`strategies.scale`); max-min by threshold tests replaces branch and bound on the first level
where it applies (`strategies.threshold`); on cost problems of whole donors a second solver runs
beside HiGHS (`strategies.beside`); a cost plan left unproven is polished (`cost_search`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pairaid.engine.backends import get_backend
from pairaid.engine.backends.base import Backend, Limits, OptimumStatus
from pairaid.engine.budget import FINISH, POLISH, Budget
from pairaid.engine.evaluate import Evaluation, evaluate
from pairaid.engine.formulation import COVERAGE_SCALE, PairingModel, build_model
from pairaid.engine.instance import Problem
from pairaid.engine.lexicographic import (
    LevelOutcome,
    LexicographicOutcome,
    relative_gap,
    solve_levels,
)
from pairaid.engine.messages import Message, message
from pairaid.engine.plans import hint, read_plan
from pairaid.engine.progress import Progress, Reporter
from pairaid.engine.result import Level, Result, plan_result
from pairaid.engine.strategies import beside, cost_search, kernel, scale, threshold
from pairaid.engine.strategies.base import Start
from pairaid.engine.strategies.warm_start import warm_start_note


@dataclass(frozen=True)
class Run:
    """What the steps of one run share."""

    problem: Problem
    budget: Budget
    reporter: Reporter
    relative_gap: float
    solve_part: scale.SolvePart


def exact_result(run: Run, warm_start: Start) -> Result:
    """The result of the exact backend from `warm_start` (see the module)."""
    problem = run.problem
    solver = get_backend(problem.options.backend)
    pairing = build_model(problem)
    budget = run.budget.rest(keep=run.budget.keep(FINISH) + _polish_keep(problem, run.budget))
    # HiGHS's presolve costs more than it saves on the fairness models (measured at 19×16:
    # max-min 2-5× faster without it); on cost-only (GAP) models it is kept.
    limits = Limits(
        seed=problem.options.seed, relative_gap=run.relative_gap, presolve=not _fair(problem)
    )
    warm = evaluate(problem, warm_start.plan)
    start, first_bound = warm, None
    if kernel.applies(problem, pairing.pairs):
        found = scale.start_and_bound(
            pairing, warm, solver, limits, budget, run.reporter, run.solve_part
        )
        start, first_bound = found.start, found.bound
    first = problem.objective_levels[0]
    if start.feasible:
        run.reporter.improved(first.name, start.level_value(first.name, problem), first_bound)
    companion = _companion(run, pairing, solver, start, warm_start, budget)
    if threshold.applies(problem, solver) and start.feasible:
        outcome, start = _threshold_levels(run, pairing, start, first_bound, solver, limits, budget)
    else:
        outcome = solve_levels(
            pairing,
            problem.level_names(),
            solver,
            limits,
            budget,
            hint(pairing, start) if start.feasible else None,
            on_level=lambda level: _tell_level(run, level),
            on_improvement=run.reporter.improved,
            exchange=None if companion is None else companion.shared,
        )
    if companion is not None:
        outcome = beside.cheaper_outcome(outcome, pairing, companion)
        method, status, counts = companion.summary()
        run.reporter.tell(
            Progress("beside", run.reporter.seconds(), method=method, status=status, counts=counts)
        )
    run.reporter.deliver()
    note = warm_start_note(problem, warm, warm_start.heuristics) if warm.feasible else None
    return _result(run, solver, pairing, outcome, start, first_bound, note)


def _fair(problem: Problem) -> bool:
    return any(level.fairness for level in problem.objective_levels)


def _tell_level(run: Run, level: LevelOutcome) -> None:
    run.reporter.level(level.name, level.status, level.value, level.bound)


def _polish_keep(problem: Problem, budget: Budget) -> float:
    """Time kept for polishing a cost plan the solver leaves unproven (`_polished`): not where
    the neighbourhood search beside HiGHS polishes during the solve."""
    if not cost_search.applies(problem) or len(problem.objective_levels) > 1:
        return 0.0
    return 0.0 if beside.applies(problem) else budget.keep(POLISH)


def _companion(
    run: Run,
    pairing: PairingModel,
    solver: Backend,
    start: Evaluation,
    warm_start: Start,
    budget: Budget,
) -> beside.Beside | None:
    problem = run.problem
    if not (beside.applies(problem) and solver.name == "highs" and start.feasible):
        return None
    first = problem.objective_levels[0].name

    def report(cost: float, found_at: float) -> None:
        run.reporter.improved(first, cost, None, at=found_at)

    return beside.start(
        problem,
        start.assignments,
        budget.left() or 0.0,
        lambda plan: hint(pairing, evaluate(problem, plan)),
        lambda values: read_plan(pairing, values),
        report,
        warm_start.reduced_costs,
        interrupt=budget.interrupt,
    )


def _threshold_levels(
    run: Run,
    pairing: PairingModel,
    start: Evaluation,
    first_bound: float | None,
    solver: Backend,
    limits: Limits,
    budget: Budget,
) -> tuple[LexicographicOutcome, Evaluation]:
    """Max-min first by threshold tests, then the later levels with it held. Returns the
    outcome and the plan to fall back on (the best plan of the first level)."""
    problem = pairing.problem
    names = problem.level_names()
    upper = kernel.reach_bound(problem, pairing.pairs)
    if first_bound is not None:
        upper = first_bound if upper is None else min(upper, first_bound)
    if upper is None:
        upper = start.level_value(threshold.LEVEL, problem)

    def read(model: PairingModel, values: list[float]) -> Evaluation:
        return evaluate(problem, read_plan(model, values))

    def improved(value: float, bound: float) -> None:
        run.reporter.improved(threshold.LEVEL, value, bound)

    found = threshold.search(
        problem, start, upper, solver, limits, budget.level(len(names)), read, improved
    )
    first = LevelOutcome(threshold.LEVEL, found.value, found.bound, found.status)
    _tell_level(run, first)
    status: OptimumStatus = "optimal" if found.status == "optimal" else "feasible"
    values = hint(pairing, found.best)
    if len(names) == 1:
        return LexicographicOutcome(status, (first,), values), found.best
    if budget.stopped():
        return _first_level_only(first, names, values), found.best
    pairing.hold(threshold.LEVEL, found.value)
    rest = solve_levels(
        pairing,
        names[1:],
        solver,
        limits,
        budget,
        values,
        on_level=lambda level: _tell_level(run, level),
        on_improvement=run.reporter.improved,
        levels_in_all=len(names),
    )
    if rest.values is None:
        # Not even the held plan was reproduced in time: keep the first level's plan.
        return _first_level_only(first, names, values), found.best
    if rest.status != "optimal":
        status = "feasible"
    return LexicographicOutcome(status, (first, *rest.levels), rest.values), found.best


def _first_level_only(
    first: LevelOutcome, names: Sequence[str], values: list[float]
) -> LexicographicOutcome:
    """The first level's outcome, the later ones not reached."""
    missing = tuple(LevelOutcome(name, None, None, "not_reached") for name in names[1:])
    return LexicographicOutcome("feasible", (first, *missing), values)


def _result(
    run: Run,
    solver: Backend,
    pairing: PairingModel,
    outcome: LexicographicOutcome,
    start: Evaluation,
    first_bound: float | None,
    warm_note: Message | None,
) -> Result:
    problem = run.problem
    options = problem.options
    if outcome.status == "infeasible":
        explanation = message("solver_infeasible", backend=solver.name)
        return Result(
            "infeasible", explanations=[explanation], backend=solver.name, seed=options.seed
        )
    if outcome.values is None:
        explanation = message("no_solution_in_time", seconds=options.time_limit_seconds)
        return Result(
            "no_solution", explanations=[explanation], backend=solver.name, seed=options.seed
        )
    evaluation, levels = _plan_and_levels(run, pairing, outcome, start, first_bound)
    if levels and levels[0].value is not None:  # polishing may have found a better plan
        run.reporter.improved(levels[0].name, levels[0].value, levels[0].bound)
    explanations: list[Message] = list(evaluation.violations) + list(evaluation.notes)
    explanations += [
        message("level_not_proven", level=level.name, gap=_percent(level.gap))
        for level in levels
        if level.status != "optimal"
    ]
    if warm_note is not None:
        explanations.append(warm_note)
    if solver.name == "cpsat" and _fair(problem):
        explanations.append(message("cpsat_precision", scale=COVERAGE_SCALE))
    result = plan_result(problem, outcome.status, levels, evaluation, explanations)
    return replace(result, backend=solver.name)


def _percent(gap: float | None) -> str:
    return "unknown" if gap is None else f"{gap:.4%}"


def _plan_and_levels(
    run: Run,
    pairing: PairingModel,
    outcome: LexicographicOutcome,
    start: Evaluation,
    first_bound: float | None,
) -> tuple[Evaluation, list[Level]]:
    """The plan to return and its levels: the solver's plan, unless its start was fairer;
    polished where it is a cost plan left unproven; the first level's bound tightened."""
    problem = pairing.problem
    assert outcome.values is not None
    evaluation = evaluate(problem, read_plan(pairing, outcome.values))
    levels = [_as_found(_level(level), evaluation, problem) for level in outcome.levels]
    if _start_is_fairer(problem, start, evaluation):
        # The solver stopped (time) on a plan below the one it was started from: keep the start.
        evaluation = start
        levels = [_with_value(level, start, problem) for level in levels]
    polished = _polished(problem, evaluation, levels, run.budget)
    if polished is not evaluation:
        evaluation = polished
        levels = [_with_value(levels[0], polished, problem)]
    if first_bound is not None and levels:
        levels[0] = _tightened(levels[0], first_bound)
    return evaluation, levels


def _polished(
    problem: Problem, evaluation: Evaluation, levels: Sequence[Level], budget: Budget
) -> Evaluation:
    """The solver's plan made cheaper by `cost_search` where its one cost level is not proven
    (measured: yagiura c801600 16,389 → 16,387, chu d20200 12,376 → 12,331 in 0.2 s): with
    whatever the solver left of the run's time but the finish, bounded by work when
    deterministic."""
    if not (
        cost_search.applies(problem)
        and len(levels) == 1
        and levels[0].status != "optimal"
        and evaluation.feasible
        and not budget.stopped()
    ):
        return evaluation
    seconds = None if budget.deterministic else budget.rest(keep=budget.keep(FINISH)).left()
    plan = cost_search.improve(
        problem, evaluation.assignments, time_limit_seconds=seconds, stop=budget.interrupt
    )
    cheaper = evaluate(problem, plan)
    first = levels[0].name
    if cheaper.feasible and cheaper.level_value(first, problem) < evaluation.level_value(
        first, problem
    ):
        return cheaper
    return evaluation


def _start_is_fairer(problem: Problem, start: Evaluation, found: Evaluation) -> bool:
    """Whether the warm start beats the solver's plan on a fairness level that comes first."""
    first = problem.objective_levels[0]
    if not (start.feasible and first.maximised):
        return False
    return start.level_value(first.name, problem) > found.level_value(first.name, problem) + 1e-12


def _with_value(level: Level, evaluation: Evaluation, problem: Problem) -> Level:
    """A level restated for the plan actually returned (never claimed optimal)."""
    value = evaluation.level_value(level.name, problem)
    status = level.status if level.status == "not_reached" else "feasible"
    return replace(level, value=value, gap=relative_gap(value, level.bound), status=status)


def _as_found(level: Level, evaluation: Evaluation, problem: Problem) -> Level:
    """A fairness level with the plan's own value when assigning the rest raised it above what
    the solver reported (it never lowers coverage), so that claims and evaluation agree."""
    if level.value is None or not problem.objective_level(level.name).maximised:
        return level
    value = evaluation.level_value(level.name, problem)
    if value <= level.value * (1 + 1e-9) + 1e-12:
        return level
    bound = None if level.bound is None else max(level.bound, value)
    return replace(level, value=value, bound=bound, gap=relative_gap(value, bound))


def _tightened(level: Level, bound: float) -> Level:
    """The level with the tighter of its own bound and the relaxation bound (maximised)."""
    if level.value is None or (level.bound is not None and level.bound <= bound):
        return level
    gap = relative_gap(level.value, bound)
    status = "optimal" if gap is not None and gap <= threshold.PROVEN_GAP else level.status
    return replace(level, bound=bound, gap=gap, status=status)


def _level(outcome: LevelOutcome) -> Level:
    return Level(
        outcome.name,
        outcome.value,
        outcome.bound,
        relative_gap(outcome.value, outcome.bound),
        outcome.status,
    )
