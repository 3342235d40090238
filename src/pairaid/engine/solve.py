"""The pipeline: checks → warm start (greedy, local search) → exact levels → evaluation → report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pairaid.engine import explain as explaining
from pairaid.engine.backends import get_backend
from pairaid.engine.backends.base import Limits
from pairaid.engine.checks import check_problem, prove_infeasible
from pairaid.engine.evaluate import Evaluation, evaluate
from pairaid.engine.formulation import COVERAGE_SCALE, PairingModel, build_model
from pairaid.engine.greedy import greedy_plan
from pairaid.engine.instance import FAIRNESS_OBJECTIVES, Assignment, Problem, SolveOptions
from pairaid.engine.lexicographic import LevelOutcome, relative_gap, solve_levels
from pairaid.engine.local_search import applies as local_search_applies
from pairaid.engine.local_search import improve
from pairaid.engine.messages import Message, message
from pairaid.engine.result import Level, PairResult, Result, Status
from pairaid.engine.split import leximin_split

HEURISTIC_BACKENDS = ("greedy", "local_search")
_LOCAL_SEARCH_SHARE = 0.05  # of the time limit spent improving the warm start
_LOCAL_SEARCH_MAX_SECONDS = 0.5
# A warm start only needs to be decent; the exact backend does the rest. Measured on chu1997:
# more local search than this costs more time than it saves HiGHS.
_WARM_START_EVALUATIONS = 2_000


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
    progress: Callable[[str], None] | None = None,
) -> Result:
    """Solve a problem; arguments given here override the problem's own options.

    Never raises for bad input or infeasibility: those are the statuses `invalid` and
    `infeasible` of the result. `explain` adds the explanations of `engine.explain` for
    fairness objectives; `price_of_fairness` also solves the cost (or travel) objective alone to
    compare with it, which costs a second solve. `progress` receives one line of text per step
    (for a terminal); it never changes the result.
    """
    clock = _Clock.start()
    problem = _with_options(problem, backend, time_limit_seconds, seed, deterministic)
    options = problem.options
    errors = check_problem(problem)
    if errors:
        return clock.finish(
            Result("invalid", errors=errors, backend=options.backend, seed=options.seed)
        )
    proofs = prove_infeasible(problem)
    if proofs:
        return clock.finish(
            Result("infeasible", explanations=proofs, backend=options.backend, seed=options.seed)
        )
    say = progress or (lambda line: None)
    say(f"checks passed; {len(problem.donors)} donors, {len(problem.recipients)} recipients")
    warm_start = _warm_start(problem)
    say(f"warm start: {len(warm_start)} pairs")
    if options.backend in HEURISTIC_BACKENDS:
        result = _heuristic_result(problem, warm_start)
    else:
        result = _exact_result(problem, warm_start, relative_gap, say)
    if result.pairs and explain and _fair(problem):
        result = _with_explanations(problem, result, price_of_fairness, relative_gap)
    return clock.finish(result)


def _fair(problem: Problem) -> bool:
    return any(o.name in FAIRNESS_OBJECTIVES for o in problem.objectives)


def _with_explanations(problem: Problem, result: Result, price: bool, gap: float) -> Result:
    evaluation = evaluate(problem, plan_of(result))
    messages = list(result.explanations) + explaining.explain(problem, evaluation)
    if price:
        reference = solve(explaining.cost_only(problem), relative_gap=gap, explain=False)
        if reference.pairs:
            cheapest = plan_of(reference)
            note = explaining.price_of_fairness(
                problem, evaluation, cheapest, evaluate(problem, cheapest)
            )
            if note is not None:
                messages.append(note)
    return replace(result, explanations=messages)


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


def _warm_start(problem: Problem) -> tuple[Assignment, ...]:
    plan = greedy_plan(problem)
    if problem.options.backend == "greedy" or not local_search_applies(problem):
        return plan
    limit = problem.options.time_limit_seconds
    budget = _LOCAL_SEARCH_MAX_SECONDS
    if limit is not None:
        budget = min(budget, limit * _LOCAL_SEARCH_SHARE)
    evaluations = _WARM_START_EVALUATIONS
    if problem.options.backend == "local_search":
        budget = limit if limit is not None else 10.0
        evaluations = 1_000_000
    # Deterministic runs bound the search by work only, so wall-clock speed cannot change it.
    if problem.options.deterministic:
        budget = float("inf")
    return improve(problem, plan, time_limit_seconds=budget, max_evaluations=evaluations)


def _heuristic_result(problem: Problem, plan: Sequence[Assignment]) -> Result:
    evaluation = evaluate(problem, plan)
    status: Status = "feasible" if evaluation.feasible else "no_solution"
    levels = [
        Level(name, evaluation.level_value(name, problem), None, None, "feasible")
        for name in problem.level_names()
    ]
    explanations = list(evaluation.violations) + list(evaluation.notes)
    return _result(problem, status, levels if evaluation.feasible else [], evaluation, explanations)


def _exact_result(
    problem: Problem,
    warm_start: Sequence[Assignment],
    gap: float,
    say: Callable[[str], None],
) -> Result:
    options = problem.options
    solver = get_backend(options.backend)
    pairing = build_model(problem)
    warm_evaluation = evaluate(problem, warm_start)
    hint = _hint(pairing, warm_evaluation) if warm_evaluation.feasible else None
    # HiGHS's presolve costs more than it saves on the fairness models (measured at 19×16:
    # max-min 2-5× faster without it); on cost-only (GAP) models it is kept.
    limits = Limits(
        options.time_limit_seconds,
        options.seed,
        options.deterministic,
        gap,
        presolve=not _fair(problem),
    )

    def report(level: LevelOutcome, seconds: float) -> None:
        value = f"{level.value:.6g} (bound {level.bound})"
        say(f"level {level.name}: {level.status} {value} at {seconds:.2f} s")

    outcome = solve_levels(pairing, problem.level_names(), solver, limits, hint, on_level=report)
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
    plan = _read_plan(pairing, outcome.values)
    evaluation = evaluate(problem, plan)
    explanations: list[Message] = list(evaluation.violations) + list(evaluation.notes)
    explanations += [
        message("level_not_proven", level=level.name, gap=_percent(level.gap))
        for level in outcome.levels
        if level.status != "optimal"
    ]
    if warm_evaluation.feasible:
        explanations.append(_warm_start_note(problem, warm_evaluation))
    if solver.name == "cpsat" and _fair(problem):
        explanations.append(message("cpsat_precision", scale=COVERAGE_SCALE))
    levels = [_level(level) for level in outcome.levels]
    result = _result(problem, outcome.status, levels, evaluation, explanations)
    return replace(result, backend=solver.name)


def _warm_start_note(problem: Problem, evaluation: Evaluation) -> Message:
    values = ", ".join(
        f"{name} {evaluation.level_value(name, problem):.6g}" for name in problem.level_names()
    )
    heuristic = "greedy + local search" if local_search_applies(problem) else "greedy"
    return message("warm_start", heuristic=heuristic, summary=values)


def _level(outcome: LevelOutcome) -> Level:
    return Level(
        outcome.name,
        outcome.value,
        outcome.bound,
        relative_gap(outcome.value, outcome.bound),
        outcome.status,
    )


def _percent(gap: float | None) -> str:
    return "unknown" if gap is None else f"{gap:.4%}"


def _hint(pairing: PairingModel, evaluation: Evaluation) -> list[float]:
    """Model values of a feasible heuristic plan, so the solver starts from it."""
    values = [0.0] * pairing.model.size
    for assignment in evaluation.assignments:
        if assignment.key in pairing.assign:
            values[pairing.assign[assignment.key]] = 1.0
            for resource, quantity in (assignment.allocation or {}).items():
                expression = pairing.allocation.get((assignment.key, resource))
                if expression is not None and assignment.donor in pairing.split_donors:
                    (variable,) = expression.terms
                    values[variable] = quantity
    for recipient, variable in pairing.coverage.items():
        values[variable] = min(
            evaluation.coverage.get(recipient, 0.0), pairing.model.upper[variable]
        )
    return values


def _read_plan(pairing: PairingModel, values: Sequence[float]) -> tuple[Assignment, ...]:
    problem = pairing.problem
    keys = [key for key, variable in pairing.assign.items() if values[variable] > 0.5]
    fairness = any(o.name in FAIRNESS_OBJECTIVES for o in problem.objectives)
    if fairness and problem.integer_resources and pairing.split_donors:
        # The solver's split respects whole units of personnel: keep it.
        return tuple(Assignment(d, r, _solver_allocation(pairing, (d, r), values)) for d, r in keys)
    # Otherwise the leximin split is at least as fair as any split the solver chose.
    split = leximin_split(problem, keys)
    return tuple(Assignment(d, r, split[(d, r)]) for d, r in keys)


def _solver_allocation(
    pairing: PairingModel, key: tuple[str, str], values: Sequence[float]
) -> dict[str, float]:
    problem = pairing.problem
    if key[0] not in pairing.split_donors:
        return dict(problem.donor_by_id[key[0]].capacity)
    allocation = {}
    for resource in problem.donor_by_id[key[0]].capacity:
        expression = pairing.allocation.get((key, resource))
        if expression is not None:
            quantity = expression.value(list(values))
            allocation[resource] = (
                float(round(quantity)) if resource in problem.integer_resources else quantity
            )
    return allocation


def _result(
    problem: Problem,
    status: Status,
    levels: Sequence[Level],
    evaluation: Evaluation,
    explanations: Sequence[Message],
) -> Result:
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
