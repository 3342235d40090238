"""The pipeline: checks → warm start (greedy, local search) → exact levels → evaluation → report."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from pairaid.engine import beside, cost_search, kernel, matching, neighbourhood, threshold
from pairaid.engine import explain as explaining
from pairaid.engine.backends import get_backend
from pairaid.engine.backends.base import Backend, Limits, OptimumStatus
from pairaid.engine.bottleneck import raise_minimum
from pairaid.engine.checks import check_problem, prove_infeasible
from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.evaluate import Evaluation, evaluate
from pairaid.engine.formulation import COVERAGE_SCALE, PairingModel, build_model
from pairaid.engine.greedy import greedy_plan
from pairaid.engine.instance import FAIRNESS_OBJECTIVES, Assignment, Problem, SolveOptions
from pairaid.engine.lexicographic import (
    LevelOutcome,
    LexicographicOutcome,
    extend_hint,
    relative_gap,
    solve_levels,
)
from pairaid.engine.local_search import applies as local_search_applies
from pairaid.engine.local_search import improve
from pairaid.engine.messages import Message, message
from pairaid.engine.result import Level, PairResult, Result, Status
from pairaid.engine.split import assign_the_rest, leximin_split

HEURISTIC_BACKENDS = ("greedy", "local_search")
_LOCAL_SEARCH_SHARE = 0.05  # of the time limit spent improving the warm start
_LOCAL_SEARCH_MAX_SECONDS = 0.5
# A warm start only needs to be decent; the exact backend does the rest. Measured on chu1997:
# more local search than this costs more time than it saves HiGHS.
_WARM_START_EVALUATIONS = 2_000
# Measured on yagiura e801600 (1,600 donors, greedy's plan infeasible): the cost search reached
# 374k in 2 s, 237k in 6 s, 225k in 16 s (best known 177k); HiGHS then starts from a plan.
_COST_SEARCH_SHARE = 0.1
_COST_SEARCH_MAX_SECONDS = 10.0
# The linear relaxation's plan (`neighbourhood.relaxation_plan`): at yagiura e801600 the
# relaxation takes 2.6 s and placing its 74 split donors 1.0 s.
_RELAXATION_SHARE = 0.15
_RELAXATION_MAX_SECONDS = 15.0
_POLISH_SHARE = 0.05  # of the time limit, kept for polishing a cost plan the solver left
_POLISH_MAX_SECONDS = 5.0
_EVALUATION_SHARE = 0.03  # of the time limit, kept for evaluating the plan found
_MINIMUM_SOLVER_SECONDS = 0.1  # the solver always gets a moment, even after a slow warm start


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
    on_improvement: Callable[[str, float, float | None, float], None] | None = None,
) -> Result:
    """Solve a problem; arguments given here override the problem's own options.

    Never raises for bad input or infeasibility: those are the statuses `invalid` and
    `infeasible` of the result. `explain` adds the explanations of `engine.explain` for
    fairness objectives; `price_of_fairness` also solves the cost (or travel) objective alone to
    compare with it, which costs a second solve. `progress` receives one line of text per step
    (for a terminal); `on_improvement` receives each better plan the exact backend (or the
    search beside it) finds, as (level, value, bound or None, seconds since the run began), for
    a progress display and for the time to the best plan. Neither changes the result.
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
    start = _warm_start(problem)
    say(f"warm start: {len(start.plan)} pairs")
    if options.backend in HEURISTIC_BACKENDS:
        result = _heuristic_result(problem, start.plan)
    else:
        result = _exact_result(problem, start, relative_gap, say, clock, on_improvement)
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


def _warm_start(problem: Problem) -> neighbourhood.Start:
    plan = greedy_plan(problem)
    if problem.options.backend == "greedy":
        return neighbourhood.Start(plan)
    plan = raise_minimum(problem, _matched_if_fairer(problem, plan))
    if cost_search.applies(problem):
        relaxed = _relaxation_plan(problem)
        return relaxed if relaxed is not None else neighbourhood.Start(_cheaper(problem, plan))
    if not local_search_applies(problem):
        return neighbourhood.Start(plan)
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
    return neighbourhood.Start(
        improve(problem, plan, time_limit_seconds=budget, max_evaluations=evaluations)
    )


