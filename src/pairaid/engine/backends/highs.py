"""HiGHS through `highspy`: the default exact backend (MIP by branch and cut)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import highspy
import numpy as np
from highspy._core import _Highs, cb

from pairaid.engine.backends.base import Exchange, Improvement, Limits, Optimum
from pairaid.engine.model import LinearExpression, LinearModel

# In deterministic mode the time limit becomes a node limit: this many nodes per second for a
# model of up to _NODE_COLUMNS columns (measured at 19×16), fewer in proportion beyond, as each
# node's linear programme grows with the model. The wall clock stays as a safety net at
# _SAFETY_FACTOR times the limit; a run stopped by it is no longer reproducible.
_NODES_PER_SECOND = 2000
_NODE_COLUMNS = 1000
_SAFETY_FACTOR = 3.0
_MODEL_STATUS = highspy.HighsModelStatus
# HiGHS shares one thread scheduler per process and refuses a run whose `threads` option
# differs from it; track what it was started with and restart it when the mode changes.
_scheduler_threads: list[int] = []


class HighsBackend:
    name = "highs"

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
        highs = _load(model, objective, maximize)
        _set_options(highs, limits, has_integers=any(model.integer), columns=model.size)
        if hint is not None and len(hint) == model.size:
            solution = highspy.HighsSolution()
            solution.col_value = list(hint)
            highs.setSolution(solution)
        _set_callbacks(
            highs, on_improvement, exchange, limits.interrupt, has_integers=any(model.integer)
        )
        highs.run()
        return _read(highs, model, objective, maximize)


_INTERRUPTS = (
    cb.HighsCallbackType.kCallbackMipInterrupt,
    cb.HighsCallbackType.kCallbackSimplexInterrupt,
    cb.HighsCallbackType.kCallbackIpmInterrupt,
)


def _set_callbacks(
    highs: _Highs,
    on_improvement: Improvement | None,
    exchange: Exchange | None,
    interrupt: Callable[[], bool] | None,
    *,
    has_integers: bool,
) -> None:
    """Pass each improving MIP solution HiGHS finds to `on_improvement` and `exchange`; take
    the exchange's better plans as HiGHS's incumbent when it asks for user solutions; stop once
    the exchange has proven its plan optimal or `interrupt` says so (a stop token, the run's
    deadline), in branch and bound or in a linear programme."""
    if interrupt is None and not (has_integers and (on_improvement or exchange is not None)):
        return
    settled = exchange.settled if exchange is not None and exchange.may_settle else None

    def callback(
        kind: cb.HighsCallbackType,
        message: str,
        out: cb.HighsCallbackOutput,
        into: cb.HighsCallbackInput,
        data: Any,
    ) -> None:
        if kind in _INTERRUPTS:
            into.user_interrupt = bool(
                (interrupt is not None and interrupt()) or (settled is not None and settled())
            )
            return
        if kind == cb.HighsCallbackType.kCallbackMipUserSolution:
            assert exchange is not None
            values = exchange.better(float(out.mip_primal_bound))
            if values is not None:
                into.setSolution(np.asarray(values, dtype=float))
            return
        if exchange is not None:
            exchange.found(list(out.mip_solution))
        if on_improvement is not None:
            bound = float(out.mip_dual_bound)
            on_improvement(
                float(out.mip_primal_bound),
                bound if math.isfinite(bound) else None,
                float(out.running_time),
            )

    highs.setCallback(callback, None)
    if has_integers and (on_improvement is not None or exchange is not None):
        highs.startCallback(cb.HighsCallbackType.kCallbackMipImprovingSolution)
    if has_integers and exchange is not None:
        highs.startCallback(cb.HighsCallbackType.kCallbackMipUserSolution)
    if interrupt is not None:
        for kind in _INTERRUPTS:
            highs.startCallback(kind)
    elif settled is not None:
        highs.startCallback(cb.HighsCallbackType.kCallbackMipInterrupt)


def _load(model: LinearModel, objective: LinearExpression, maximize: bool) -> _Highs:
    # The core class, not `highspy.Highs`: the wrapper enables logging callbacks that print a
    # banner on stdout, which would corrupt `pairaid solve --format json`.
    highs = _Highs()
    highs.setOptionValue("output_flag", False)
    size = model.size
    costs = np.zeros(size)
    for index, coefficient in objective.terms.items():
        costs[index] = coefficient
    inf = highspy.kHighsInf
    lower = np.array([max(value, -inf) for value in model.lower], dtype=float)
    upper = np.array([min(value, inf) for value in model.upper], dtype=float)
    empty_int = np.array([], dtype=np.int32)
    highs.addCols(size, costs, lower, upper, 0, empty_int, empty_int, np.array([], dtype=float))
    integers = np.array([i for i in range(size) if model.integer[i]], dtype=np.int32)
    if len(integers):
        kinds = np.array([highspy.HighsVarType.kInteger] * len(integers))
        highs.changeColsIntegrality(len(integers), integers, kinds)
    _add_rows(highs, model)
    highs.changeObjectiveOffset(objective.constant)
    highs.changeObjectiveSense(
        highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    )
    return highs


def _add_rows(highs: _Highs, model: LinearModel) -> None:
    if not model.rows:
        return
    inf = highspy.kHighsInf
    lower = np.array([max(row.lower, -inf) for row in model.rows], dtype=float)
    upper = np.array([min(row.upper, inf) for row in model.rows], dtype=float)
    starts = np.zeros(len(model.rows), dtype=np.int32)
    indices: list[int] = []
    values: list[float] = []
    for number, row in enumerate(model.rows):
        starts[number] = len(indices)
        indices.extend(row.indices)
        values.extend(row.coefficients)
    highs.addRows(
        len(model.rows),
        lower,
        upper,
        len(indices),
        starts,
        np.array(indices, dtype=np.int32),
        np.array(values, dtype=float),
    )


def node_limit(seconds: float, columns: int) -> int:
    """The branch-and-bound nodes that stand for `seconds` of work on a model this size."""
    rate = _NODES_PER_SECOND * min(1.0, _NODE_COLUMNS / max(columns, 1))
    return max(1, int(seconds * rate))


def _set_options(highs: _Highs, limits: Limits, *, has_integers: bool, columns: int) -> None:
    # One thread always: on the fairness models measured (19×16) it was 2-4× faster than
    # HiGHS's parallel default on 2 cores, and no slower on the GAP instances.
    threads = 1
    if _scheduler_threads != [threads]:
        _Highs.resetGlobalScheduler(True)
        _scheduler_threads[:] = [threads]
    highs.setOptionValue("threads", threads)
    highs.setOptionValue("random_seed", int(limits.seed))
    if not limits.presolve:
        highs.setOptionValue("presolve", "off")
    highs.setOptionValue("mip_rel_gap", float(limits.relative_gap))
    if limits.relative_gap == 0.0:
        highs.setOptionValue("mip_abs_gap", 0.0)
    if limits.feasibility_tolerance is not None:
        for option in ("mip_feasibility_tolerance", "primal_feasibility_tolerance"):
            highs.setOptionValue(option, float(limits.feasibility_tolerance))
    if limits.deterministic and limits.time_limit_seconds is not None and has_integers:
        highs.setOptionValue("mip_max_nodes", node_limit(limits.time_limit_seconds, columns))
        highs.setOptionValue("time_limit", float(limits.time_limit_seconds) * _SAFETY_FACTOR)
        return
    if limits.time_limit_seconds is not None:
        highs.setOptionValue("time_limit", max(float(limits.time_limit_seconds), 0.01))


def _read(
    highs: _Highs, model: LinearModel, objective: LinearExpression, maximize: bool
) -> Optimum:
    status = highs.getModelStatus()
    info = highs.getInfo()
    if status in (_MODEL_STATUS.kInfeasible, _MODEL_STATUS.kUnboundedOrInfeasible):
        return Optimum("infeasible")
    if info.primal_solution_status != 2:  # 2 = a feasible solution is known
        return Optimum("no_solution")
    # Integer columns come back within the integrality tolerance (0.9999999): round them, so
    # that levels computed from them (e.g. a GAP cost) are exact.
    values = [
        float(round(v)) if model.integer[i] else v
        for i, v in enumerate(highs.getSolution().col_value)
    ]
    value = objective.value(values)
    has_integers = any(model.integer)
    dual_bound = float(info.mip_dual_bound) if has_integers else value
    if status == _MODEL_STATUS.kOptimal:
        return Optimum("optimal", value, dual_bound if math.isfinite(dual_bound) else value, values)
    bound = dual_bound if has_integers and math.isfinite(dual_bound) else None
    return Optimum("feasible", value, bound, values)


class HighsRelaxation:
    """`backends.base.Relaxation` by HiGHS: `bound` by interior point, `vertex` by dual
    simplex (below)."""

    def bound(
        self, model: LinearModel, objective: LinearExpression, *, maximize: bool, limits: Limits
    ) -> float | None:
        return relaxation_bound(
            model,
            objective,
            maximize=maximize,
            time_limit_seconds=limits.time_limit_seconds,
            interrupt=limits.interrupt,
        )

    def vertex(
        self, model: LinearModel, objective: LinearExpression, *, maximize: bool, limits: Limits
    ) -> tuple[list[float], list[float]] | None:
        return relaxation_solution(
            model,
            objective,
            maximize=maximize,
            time_limit_seconds=limits.time_limit_seconds,
            interrupt=limits.interrupt,
        )


def relaxation_solution(
    model: LinearModel,
    objective: LinearExpression,
    *,
    maximize: bool,
    time_limit_seconds: float | None,
    interrupt: Callable[[], bool] | None = None,
) -> tuple[list[float], list[float]] | None:
    """An optimal vertex of the linear relaxation (dual simplex) and each column's reduced
    cost: few of its integer columns are fractional, which `strategies.neighbourhood` builds a plan
    on, and the reduced costs pick the pairs of its core problem. None if not solved in time."""
    highs = _load(model, objective, maximize)
    highs.setOptionValue("solve_relaxation", True)
    highs.setOptionValue("threads", 1)
    if time_limit_seconds is not None:
        highs.setOptionValue("time_limit", max(float(time_limit_seconds), 0.01))
    _set_callbacks(highs, None, None, interrupt, has_integers=False)
    highs.run()
    if highs.getModelStatus() != _MODEL_STATUS.kOptimal:
        return None
    solution = highs.getSolution()
    return list(solution.col_value), list(solution.col_dual)


def relaxation_bound(
    model: LinearModel,
    objective: LinearExpression,
    *,
    maximize: bool,
    time_limit_seconds: float | None,
    interrupt: Callable[[], bool] | None = None,
) -> float | None:
    """The optimum of the linear relaxation (integrality dropped): a valid bound for the MIP.

    Solved by the interior-point method without crossover: at 1,000×800 (83,000 columns) it
    takes 6 s where dual simplex, HiGHS's choice inside branch and bound, did not finish the
    degenerate max-min relaxation in 60 s (measured on this machine)."""
    highs = _load(model, objective, maximize)
    highs.setOptionValue("solve_relaxation", True)
    highs.setOptionValue("solver", "ipm")
    highs.setOptionValue("run_crossover", "off")
    highs.setOptionValue("threads", 1)
    if time_limit_seconds is not None:
        highs.setOptionValue("time_limit", max(float(time_limit_seconds), 0.01))
    _set_callbacks(highs, None, None, interrupt, has_integers=False)
    highs.run()
    info = highs.getInfo()
    if highs.getModelStatus() != _MODEL_STATUS.kOptimal or info.dual_solution_status != 2:
        return None
    # Without crossover the objective is optimal to the IPM tolerance (1e-8 relative); widen it
    # by that much so the bound stays valid.
    value = float(info.objective_function_value)
    return value * (1 + 1e-7) + 1e-9 if maximize else value * (1 - 1e-7) - 1e-9
