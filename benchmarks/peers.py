"""The peers PairAid's engine is measured against: one direct HiGHS model and one direct CP-SAT
model of the same instance — what a user would write without PairAid. Benchmarks only."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from pairaid.engine import Problem
from pairaid.engine.eligibility import eligible_pairs


@dataclass
class PeerResult:
    name: str
    value: float | None
    bound: float | None
    seconds: float


def _highs():  # type: ignore[no-untyped-def]
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _grouped(pairs):  # type: ignore[no-untyped-def]
    by_donor: dict[str, list] = {}
    by_recipient: dict[str, list] = {}
    for key in pairs:
        by_donor.setdefault(key[0], []).append(key)
        by_recipient.setdefault(key[1], []).append(key)
    return by_donor, by_recipient


def _left(seconds: float, started: float) -> float:
    """The solver's limit: the same total wall time as PairAid's, model building included."""
    return max(seconds - (time.perf_counter() - started), 0.01)


def gap_highs(problem: Problem, seconds: float) -> PeerResult:
    """min Σ cost·x, each item (donor) to exactly one agent, agent load ≤ capacity."""
    started = time.perf_counter()
    h = _highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    pairs = eligible_pairs(problem)
    by_donor, by_recipient = _grouped(pairs)
    x = {key: h.addBinary(obj=problem.pair_data(*key).cost or 0.0) for key in pairs}
    for donor in problem.donors:
        h.addConstr(sum(x[k] for k in by_donor[donor.id]) == 1)
    for recipient in problem.recipients:
        limit = problem.policy.absorption.get(recipient.id)
        if limit is not None:
            h.addConstr(sum(problem.load(*k) * x[k] for k in by_recipient[recipient.id]) <= limit)
    h.setMinimize()
    h.setOptionValue("time_limit", _left(seconds, started))
    h.run()
    info = h.getInfo()
    value = info.objective_function_value if info.primal_solution_status == 2 else None
    return PeerResult("direct HiGHS", value, info.mip_dual_bound, time.perf_counter() - started)


def gap_cpsat(problem: Problem, seconds: float) -> PeerResult:
    started = time.perf_counter()
    model = cp_model.CpModel()
    pairs = eligible_pairs(problem)
    x = {key: model.NewBoolVar(f"x{n}") for n, key in enumerate(pairs)}
    by_donor, by_recipient = _grouped(pairs)
    for donor in problem.donors:
        model.AddExactlyOne(x[k] for k in by_donor[donor.id])
    for recipient in problem.recipients:
        limit = problem.policy.absorption.get(recipient.id)
        if limit is not None:
            model.Add(
                sum(int(problem.load(*k)) * x[k] for k in by_recipient[recipient.id]) <= int(limit)
            )
    model.Minimize(sum(int(problem.pair_data(*k).cost or 0) * x[k] for k in pairs))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = _left(seconds, started)
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return PeerResult(
        "direct CP-SAT",
        solver.ObjectiveValue() if found else None,
        solver.BestObjectiveBound(),
        time.perf_counter() - started,
    )


def _maxmin_parts(problem: Problem):  # type: ignore[no-untyped-def]
    pairs = eligible_pairs(problem)
    resources = problem.resources
    return pairs, resources


def maxmin_highs(problem: Problem, seconds: float) -> PeerResult:
    """max z: z ≤ min(saturation, Σ_i a[i,j,r] / need[j,r]); integer allocations on chosen pairs."""
    started = time.perf_counter()
    h = _highs()
    h.setOptionValue("time_limit", seconds)
    pairs, resources = _maxmin_parts(problem)
    x = {k: h.addBinary() for k in pairs}
    a = {}
    for k in pairs:
        donor = problem.donor_by_id[k[0]]
        for r in resources:
            cap = donor.capacity.get(r, 0.0)
            if cap > 0:
                a[(k, r)] = h.addIntegral(lb=0, ub=cap)
                h.addConstr(a[(k, r)] <= cap * x[k])
    z = h.addVariable(
        lb=0, ub=problem.saturation if problem.saturation is not None else 1e9, obj=1.0
    )
    for donor in problem.donors:
        mine = [k for k in pairs if k[0] == donor.id]
        for r in resources:
            terms = [a[(k, r)] for k in mine if (k, r) in a]
            if terms:
                h.addConstr(sum(terms) <= donor.capacity.get(r, 0.0))
        degree = problem.policy.donor_degree
        h.addConstr(sum(x[k] for k in mine) >= degree.minimum)
        if degree.maximum is not None:
            h.addConstr(sum(x[k] for k in mine) <= degree.maximum)
    for recipient in problem.recipients:
        theirs = [k for k in pairs if k[1] == recipient.id]
        degree = problem.policy.recipient_degree
        h.addConstr(sum(x[k] for k in theirs) >= degree.minimum)
        if degree.maximum is not None:
            h.addConstr(sum(x[k] for k in theirs) <= degree.maximum)
        for r, need in recipient.need.items():
            if need > 0:
                h.addConstr(need * z <= sum(a[(k, r)] for k in theirs if (k, r) in a))
    h.setMaximize()
    h.run()
    info = h.getInfo()
    value = info.objective_function_value if info.primal_solution_status == 2 else None
    return PeerResult("direct HiGHS", value, info.mip_dual_bound, time.perf_counter() - started)


SCALE = 10_000  # CP-SAT is integer: coverage to 1/10,000


def maxmin_cpsat(problem: Problem, seconds: float) -> PeerResult:
    started = time.perf_counter()
    model = cp_model.CpModel()
    pairs, resources = _maxmin_parts(problem)
    x = {k: model.NewBoolVar("") for k in pairs}
    a = {}
    for k in pairs:
        cap = problem.donor_by_id[k[0]].capacity
        for r in resources:
            if cap.get(r, 0) > 0:
                a[(k, r)] = model.NewIntVar(0, int(cap[r]), "")
                model.Add(a[(k, r)] <= int(cap[r]) * x[k])
    top = int(SCALE * (problem.saturation if problem.saturation is not None else 100))
    z = model.NewIntVar(0, top, "z")
    for donor in problem.donors:
        mine = [k for k in pairs if k[0] == donor.id]
        for r in resources:
            terms = [a[(k, r)] for k in mine if (k, r) in a]
            if terms:
                model.Add(sum(terms) <= int(donor.capacity.get(r, 0)))
        degree = problem.policy.donor_degree
        model.Add(sum(x[k] for k in mine) >= degree.minimum)
        if degree.maximum is not None:
            model.Add(sum(x[k] for k in mine) <= degree.maximum)
    for recipient in problem.recipients:
        theirs = [k for k in pairs if k[1] == recipient.id]
        degree = problem.policy.recipient_degree
        model.Add(sum(x[k] for k in theirs) >= degree.minimum)
        if degree.maximum is not None:
            model.Add(sum(x[k] for k in theirs) <= degree.maximum)
        for r, need in recipient.need.items():
            if need > 0:
                model.Add(round(need) * z <= SCALE * sum(a[(k, r)] for k in theirs if (k, r) in a))
    model.Maximize(z)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return PeerResult(
        "direct CP-SAT",
        solver.ObjectiveValue() / SCALE if found else None,
        solver.BestObjectiveBound() / SCALE,
        time.perf_counter() - started,
    )