def _cheaper(problem: Problem, plan: tuple[Assignment, ...]) -> tuple[Assignment, ...]:
    """Greedy's plan repaired and made cheaper by `cost_search`: a share of the time limit as
    a warm start, all of it for the `local_search` backend, work-bounded when deterministic."""
    options = problem.options
    limit = options.time_limit_seconds
    seconds: float | None = _COST_SEARCH_MAX_SECONDS
    if options.backend == "local_search":
        seconds = limit if limit is not None else 10.0
    elif limit is not None:
        seconds = min(_COST_SEARCH_MAX_SECONDS, limit * _COST_SEARCH_SHARE)
    if options.deterministic:
        seconds = None
    return cost_search.improve(problem, plan, time_limit_seconds=seconds)


def _relaxation_plan(problem: Problem) -> neighbourhood.Start | None:
    """The plan built on the linear relaxation's optimum (`engine.neighbourhood`), for HiGHS
    runs that are not deterministic, with the relaxation's reduced costs; None where it does
    not apply or finish in its share."""
    from pairaid.engine.backends.highs import relaxation_solution

    options = problem.options
    if not neighbourhood.applies(problem) or options.backend not in ("auto", "highs"):
        return None
    limit = options.time_limit_seconds
    seconds = _RELAXATION_MAX_SECONDS
    if limit is not None:
        seconds = min(seconds, limit * _RELAXATION_SHARE)
    started = time.monotonic()
    pairing = build_model(problem)
    expression, maximize = pairing.level(problem.level_names()[0])
    solution = relaxation_solution(
        pairing.model, expression, maximize=maximize, time_limit_seconds=seconds
    )
    left = seconds - (time.monotonic() - started)
    if solution is None or left <= 0:
        return None
    values, reduced = solution
    relaxed = {key: values[index] for key, index in pairing.assign.items()}
    plan = neighbourhood.relaxation_plan(problem, relaxed, left)
    if plan is None or not evaluate(problem, plan).feasible:
        return None
    reduced_costs = {key: reduced[index] for key, index in pairing.assign.items()}
    return neighbourhood.Start(plan, reduced_costs)


