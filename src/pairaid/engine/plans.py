"""Plans to and from a model's values: a heuristic plan as the solver's warm start (`hint`), the
solver's values as a plan with its split (`read_plan`), and plans compared level by level."""

from __future__ import annotations

from collections.abc import Sequence

from pairaid.engine.evaluate import Evaluation
from pairaid.engine.formulation import PairingModel
from pairaid.engine.instance import FAIRNESS_OBJECTIVES, Assignment, Problem
from pairaid.engine.lexicographic import extend_hint
from pairaid.engine.split import assign_the_rest, leximin_split


def hint(pairing: PairingModel, evaluation: Evaluation) -> list[float]:
    """Model values of a feasible heuristic plan, so the solver starts from it."""
    values = [0.0] * pairing.plan_columns
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
    # Thresholds and shortfalls of levels already added take the values the plan gives them,
    # so the hint stays feasible for the held levels.
    return extend_hint(pairing, values)


def read_plan(pairing: PairingModel, values: Sequence[float]) -> tuple[Assignment, ...]:
    """The solver's plan, with its split, and the capacity it leaves given out
    (`split.assign_the_rest`)."""
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


def ranking(problem: Problem, evaluation: Evaluation) -> tuple[float, ...]:
    """Level values, signed so that larger is better, for comparing two plans lexicographically."""
    return tuple(
        evaluation.level_value(level.name, problem) * (1 if level.maximised else -1)
        for level in problem.objective_levels
    )


def better(problem: Problem, found: Evaluation, than: Evaluation) -> bool:
    """Whether `found` is a feasible plan that beats `than` (or `than` is not feasible)."""
    return found.feasible and (
        not than.feasible or ranking(problem, found) > ranking(problem, than)
    )
