"""HiGHS through `highspy`: the default exact backend (MIP by branch and cut)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import highspy
import numpy as np
from highspy._core import _Highs

from pairaid.engine.backends.base import Limits, Optimum
from pairaid.engine.model import LinearExpression, LinearModel

# In deterministic mode the time limit becomes a node limit, at this many nodes per second;
# the wall-clock limit stays as a safety net far beyond it.
_NODES_PER_SECOND = 2000
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
    ) -> Optimum:
        highs = _load(model, objective, maximize)
        _set_options(highs, limits, has_integers=any(model.integer))
        if hint is not None and len(hint) == model.size:
            solution = highspy.HighsSolution()
            solution.col_value = list(hint)
            highs.setSolution(solution)
        highs.run()
        return _read(highs, model, objective, maximize)


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


def _set_options(highs: _Highs, limits: Limits, *, has_integers: bool) -> None:
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
    if limits.deterministic and limits.time_limit_seconds is not None and has_integers:
        nodes = max(1, int(limits.time_limit_seconds * _NODES_PER_SECOND))
        highs.setOptionValue("mip_max_nodes", nodes)
        highs.setOptionValue("time_limit", float(limits.time_limit_seconds) * 20)
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
