"""At national scale (`kernel.applies`): bounds on the first level, and the kernel's plan as the
full model's start.

The bounds are the full model's linear relaxation (`RELAXATION_BOUND` of the solver's time), the
bottleneck subproblem solved by the pipeline itself (`BOTTLENECK_BOUND`, max-min only) and the
reach bound (one pass over the pairs); the tightest is kept. Each is valid whatever happens
later: at national scale branch and bound may not finish its root in the time left after the
kernel. The kernel model (`KERNEL`) is then solved level by level; its plan, where better,
becomes the full model's warm start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pairaid.engine.backends import get_relaxation
from pairaid.engine.backends.base import Backend, Limits
from pairaid.engine.budget import BOTTLENECK_BOUND, KERNEL, RELAXATION_BOUND, Budget
from pairaid.engine.evaluate import Evaluation, evaluate
from pairaid.engine.formulation import PairingModel, build_model
from pairaid.engine.instance import MAX_MIN_LEVEL, Problem
from pairaid.engine.lexicographic import solve_levels
from pairaid.engine.plans import better, hint, read_plan
from pairaid.engine.progress import Progress, Reporter
from pairaid.engine.strategies import kernel

SolvePart = Callable[[Problem, Budget], float | None]
"""Solves a smaller problem with the same pipeline and returns its first level's bound."""


@dataclass(frozen=True)
class AtScale:
    """The start for the full model and the best bound on its first level."""

    start: Evaluation
    bound: float | None


def start_and_bound(
    pairing: PairingModel,
    warm: Evaluation,
    solver: Backend,
    limits: Limits,
    budget: Budget,
    reporter: Reporter,
    solve_part: SolvePart,
) -> AtScale:
    """The bounds, then the kernel's plan where it beats the warm start (see the module)."""
    first = pairing.problem.objective_levels[0]
    bounds = [
        _relaxation_bound(pairing, budget, reporter),
        _bottleneck_bound(pairing, budget, reporter, solve_part),
        _reported(
            reporter, "reach", first.name, kernel.reach_bound(pairing.problem, pairing.pairs)
        ),
    ]
    known = [bound for bound in bounds if bound is not None]
    start = _kernel_start(pairing, warm, solver, limits, budget, reporter)
    return AtScale(start, min(known) if known else None)


def _reported(reporter: Reporter, method: str, level: str, bound: float | None) -> float | None:
    if bound is not None:
        reporter.tell(
            Progress("bound", reporter.seconds(), level=level, bound=bound, method=method)
        )
    return bound


def _relaxation_bound(pairing: PairingModel, budget: Budget, reporter: Reporter) -> float | None:
    level = pairing.problem.objective_levels[0]
    expression, maximize = pairing.level(level.name)
    limits = budget.part(RELAXATION_BOUND).solver_limits(Limits())
    bound = get_relaxation().bound(pairing.model, expression, maximize=maximize, limits=limits)
    return _reported(reporter, "relaxation", level.name, bound)


def _bottleneck_bound(
    pairing: PairingModel, budget: Budget, reporter: Reporter, solve_part: SolvePart
) -> float | None:
    """The max-min bound of the bottleneck subproblem (`kernel.bottleneck_subproblem`), solved
    by the same pipeline. Only a strictly smaller part: its own solve may come here again."""
    problem = pairing.problem
    if (
        problem.objective_levels[0] != MAX_MIN_LEVEL
        or len(problem.recipients) <= kernel.SUBSET_SIZE
        or budget.expired()
    ):
        return None
    part = kernel.bottleneck_subproblem(problem, pairing.pairs, kernel.SUBSET_SIZE)
    bound = solve_part(part, budget.part(BOTTLENECK_BOUND))
    return _reported(reporter, "bottleneck", MAX_MIN_LEVEL.name, bound)


def _kernel_start(
    pairing: PairingModel,
    warm: Evaluation,
    solver: Backend,
    limits: Limits,
    budget: Budget,
    reporter: Reporter,
) -> Evaluation:
    """Solve the model restricted to the kernel's pairs (`kernel.kernel_pairs`) within its
    share of `budget`; its plan, when better, becomes the full model's warm start. Skipped
    where the kernel keeps most pairs (`kernel.MOST_KEPT`): the time goes to the full model."""
    problem = pairing.problem
    keep = kernel.kernel_pairs(problem, pairing.pairs, warm.assignments)
    counts = (("pairs_kept", len(keep)), ("pairs", len(pairing.pairs)))
    if len(keep) > kernel.MOST_KEPT * len(pairing.pairs):
        reporter.tell(Progress("kernel", reporter.seconds(), status="skipped", counts=counts))
        return warm
    small = build_model(kernel.restricted(problem, pairing.pairs, keep))
    small_hint = hint(small, warm) if warm.feasible else None
    names = problem.level_names()
    outcome = solve_levels(small, names, solver, limits, budget.part(KERNEL), small_hint)
    values = tuple((level.name, level.value) for level in outcome.levels if level.value is not None)
    reporter.tell(
        Progress("kernel", reporter.seconds(), status=outcome.status, counts=counts, values=values)
    )
    if outcome.values is None:
        return warm
    found = evaluate(problem, read_plan(small, outcome.values))
    return found if better(problem, found, warm) else warm
