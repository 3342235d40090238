"""The pipeline: checks → warm start → exact levels → evaluation → explanations → result.

The run's time limit is one `Budget` (`engine.budget`), shared out in order: the warm start's
heuristics (`strategies.warm_start`), the exact stage (`engine.exact`), then what is kept for
the finish (reading back, evaluating, explaining) and, when asked, the price of fairness. A
`StopToken` set during the run ends it promptly with the best plan found so far.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pairaid.engine import explain as explaining
from pairaid.engine.budget import FINISH, PRICE_OF_FAIRNESS, Budget, StopToken
from pairaid.engine.checks import check_problem, prove_infeasible
from pairaid.engine.evaluate import evaluate
from pairaid.engine.exact import Run, exact_result
from pairaid.engine.instance import Assignment, Problem, SolveOptions
from pairaid.engine.messages import message
from pairaid.engine.progress import Progress, ProgressCallback, Reporter
from pairaid.engine.result import Level, Result, Status, plan_result
from pairaid.engine.strategies.base import Start
from pairaid.engine.strategies.warm_start import heuristics_for, warm_start

HEURISTIC_BACKENDS = ("greedy", "local_search")


@dataclass(frozen=True)
class _Clock:
    wall: float
    process: float

    @classmethod
    def start(cls) -> _Clock:
        return cls(time.perf_counter(), time.process_time())

    def finish(self, result: Result) -> Result:
        return replace(
            result,
            seconds=time.perf_counter() - self.wall,
            process_seconds=time.process_time() - self.process,
        )


def solve(
    problem: Problem,
    *,
    backend: str | None = None,
    time_limit_seconds: float | None = None,
    seed: int | None = None,
    deterministic: bool | None = None,
    relative_gap: float = 0.0,
    explain: bool = True,
    price_of_fairness: bool = False,
    progress: ProgressCallback | None = None,
    stop: StopToken | None = None,
) -> Result:
    """Solve a problem; arguments given here override the problem's own options.

    Never raises for bad input or infeasibility: those are the statuses `invalid` and
    `infeasible` of the result, and so is a request over the engine's limits (`engine.LIMITS`).
    The whole run keeps to `time_limit_seconds` (a run without one, to the engine's maximum),
    explanations included. `explain` adds the explanations of `engine.explain` for fairness
    objectives; `price_of_fairness` also solves the cost (or travel) objective alone to compare
    with it, within the same time. `progress` receives a `Progress` payload for each step and
    each better plan, on the calling thread; it does not change the result. `stop`, once set,
    ends the run promptly with the best plan found so far (a `stopped` explanation says so).
    """
    clock = _Clock.start()
    problem = _with_options(problem, backend, time_limit_seconds, seed, deterministic)
    options = problem.options
    errors = check_problem(problem)
    if errors:
        return clock.finish(
            Result("invalid", errors=errors, backend=options.backend, seed=options.seed)
        )
    budget = Budget.of_run(
        options.time_limit_seconds, deterministic=options.deterministic, stop=stop
    )
    reporter = Reporter(
        progress,
        budget.clock,
        budget.started,
        {level.name: level.maximised for level in problem.objective_levels},
    )
    return clock.finish(
        _solve_checked(problem, budget, reporter, relative_gap, explain, price_of_fairness)
    )


def _solve_checked(
    problem: Problem,
    budget: Budget,
    reporter: Reporter,
    gap: float,
    explain: bool,
    price: bool,
) -> Result:
    """The pipeline for a problem that passed the checks, within `budget`."""
    options = problem.options
    proofs = prove_infeasible(problem)
    if proofs:
        return Result("infeasible", explanations=proofs, backend=options.backend, seed=options.seed)
    sizes = (("donors", len(problem.donors)), ("recipients", len(problem.recipients)))
    reporter.tell(Progress("checked", reporter.seconds(), counts=sizes))
    priced = price and explain and _fair(problem)
    solving = budget.rest(keep=budget.keep(PRICE_OF_FAIRNESS) if priced else 0.0)
    start = warm_start(problem, solving, heuristics_for(options.backend))
    _tell_warm_start(problem, start, reporter)
    if options.backend in HEURISTIC_BACKENDS or budget.stopped():
        result = _heuristic_result(problem, start.plan)
    else:
        result = exact_result(Run(problem, solving, reporter, gap, _bound_of_part), start)
    if budget.stopped():
        reporter.tell(Progress("stopped", reporter.seconds()))
        stopped = message("stopped", seconds=round(reporter.seconds(), 1))
        result = replace(result, explanations=[*result.explanations, stopped])
    if result.pairs and explain and _fair(problem):
        result = _with_explanations(problem, result, priced, gap, budget)
    reporter.deliver()
    return result


def _bound_of_part(part: Problem, budget: Budget) -> float | None:
    """The first level's bound of a smaller problem solved by this same pipeline (the
    bottleneck subproblem at national scale, `strategies.scale`)."""
    reporter = Reporter(None, budget.clock, budget.started)
    result = _solve_checked(part, budget, reporter, 0.0, explain=False, price=False)
    return result.levels[0].bound if result.levels else None


def _tell_warm_start(problem: Problem, start: Start, reporter: Reporter) -> None:
    evaluation = evaluate(problem, start.plan)
    values = tuple((name, evaluation.level_value(name, problem)) for name in problem.level_names())
    reporter.tell(
        Progress(
            "warm_start",
            reporter.seconds(),
            method=" + ".join(start.heuristics),
            counts=(("pairs", len(start.plan)),),
            values=values if evaluation.feasible else (),
        )
    )


def _fair(problem: Problem) -> bool:
    return any(level.fairness for level in problem.objective_levels)


def _with_explanations(
    problem: Problem, result: Result, price: bool, gap: float, budget: Budget
) -> Result:
    """The explanations, cut short at the end of the run's time; the price of fairness with
    what is left of it but the finish (its own budget in deterministic runs)."""
    evaluation = evaluate(problem, plan_of(result))
    messages = list(result.explanations) + explaining.explain(
        problem, evaluation, stop=budget.interrupt
    )
    if price and not budget.stopped():
        reference = _cheapest(explaining.cost_only(problem), budget, gap)
        if reference.pairs:
            cheapest = plan_of(reference)
            note = explaining.price_of_fairness(
                problem, evaluation, cheapest, evaluate(problem, cheapest)
            )
            if note is not None:
                messages.append(note)
    return replace(result, explanations=messages)


def _cheapest(problem: Problem, budget: Budget, gap: float) -> Result:
    if budget.deterministic:
        # Work, not time: the reference gets the run's own work limit, as a run of its own.
        budget = Budget.of_run(budget.seconds, deterministic=True, stop=budget.stop)
    else:
        budget = budget.rest(keep=budget.keep(FINISH))
    reporter = Reporter(None, budget.clock, budget.started)
    return _solve_checked(problem, budget, reporter, gap, explain=False, price=False)


def plan_of(result: Result) -> tuple[Assignment, ...]:
    """The plan of a result, with its split, ready for `evaluate`."""
    return tuple(Assignment(p.donor, p.recipient, p.allocation) for p in result.pairs)


def _with_options(
    problem: Problem,
    backend: str | None,
    time_limit_seconds: float | None,
    seed: int | None,
    deterministic: bool | None,
) -> Problem:
    current = problem.options
    options = SolveOptions(
        backend=current.backend if backend is None else backend,
        time_limit_seconds=current.time_limit_seconds
        if time_limit_seconds is None
        else time_limit_seconds,
        seed=current.seed if seed is None else seed,
        deterministic=current.deterministic if deterministic is None else deterministic,
    )
    return replace(problem, options=options)


def _heuristic_result(problem: Problem, plan: Sequence[Assignment]) -> Result:
    """The heuristics' plan as the result: feasible levels without bounds, or no solution."""
    evaluation = evaluate(problem, plan)
    status: Status = "feasible" if evaluation.feasible else "no_solution"
    levels = [
        Level(name, evaluation.level_value(name, problem), None, None, "feasible")
        for name in problem.level_names()
    ]
    explanations = list(evaluation.violations) + list(evaluation.notes)
    return plan_result(
        problem, status, levels if evaluation.feasible else [], evaluation, explanations
    )