def _matched_if_fairer(problem: Problem, plan: tuple[Assignment, ...]) -> tuple[Assignment, ...]:
    """The matching construction's plan (`engine.matching`) where it beats `plan`'s minimum."""
    if not matching.applies(problem):
        return plan
    pairs = eligible_pairs(problem)
    start = evaluate(problem, plan)
    low = start.level_value("max_min_coverage", problem) if start.feasible else 0.0
    high = kernel.reach_bound(problem, pairs)
    if high is None:
        return plan
    matched = matching.matching_plan(problem, pairs, low, high)
    if matched is None:
        return plan
    found = evaluate(problem, matched)
    if found.feasible and (
        not start.feasible or _ranking(problem, found)[0] > _ranking(problem, start)[0]
    ):
        return matched
    return plan


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
    warm_start: neighbourhood.Start,
    gap: float,
    say: Callable[[str], None],
    clock: _Clock,
    on_improvement: Callable[[str, float, float | None, float], None] | None = None,
) -> Result:
    options = problem.options
    solver = get_backend(options.backend)
    pairing = build_model(problem)
    # HiGHS's presolve costs more than it saves on the fairness models (measured at 19×16:
    # max-min 2-5× faster without it); on cost-only (GAP) models it is kept.
    limits = Limits(
        _solver_seconds(problem, clock),
        options.seed,
        options.deterministic,
        gap,
        presolve=not _fair(problem),
    )
    warm_evaluation = evaluate(problem, warm_start.plan)
    start, first_bound, limits = _start_and_bound(pairing, warm_evaluation, solver, limits, say)
    progress = _Progress(say, on_improvement, clock, lambda name: pairing.level(name)[1])
    report, improved = progress.level, progress.improved
    if start.feasible:
        first_level = problem.level_names()[0]
        improved(first_level, start.level_value(first_level, problem), first_bound, 0.0)
    companion = None
    if beside.applies(problem) and solver.name == "highs" and start.feasible:
        companion = beside.start(
            problem,
            start.assignments,
            limits.time_limit_seconds or 0.0,
            lambda plan: _hint(pairing, evaluate(problem, plan)),
            lambda values: _read_plan(pairing, values),
            functools.partial(progress.found, problem.level_names()[0]),
            warm_start.reduced_costs,
        )
    if threshold.applies(problem, solver) and start.feasible:
        outcome, start = _threshold_levels(
            pairing, start, first_bound, solver, limits, report, improved
        )
    else:
        hint = _hint(pairing, start) if start.feasible else None
        outcome = solve_levels(
            pairing,
            problem.level_names(),
            solver,
            limits,
            hint,
            on_level=report,
            on_improvement=improved,
            exchange=None if companion is None else companion.shared,
        )
    if companion is not None:
        outcome = _cheaper_outcome(outcome, pairing, companion)
        say(companion.summary())
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
    evaluation, levels = _plan_and_levels(pairing, outcome, start, first_bound, clock)
    if levels and levels[0].value is not None:  # polishing may have found a better plan
        improved(levels[0].name, levels[0].value, levels[0].bound, 0.0)
    explanations: list[Message] = list(evaluation.violations) + list(evaluation.notes)
    explanations += [
        message("level_not_proven", level=level.name, gap=_percent(level.gap))
        for level in levels
        if level.status != "optimal"
    ]
    if warm_evaluation.feasible:
        explanations.append(_warm_start_note(problem, warm_evaluation))
    if solver.name == "cpsat" and _fair(problem):
        explanations.append(message("cpsat_precision", scale=COVERAGE_SCALE))
    result = _result(problem, outcome.status, levels, evaluation, explanations)
    return replace(result, backend=solver.name)


def _start_and_bound(
    pairing: PairingModel,
    warm_evaluation: Evaluation,
    solver: Backend,
    limits: Limits,
    say: Callable[[str], None],
) -> tuple[Evaluation, float | None, Limits]:
    """At national scale (`kernel.applies`): the first level's best bound (relaxation,
    bottleneck subproblem, reach) and the kernel's plan as the start; else the warm start."""
    problem = pairing.problem
    if not kernel.applies(problem, pairing.pairs):
        return warm_evaluation, None, limits
    relaxation, limits = _relaxation_bound(pairing, limits, say)
    subset, limits = _subset_bound(pairing, limits, say)
    reach = kernel.reach_bound(problem, pairing.pairs)
    bounds = [b for b in (relaxation, subset, reach) if b is not None]
    start, limits = _kernel_start(pairing, warm_evaluation, solver, limits, say)
    return start, (min(bounds) if bounds else None), limits


@dataclass
class _Progress:
    """Progress lines for each solved level and each better plan (and the caller's callback).

    A better plan's time is counted from the start of the run: a backend reports seconds into
    its own solve, which after a long warm start or on a later level says little to a user. The
    search beside HiGHS says when it found its plan; it is told later, on HiGHS's thread. Each
    plan told is at least as good as the ones told before on its level."""

    say: Callable[[str], None]
    on_improvement: Callable[[str, float, float | None, float], None] | None
    clock: _Clock
    maximized: Callable[[str], bool]
    told: dict[str, float] = field(default_factory=dict)

    def level(self, level: LevelOutcome, seconds: float) -> None:
        value = f"{level.value:.6g} (bound {level.bound})"
        self.say(f"level {level.name}: {level.status} {value} at {seconds:.2f} s")

    def improved(self, level: str, value: float, bound: float | None, seconds: float) -> None:
        """A better plan found now: a backend's (`seconds` into its own solve: not used), or the
        warm start, the first plan the backend improves on."""
        self._tell(level, value, bound, time.perf_counter() - self.clock.wall)

    def found(self, level: str, value: float, found_at: float) -> None:
        """The search's better plan, found at `found_at` (`time.perf_counter()`)."""
        self._tell(level, value, None, found_at - self.clock.wall)

    def _tell(self, level: str, value: float, bound: float | None, seconds: float) -> None:
        # Only what improves on the plans told before: a backend's first plan may be worse
        # than the warm start, and the search's plans are told after HiGHS's later ones.
        last = self.told.get(level)
        sign = 1.0 if self.maximized(level) else -1.0
        if last is not None and sign * (value - last) <= 0:
            return
        self.told[level] = value
        known = "unknown" if bound is None else f"{bound:.6g}"
        self.say(f"  {level}: found {value:.6g} (bound {known}) after {seconds:.1f} s")
        if self.on_improvement is not None:
            self.on_improvement(level, value, bound, seconds)


