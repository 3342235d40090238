"""OR-Tools CP-SAT: the integer backend.

CP-SAT works in integers only. A continuous variable with `scale` s is the integer s·v (the
formulation gives coverage s = 10,000, so coverage is resolved to 1e-4); each row is multiplied
by a power of ten until its coefficients are integers. Data with more than six decimals is
rounded, and the result says so: an "optimal" claim holds to the stated precision.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ortools.sat.python import cp_model

from pairaid.engine.backends.base import Exchange, Improvement, Limits, Optimum
from pairaid.engine.model import LinearExpression, LinearModel

_MAX_DECIMALS = 6
_STATUS: Mapping[Any, str] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
}


class CpSatBackend:
    """`limits.interrupt`, where given, is asked from a watching thread every
    `_WATCH_SECONDS`: when it says so, CP-SAT ends its search and returns the best plan it has."""

    name = "cpsat"

    def optimize(
        self,
        model: LinearModel,
        objective: LinearExpression,
        *,
        maximize: bool,
        limits: Limits,
        hint: Sequence[float] | None = None,
        on_improvement: Improvement | None = None,
        exchange: Exchange | None = None,
    ) -> Optimum:
        """`exchange` receives each better plan; CP-SAT cannot take plans during a search, so
        its `better` is never asked."""
        cp = cp_model.CpModel()
        variables = _variables(cp, model)
        for row in model.rows:
            _add_row(cp, variables, model, row.indices, row.coefficients, row.lower, row.upper)
        factor, terms = _integer_terms(model, objective.terms)
        expression = sum(c * variables[i] for i, c in terms)
        if maximize:
            cp.maximize(expression)
        else:
            cp.minimize(expression)
        if hint is not None and len(hint) == model.size:
            for index, value in enumerate(hint):
                cp.add_hint(variables[index], _scaled_hint(model, index, value))
        solver = cp_model.CpSolver()
        _set_parameters(solver, limits)
        reporter = None
        if on_improvement is not None or exchange is not None:
            reporter = _Reporter(on_improvement, exchange, factor, objective, variables, model)
        if limits.interrupt is None:
            status = solver.solve(cp, reporter)
        else:
            solved = threading.Event()
            watcher = threading.Thread(
                target=_stop_when, args=(limits.interrupt, solved, solver), daemon=True
            )
            watcher.start()
            try:
                status = solver.solve(cp, reporter)
            finally:
                solved.set()
        return _read(solver, status, variables, model, objective, factor)


_WATCH_SECONDS = 0.05


def _stop_when(
    interrupt: Callable[[], bool], solved: threading.Event, solver: cp_model.CpSolver
) -> None:
    """Stop `solver` once `interrupt` says so, unless it has `solved` first."""
    while not solved.wait(_WATCH_SECONDS):
        if interrupt():
            solver.stop_search()
            return


def _variables(cp: cp_model.CpModel, model: LinearModel) -> list[cp_model.IntVar]:
    variables = []
    for index in range(model.size):
        scale = model.scale[index]
        lower = math.ceil(model.lower[index] * scale - 1e-9)
        upper = math.floor(model.upper[index] * scale + 1e-9)
        variables.append(cp.new_int_var(lower, max(lower, upper), model.names[index]))
    return variables


def _integer_terms(
    model: LinearModel, terms: dict[int, float] | Sequence[tuple[int, float]]
) -> tuple[int, list[tuple[int, int]]]:
    """Multiply coefficients (per unscaled variable) to integers; returns the factor used."""
    items = list(terms.items()) if isinstance(terms, dict) else list(terms)
    if not items:
        return 1, []
    top = max(model.scale[i] for i, _ in items)
    factor = top
    for _ in range(_MAX_DECIMALS + 1):
        scaled = [(i, c * factor / model.scale[i]) for i, c in items]
        if all(abs(v - round(v)) < 1e-9 * max(1.0, abs(v)) for _, v in scaled):
            break
        factor *= 10
    return factor, [(i, round(c * factor / model.scale[i])) for i, c in items]


def _add_row(
    cp: cp_model.CpModel,
    variables: list[cp_model.IntVar],
    model: LinearModel,
    indices: Sequence[int],
    coefficients: Sequence[float],
    lower: float,
    upper: float,
) -> None:
    factor, terms = _integer_terms(model, list(zip(indices, coefficients, strict=True)))
    if not terms:
        return
    expression = sum(c * variables[i] for i, c in terms)
    if math.isfinite(lower):
        cp.add(expression >= math.ceil(lower * factor - 1e-6))
    if math.isfinite(upper):
        cp.add(expression <= math.floor(upper * factor + 1e-6))


def _scaled_hint(model: LinearModel, index: int, value: float) -> int:
    scale = model.scale[index]
    scaled = math.floor(value * scale + 1e-9)
    low = math.ceil(model.lower[index] * scale - 1e-9)
    high = math.floor(model.upper[index] * scale + 1e-9)
    return min(max(scaled, low), high)


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Passes each better solution CP-SAT finds to `on_improvement`, in the model's units, and
    its values to `exchange`."""

    def __init__(
        self,
        on_improvement: Improvement | None,
        exchange: Exchange | None,
        factor: int,
        objective: LinearExpression,
        variables: list[cp_model.IntVar],
        model: LinearModel,
    ):
        super().__init__()
        self.on_improvement = on_improvement
        self.exchange = exchange
        self.factor = factor
        self.constant = objective.constant
        self.variables = variables
        self.scale = model.scale

    def on_solution_callback(self) -> None:
        if self.exchange is not None:
            self.exchange.found(
                [self.value(v) / s for v, s in zip(self.variables, self.scale, strict=True)]
            )
        if self.on_improvement is not None:
            self.on_improvement(
                self.objective_value / self.factor + self.constant,
                self.best_objective_bound / self.factor + self.constant,
                self.wall_time,
            )


def _set_parameters(solver: cp_model.CpSolver, limits: Limits) -> None:
    parameters = solver.parameters
    parameters.random_seed = int(limits.seed)
    parameters.relative_gap_limit = float(limits.relative_gap)
    if limits.relative_gap == 0.0:
        parameters.absolute_gap_limit = 0.0
    if limits.deterministic:
        parameters.num_workers = 1
        if limits.time_limit_seconds is not None:
            # CP-SAT's deterministic time is a work measure, roughly seconds on a fast core.
            parameters.max_deterministic_time = float(limits.time_limit_seconds)
    elif limits.time_limit_seconds is not None:
        parameters.max_time_in_seconds = float(limits.time_limit_seconds)
    if limits.workers is not None and not limits.deterministic:
        parameters.num_workers = int(limits.workers)


def _read(
    solver: cp_model.CpSolver,
    status: Any,
    variables: list[cp_model.IntVar],
    model: LinearModel,
    objective: LinearExpression,
    factor: int,
) -> Optimum:
    if status == cp_model.MODEL_INVALID:
        raise ValueError("CP-SAT rejected the model: " + solver.status_name(status))
    name = _STATUS.get(status)
    if name == "infeasible":
        return Optimum("infeasible")
    if name is None:
        return Optimum("no_solution")
    values = [solver.value(v) / model.scale[i] for i, v in enumerate(variables)]
    value = objective.value(values)
    bound = solver.best_objective_bound / factor + objective.constant
    return Optimum("optimal" if name == "optimal" else "feasible", value, bound, values)