def _plan_and_levels(
    pairing: PairingModel,
    outcome: LexicographicOutcome,
    start: Evaluation,
    first_bound: float | None,
    clock: _Clock,
) -> tuple[Evaluation, list[Level]]:
    """The plan to return and its levels: the solver's plan, unless its start was fairer;
    polished where it is a cost plan left unproven; the first level's bound tightened."""
    problem = pairing.problem
    assert outcome.values is not None
    evaluation = evaluate(problem, _read_plan(pairing, outcome.values))
    levels = [_as_found(_level(level), evaluation, problem) for level in outcome.levels]
    if _start_is_fairer(problem, start, evaluation):
        # The solver stopped (time) on a plan below the one it was started from: keep the start.
        evaluation = start
        levels = [_with_value(level, start, problem) for level in levels]
    polished = _polished(problem, evaluation, levels, clock)
    if polished is not evaluation:
        evaluation = polished
        levels = [_with_value(levels[0], polished, problem)]
    if first_bound is not None and levels:
        levels[0] = _tightened(levels[0], first_bound)
    return evaluation, levels


def _cheaper_outcome(
    outcome: LexicographicOutcome, pairing: PairingModel, companion: beside.Beside
) -> LexicographicOutcome:
    """HiGHS's outcome of a single cost level, or the plan of the solver beside it
    (`engine.beside`) where that is cheaper, with the higher of the two bounds (the cost is
    minimised)."""
    plan, _, proven = companion.finish()
    if outcome.status == "infeasible" or len(outcome.levels) > 1:
        return outcome
    mine = outcome.levels[0] if outcome.levels else None
    bound = None if mine is None else mine.bound
    if proven is not None and (bound is None or proven > bound):
        bound = proven
    values = _hint(pairing, evaluate(pairing.problem, neighbourhood.as_assignments(plan)))
    expression, _ = pairing.level(pairing.problem.level_names()[0])
    value = expression.value(values)
    highs_value = None if mine is None else mine.value
    if highs_value is not None and outcome.values and value >= highs_value - 1e-9:
        # HiGHS's plan is as cheap: keep it, with the better bound where the other proved one.
        if mine is not None and bound == mine.bound:
            return outcome
        value, values = highs_value, outcome.values
    gap = relative_gap(value, bound)
    status = "optimal" if gap is not None and gap <= 1e-9 else "feasible"
    name = pairing.problem.level_names()[0]
    run_status: OptimumStatus = "optimal" if status == "optimal" else "feasible"
    return LexicographicOutcome(run_status, (LevelOutcome(name, value, bound, status),), values)


def _threshold_levels(
    pairing: PairingModel,
    start: Evaluation,
    first_bound: float | None,
    solver: Backend,
    limits: Limits,
    on_level: Callable[[LevelOutcome, float], None],
    on_improvement: Callable[[str, float, float | None, float], None],
) -> tuple[LexicographicOutcome, Evaluation]:
    """Max-min first by threshold tests (`engine.threshold`), then the later levels with it held.
    Returns the outcome and the plan to fall back on (the best plan of the first level)."""
    problem = pairing.problem
    names = problem.level_names()
    upper = kernel.reach_bound(problem, pairing.pairs)
    if first_bound is not None:
        upper = first_bound if upper is None else min(upper, first_bound)
    first_limits = limits
    if limits.deterministic and limits.time_limit_seconds is not None:
        # The same equal share of the work per level as `solve_levels` gives.
        first_limits = replace(limits, time_limit_seconds=limits.time_limit_seconds / len(names))
    started = time.monotonic()

    def read(model: PairingModel, values: list[float]) -> Evaluation:
        return evaluate(problem, _read_plan(model, values))

    found = threshold.search(
        problem,
        start,
        start.level_value(threshold.LEVEL, problem) if upper is None else upper,
        solver,
        first_limits,
        read,
        functools.partial(on_improvement, threshold.LEVEL),
    )
    first = LevelOutcome(threshold.LEVEL, found.value, found.bound, found.status)
    on_level(first, time.monotonic() - started)
    status: OptimumStatus = "optimal" if found.status == "optimal" else "feasible"
    hint = _hint(pairing, found.best)
    if len(names) == 1:
        return LexicographicOutcome(status, (first,), hint), found.best
    pairing.hold(threshold.LEVEL, found.value)
    rest_limits = limits
    if limits.time_limit_seconds is not None and not limits.deterministic:
        left = limits.time_limit_seconds - (time.monotonic() - started)
        rest_limits = replace(limits, time_limit_seconds=max(left, 0.01))
    elif limits.time_limit_seconds is not None:
        rest_limits = replace(
            limits, time_limit_seconds=limits.time_limit_seconds * (len(names) - 1) / len(names)
        )
    offset = time.monotonic() - started

    def on_later_level(level: LevelOutcome, seconds: float) -> None:
        on_level(level, offset + seconds)  # seconds since the first level began, like it

    rest = solve_levels(
        pairing,
        names[1:],
        solver,
        rest_limits,
        hint,
        on_level=on_later_level,
        on_improvement=on_improvement,
    )
    if rest.values is None:
        # Not even the held plan was reproduced in time: keep the first level's plan.
        missing = tuple(LevelOutcome(name, None, None, "not_reached") for name in names[1:])
        return LexicographicOutcome("feasible", (first, *missing), hint), found.best
    if rest.status != "optimal":
        status = "feasible"
    return LexicographicOutcome(status, (first, *rest.levels), rest.values), found.best


def _solver_seconds(problem: Problem, clock: _Clock) -> float | None:
    """What is left of the time limit for the solver: checks, model building and the warm start
    count against it (seconds at national scale), so that the whole run keeps to the limit. The
    final evaluation is reserved a small share, and so is polishing a cost plan (`_polished`).
    Deterministic runs count work, not the clock."""
    options = problem.options
    limit = options.time_limit_seconds
    if limit is None or options.deterministic:
        return limit
    spent = time.perf_counter() - clock.wall
    kept = limit * _EVALUATION_SHARE + _polish_seconds(problem)
    return max(limit - kept - spent, min(limit, _MINIMUM_SOLVER_SECONDS))


def _polish_seconds(problem: Problem) -> float:
    limit = problem.options.time_limit_seconds
    if limit is None or not cost_search.applies(problem) or len(problem.level_names()) > 1:
        return 0.0
    if beside.applies(problem):  # the neighbourhood search polishes during the solve
        return 0.0
    return min(limit * _POLISH_SHARE, _POLISH_MAX_SECONDS)


def _polished(
    problem: Problem, evaluation: Evaluation, levels: Sequence[Level], clock: _Clock
) -> Evaluation:
    """The solver's plan made cheaper by `cost_search` where its one cost level is not proven
    (measured: yagiura c801600 16,389 → 16,387, chu d20200 12,376 → 12,331 in 0.2 s)."""
    if not (
        cost_search.applies(problem)
        and len(levels) == 1
        and levels[0].status != "optimal"
        and evaluation.feasible
    ):
        return evaluation
    seconds: float | None = None
    if not problem.options.deterministic:
        seconds = max(_polish_seconds(problem), 0.1)
        limit = problem.options.time_limit_seconds
        if limit is not None:  # whatever the solver left of the limit, too
            left = limit * (1 - _EVALUATION_SHARE) - (time.perf_counter() - clock.wall)
            seconds = max(seconds, left)
    cheaper = evaluate(
        problem, cost_search.improve(problem, evaluation.assignments, time_limit_seconds=seconds)
    )
    first = levels[0].name
    if cheaper.feasible and cheaper.level_value(first, problem) < evaluation.level_value(
        first, problem
    ):
        return cheaper
    return evaluation


def _kernel_start(
    pairing: PairingModel,
    warm_evaluation: Evaluation,
    solver: Backend,
    limits: Limits,
    say: Callable[[str], None],
) -> tuple[Evaluation, Limits]:
    """Solve the model restricted to the kernel's pairs first (`engine.kernel`); its plan, when
    better, becomes the full model's warm start. Returns the warm start and what is left of the
    limits for the full model."""
    problem = pairing.problem
    started = time.monotonic()
    keep = kernel.kernel_pairs(problem, pairing.pairs, warm_evaluation.assignments)
    small = build_model(kernel.restricted(problem, pairing.pairs, keep))
    small_hint = _hint(small, warm_evaluation) if warm_evaluation.feasible else None
    total = limits.time_limit_seconds
    share = None if total is None else total * kernel.TIME_SHARE
    outcome = solve_levels(
        small, problem.level_names(), solver, replace(limits, time_limit_seconds=share), small_hint
    )
    left = _after_step(limits, share, time.monotonic() - started)
    if outcome.values is None:
        say(f"kernel of {len(keep)} pairs: {outcome.status}")
        return warm_evaluation, left
    found = evaluate(problem, _read_plan(small, outcome.values))
    say(
        f"kernel of {len(keep)} of {len(pairing.pairs)} pairs: "
        + ", ".join(f"{level.name} {level.value:.6g} ({level.status})" for level in outcome.levels)
    )
    if found.feasible and (
        not warm_evaluation.feasible
        or _ranking(problem, found) > _ranking(problem, warm_evaluation)
    ):
        return found, left
    return warm_evaluation, left


def _start_is_fairer(problem: Problem, start: Evaluation, found: Evaluation) -> bool:
    """Whether the warm start beats the solver's plan on a fairness level that comes first."""
    first = problem.level_names()[0]
    if not (start.feasible and _maximised(first)):
        return False
    return start.level_value(first, problem) > found.level_value(first, problem) + 1e-12


def _with_value(level: Level, evaluation: Evaluation, problem: Problem) -> Level:
    """A level restated for the plan actually returned (never claimed optimal)."""
    value = evaluation.level_value(level.name, problem)
    status = level.status if level.status == "not_reached" else "feasible"
    return replace(level, value=value, gap=relative_gap(value, level.bound), status=status)


def _as_found(level: Level, evaluation: Evaluation, problem: Problem) -> Level:
    """A fairness level with the plan's own value when assigning the rest raised it above what
    the solver reported (it never lowers coverage), so that claims and evaluation agree."""
    if level.value is None or not _maximised(level.name):
        return level
    value = evaluation.level_value(level.name, problem)
    if value <= level.value * (1 + 1e-9) + 1e-12:
        return level
    bound = None if level.bound is None else max(level.bound, value)
    return replace(level, value=value, bound=bound, gap=relative_gap(value, bound))


def _relaxation_bound(
    pairing: PairingModel, limits: Limits, say: Callable[[str], None]
) -> tuple[float | None, Limits]:
    """The first level's linear-relaxation bound of the full model, and the limits left. At
    national scale branch and bound may not finish its root in the time left after the kernel;
    this bound is valid whatever happens later (it is the full model's, not the kernel's)."""
    from pairaid.engine.backends.highs import relaxation_bound

    started = time.monotonic()
    expression, maximize = pairing.level(pairing.problem.level_names()[0])
    total = limits.time_limit_seconds
    share = None if total is None else total * kernel.BOUND_SHARE
    bound = relaxation_bound(pairing.model, expression, maximize=maximize, time_limit_seconds=share)
    spent = time.monotonic() - started
    say(f"relaxation bound {bound if bound is not None else 'not found'} in {spent:.1f} s")
    return bound, _after_step(limits, share, spent)


def _subset_bound(
    pairing: PairingModel, limits: Limits, say: Callable[[str], None]
) -> tuple[float | None, Limits]:
    """The max-min bound of the bottleneck subproblem (`kernel.bottleneck_subproblem`), solved
    by this same pipeline, and the limits left. Only where the first level is max-min."""
    problem = pairing.problem
    # Only a strictly smaller part: its own solve may go through here again (dense eligibility).
    if (
        problem.level_names()[0] != "max_min_coverage"
        or len(problem.recipients) <= kernel.SUBSET_SIZE
    ):
        return None, limits
    started = time.monotonic()
    part = kernel.bottleneck_subproblem(problem, pairing.pairs, kernel.SUBSET_SIZE)
    total = limits.time_limit_seconds
    share = None if total is None else total * kernel.SUBSET_SHARE
    result = solve(part, time_limit_seconds=share, explain=False)
    bound = result.levels[0].bound if result.levels else None
    spent = time.monotonic() - started
    say(
        f"bound from the {len(part.recipients)} recipients of lowest reach: "
        f"{bound if bound is not None else 'not found'} in {spent:.1f} s"
    )
    return bound, _after_step(limits, share, spent)


def _after_step(limits: Limits, share: float | None, spent: float) -> Limits:
    """The limits left after a step given `share` of them took `spent` seconds. Deterministic
    runs count work, not the clock: the step is charged its whole share."""
    total = limits.time_limit_seconds
    if total is None or share is None:
        return limits
    charged = share if limits.deterministic else spent
    return replace(limits, time_limit_seconds=max(total - charged, 0.01))


def _tightened(level: Level, bound: float) -> Level:
    """The level with the tighter of its own bound and the relaxation bound (maximised)."""
    if level.value is None or (level.bound is not None and level.bound <= bound):
        return level
    gap = relative_gap(level.value, bound)
    status = "optimal" if gap is not None and gap <= threshold.PROVEN_GAP else level.status
    return replace(level, bound=bound, gap=gap, status=status)


def _ranking(problem: Problem, evaluation: Evaluation) -> tuple[float, ...]:
    """Level values, signed so that larger is better, for comparing two plans lexicographically."""
    return tuple(
        evaluation.level_value(name, problem) * (1 if _maximised(name) else -1)
        for name in problem.level_names()
    )


def _maximised(level_name: str) -> bool:
    return level_name == "max_min_coverage" or level_name.startswith("leximin_")


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
    # Thresholds and shortfalls of levels already added (they follow the model's own columns)
    # take the values the plan gives them, so the hint stays feasible for the held levels.
    names = pairing.model.names
    first_level_column = next(
        (i for i, name in enumerate(names) if name.startswith(("t[", "d["))), len(names)
    )
    return extend_hint(pairing, values[:first_level_column])


def _read_plan(pairing: PairingModel, values: Sequence[float]) -> tuple[Assignment, ...]:
    problem = pairing.problem
    keys = [key for key, variable in pairing.assign.items() if values[variable] > 0.5]
    fairness = any(o.name in FAIRNESS_OBJECTIVES for o in problem.objectives)
    if fairness and problem.integer_resources and pairing.split_donors:
        # The solver's split respects whole units of personnel: keep it.
        plan = tuple(Assignment(d, r, _solver_allocation(pairing, (d, r), values)) for d, r in keys)
    else:
        # Otherwise the leximin split is at least as fair as any split the solver chose.
        split = leximin_split(problem, keys)
        plan = tuple(Assignment(d, r, split[(d, r)]) for d, r in keys)
    return assign_the_rest(problem, plan)


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
