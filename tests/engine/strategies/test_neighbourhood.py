"""The neighbourhood search (`strategies.neighbourhood`) and its place beside HiGHS (`beside`)."""

from __future__ import annotations

import collections
import itertools
import math
import os
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.conftest import GAP, planted_gap, random_gap

from pairaid import engine
from pairaid.engine.backends.base import Limits
from pairaid.engine.backends.highs import HighsBackend, relaxation_solution
from pairaid.engine.budget import Budget
from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.evaluate import evaluate
from pairaid.engine.formulation import build_model
from pairaid.engine.instance import Assignment
from pairaid.engine.io import read_gap
from pairaid.engine.lexicographic import LevelOutcome, LexicographicOutcome
from pairaid.engine.plans import hint, read_plan
from pairaid.engine.strategies import beside, cost_search, neighbourhood
from pairaid.engine.strategies.base import Start
from pairaid.engine.strategies.greedy import greedy_plan
from pairaid.engine.strategies.warm_start import RelaxationPlan


def _relaxation_start(problem: engine.Problem) -> Start | None:
    """The warm start built on the linear relaxation, as the pipeline makes it, or None."""
    heuristic = RelaxationPlan()
    if not heuristic.applies(problem, Start()):
        return None
    budget = Budget.of_run(problem.options.time_limit_seconds).clock_part(heuristic.share)
    start = heuristic.improve(problem, Start(), budget)
    return start if start.plan else None


def _cost(problem: engine.Problem, plan: dict[str, str]) -> float:
    return evaluate(problem, neighbourhood.as_assignments(plan)).level_value("min_cost", problem)


def _feasible(problem: engine.Problem, plan: dict[str, str]) -> bool:
    return evaluate(problem, neighbourhood.as_assignments(plan)).feasible


def _cheapest_placement(
    problem: engine.Problem, plan: dict[str, str], freed: list[str], allowed: set[str]
) -> float:
    """Brute force: every placement of the freed donors among the allowed recipients."""
    best = math.inf
    for choice in itertools.product(sorted(allowed), repeat=len(freed)):
        trial = dict(plan)
        trial.update(zip(freed, choice, strict=True))
        evaluation = evaluate(problem, neighbourhood.as_assignments(trial))
        if evaluation.feasible:
            best = min(best, evaluation.level_value("min_cost", problem))
    return best


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), fewest=st.integers(0, 1))
def test_a_neighbourhood_is_re_solved_to_its_optimum_and_the_rest_is_kept(
    seed: int, fewest: int
) -> None:
    # A neighbourhood is of a plan that keeps the policy: one planted in the problem.
    problem, plan = planted_gap(seed, donors=7, recipients=3, fewest=fewest)
    assert _feasible(problem, plan)
    chance = random.Random(seed)
    allowed = set(chance.sample(["r0", "r1", "r2"], 2))
    # As the search frees them: donors of the allowed recipients, which may move among those.
    on_allowed = [d for d, r in plan.items() if r in allowed]
    freed = chance.sample(on_allowed, min(4, len(on_allowed)))
    data = cost_search.Tables.of(problem)

    placed, proven = neighbourhood._resolve(data, plan, freed, frozenset(allowed), 5.0, 0)

    best = _cheapest_placement(problem, plan, freed, allowed)
    assert placed is not None and proven  # the plan itself is one placement
    assert {d: r for d, r in placed.items() if d not in freed} == {
        d: r for d, r in plan.items() if d not in freed
    }
    assert all(placed[d] in allowed for d in freed)
    assert _cost(problem, placed) == pytest.approx(best)


@pytest.mark.parametrize("name", ["chu1997/c10100", "yagiura2004/e05100", "cattrysse1994/gap1-0"])
def test_the_relaxation_plan_keeps_its_whole_donors_and_is_a_plan(name: str) -> None:
    problem = read_gap(GAP / name)
    pairing = build_model(problem)
    expression, maximize = pairing.level("min_cost")
    solution = relaxation_solution(
        pairing.model, expression, maximize=maximize, time_limit_seconds=10
    )
    assert solution is not None
    values, _ = solution
    relaxed = {key: values[index] for key, index in pairing.assign.items()}

    plan = neighbourhood.relaxation_plan(problem, relaxed, 10.0)

    assert plan is not None
    evaluation = evaluate(problem, plan)
    assert evaluation.feasible, evaluation.violations[:3]
    assert sorted(a.donor for a in plan) == sorted(d.id for d in problem.donors)
    whole = {key for key, value in relaxed.items() if value > 1 - 1e-6}
    split = {d.id for d in problem.donors} - {d for d, _ in whole}
    touched = {r for (d, r), value in relaxed.items() if d in split and value > 1e-6}
    # Whole donors keep their recipient; where that leaves no room for the split donors
    # (gap1-0), those of the recipients the split donors touch are placed again too.
    assert {(d, r) for d, r in whole if r not in touched} <= {a.key for a in plan}
    # No plan is cheaper than the relaxation's optimum.
    assert evaluation.level_value("min_cost", problem) >= expression.value(values) - 1e-6


def test_a_neighbourhood_grows_after_a_proven_solve_and_shrinks_after_a_timed_out_one() -> None:
    problem = random_gap(3, donors=40, recipients=12)
    start = engine.plan_of(engine.solve(problem, backend="greedy"))
    search = neighbourhood.Search(_shared(problem, start), problem)
    recipients, donors = search.recipient_count, search.donor_count

    search._resize(by_recipients=True, proven=True)
    search._resize(by_recipients=False, proven=True)
    assert (search.recipient_count, search.donor_count) == (recipients + 1, donors + 2)
    for _ in range(3):
        search._resize(by_recipients=True, proven=False)
    assert search.recipient_count == recipients - 2
    for _ in range(50):  # never below two recipients, never above all of them
        search._resize(by_recipients=True, proven=False)
    assert search.recipient_count == 2
    for _ in range(50):
        search._resize(by_recipients=True, proven=True)
    assert search.recipient_count == len(problem.recipients)


def _shared(problem: engine.Problem, start: tuple[Assignment, ...]) -> neighbourhood.SharedPlans:
    pairing = build_model(problem)
    return neighbourhood.SharedPlans(
        problem,
        start,
        lambda plan: hint(pairing, evaluate(problem, plan)),
        lambda values: read_plan(pairing, values),
    )


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), fix=st.booleans())
def test_the_search_only_ever_keeps_cheaper_plans_and_keeps_required_pairs(
    seed: int, fix: bool
) -> None:
    problem, planted = planted_gap(seed, donors=12, recipients=5)
    if fix:
        donor = f"d{seed % 12}"
        required = frozenset([(donor, planted[donor])])
        problem = replace(problem, policy=replace(problem.policy, required_pairs=required))
    start = engine.plan_of(engine.solve(problem, backend="greedy"))
    if not evaluate(problem, start).feasible:  # greedy fails now and then: the planted plan then
        start = neighbourhood.as_assignments(planted)
    before = evaluate(problem, start)
    assert before.feasible
    shared = _shared(problem, start)
    search = neighbourhood.Search(shared, problem)

    search.run(threading.Event().is_set, time.monotonic() + 0.5)

    plan, cost = shared.best()
    after = evaluate(problem, neighbourhood.as_assignments(plan))
    assert search.solves > 0
    assert after.feasible
    assert cost == pytest.approx(after.level_value("min_cost", problem))
    assert cost <= before.level_value("min_cost", problem) + 1e-9
    assert problem.policy.required_pairs <= set(plan.items())


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(2, 12))
def test_recipients_freed_together_are_those_the_first_ones_donors_would_serve_next(
    seed: int, count: int
) -> None:
    problem = random_gap(seed, donors=30, recipients=12)
    # Costs without ties, so each donor has one cheapest other recipient.
    pairs = [replace(p, cost=p.cost + i / 1000) for i, p in enumerate(problem.pairs)]
    problem = replace(problem, pairs=pairs)
    plan = neighbourhood.as_plan(engine.plan_of(engine.solve(problem, backend="greedy")))
    search = neighbourhood.Search(_shared(problem, neighbourhood.as_assignments(plan)), problem)
    search.recipient_count = count

    chosen = search._related(plan)

    assert len(chosen) == len(set(chosen)) == count
    # After the first come the recipients its donors serve most cheaply after it, as many as
    # there are room for; then any.
    cost = search.shared.data.cost
    others = [r.id for r in problem.recipients if r.id != chosen[0]]
    nearest = {
        min(others, key=lambda r: cost[(donor, r)])
        for donor, served in plan.items()
        if served == chosen[0]
    }
    taken = min(len(nearest), count - 1)
    assert set(chosen[1 : 1 + taken]) <= nearest
    if len(nearest) <= count - 1:
        assert set(chosen[1 : 1 + taken]) == nearest


def test_the_kind_of_neighbourhood_that_finds_cheaper_plans_is_drawn_more_often() -> None:
    problem = random_gap(3, donors=30, recipients=12)
    start = engine.plan_of(engine.solve(problem, backend="greedy"))
    search = neighbourhood.Search(_shared(problem, start), problem)
    for _ in range(20):
        search._reward("related", improved=True)
        search._reward("recipients", improved=False)
        search._reward("donors", improved=False)

    drawn = collections.Counter(search._kind() for _ in range(1000))

    assert search.weights == {"related": 1.0, "recipients": 0.1, "donors": 0.1}
    # Drawn in proportion to the weights (10 : 1 : 1), and never left out altogether.
    assert drawn["related"] > 750 and drawn["recipients"] > 30 and drawn["donors"] > 30
    # With too few recipients for a recipient neighbourhood, only donors are freed.
    search.recipient_count = len(problem.recipients)
    assert {search._kind() for _ in range(50)} == {"donors"}


@pytest.mark.parametrize("required", [0, 1, 12])
def test_the_search_runs_with_few_donors_free_to_move(required: int) -> None:
    problem = random_gap(1, donors=12, recipients=2)
    start = engine.plan_of(engine.solve(problem, time_limit_seconds=5))
    fixed = frozenset(a.key for a in start[:required])
    problem = replace(problem, policy=replace(problem.policy, required_pairs=fixed))
    shared = _shared(problem, start)
    search = neighbourhood.Search(shared, problem)

    search.run(threading.Event().is_set, time.monotonic() + 0.3)

    assert search.solves > 0 or required == 12  # with every donor required nothing moves
    assert shared.best()[1] == pytest.approx(
        evaluate(problem, start).level_value("min_cost", problem)
    )


def test_the_core_holds_the_pairs_cheapest_by_reduced_cost_and_the_plans_own() -> None:
    reduced = {("d0", "r0"): -2.0, ("d0", "r1"): 0.0, ("d1", "r0"): 3.0, ("d1", "r1"): 0.0}
    reduced |= {("d2", "r0"): 0.5, ("d2", "r1"): 1.0, ("d3", "r0"): 0.0, ("d3", "r1"): 7.0}
    core = neighbourhood._Core(reduced, donors=4)  # 1.5 pairs per donor: 6 of the 8

    assert core.pairs({}) == set(reduced) - {("d1", "r0"), ("d3", "r1")}
    assert core.pairs({"d3": "r1"}) == set(reduced) - {("d1", "r0")}
    core.grow()  # after a proven solve: every pair
    assert core.pairs({}) == set(reduced)
    # Never fewer than the pairs the relaxation uses (reduced cost 0 or below).
    assert neighbourhood._Core(reduced, donors=1).pairs({}) == {
        key for key, cost in reduced.items() if cost <= 0
    }


def test_a_search_that_stalls_solves_its_core_and_shares_each_cheaper_plan_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = read_gap(GAP / "chu1997" / "c10100")  # optimum 1,402
    timed = replace(problem, options=replace(problem.options, time_limit_seconds=30))
    start = _relaxation_start(timed)
    assert start is not None and start.reduced_costs is not None
    assert set(start.reduced_costs) == set(eligible_pairs(timed))
    offered: list[float] = []
    shared = _shared(timed, start.plan)
    keep = shared.offer

    def offer(plan: dict[str, str], *, news: bool = True) -> bool:
        offered.append(shared.data.cost_of(plan))
        return keep(plan, news=news)

    monkeypatch.setattr(shared, "offer", offer)
    monkeypatch.setattr(neighbourhood, "STALL_SECONDS", 0.0)  # the core at once, every time
    search = neighbourhood.Search(shared, timed, start.reduced_costs)

    search.run(threading.Event().is_set, time.monotonic() + 20)

    assert search.core_solves > 0 and search.solves == 0
    assert dict(search.summary()[2])["core"] == search.core_solves
    plan, cost = shared.best()
    assert _feasible(timed, plan) and cost == pytest.approx(_cost(timed, plan))
    assert cost < evaluate(timed, start.plan).level_value("min_cost", timed)
    assert cost >= 1402 and min(offered) == cost
    # Plans are shared as the core's solve finds them, not only when it ends.
    assert len(offered) > search.core_solves


def test_a_core_solve_stops_when_the_search_is_told_to() -> None:
    problem = read_gap(GAP / "chu1997" / "d20200")  # far from proven in the limit below
    timed = replace(problem, options=replace(problem.options, time_limit_seconds=60))
    start = _relaxation_start(timed)
    assert start is not None and start.reduced_costs is not None
    shared = _shared(timed, start.plan)
    search = neighbourhood.Search(shared, timed, start.reduced_costs)
    assert search.core is not None
    stop = threading.Event()
    stop.set()
    size = search.core.size

    plan = neighbourhood.as_plan(start.plan)
    search._solve_core(search.core, plan, stop.is_set, time.monotonic() + 600)

    # Interrupted, so nothing is proven and the core does not grow; the plan kept is a plan.
    assert search.core_solves == 1 and search.core.size == size
    assert _feasible(timed, shared.best()[0])


def test_shared_plans_keep_the_cheapest_and_hand_each_better_plan_to_highs_once() -> None:
    problem = random_gap(3, donors=6, recipients=3)
    dear = {f"d{i}": "r0" for i in range(6)}
    shared = _shared(problem, neighbourhood.as_assignments(dear))
    start_cost = shared.best()[1]
    cheapest = min(
        (
            dict(zip(dear, choice, strict=True))
            for choice in itertools.product(["r0", "r1", "r2"], repeat=6)
        ),
        key=lambda plan: cost_search.Tables.of(problem).cost_of(plan),
    )

    assert shared.better(start_cost) is None  # nothing cheaper than HiGHS's incumbent yet
    assert shared.offer(cheapest)
    assert not shared.offer(dear)  # dearer plans are refused
    values = shared.better(start_cost)
    assert values is not None
    assert {a.key for a in read_plan(build_model(problem), values)} == set(cheapest.items())
    assert shared.better(start_cost) is None  # the same plan is not handed over twice


def test_the_search_plans_are_reported_on_the_thread_that_asks_and_highs_plans_not_at_all() -> None:
    problem = random_gap(3, donors=6, recipients=3)
    dear = {f"d{i}": "r0" for i in range(6)}
    told: list[tuple[float, float, str]] = []
    pairing = build_model(problem)
    shared = neighbourhood.SharedPlans(
        problem,
        neighbourhood.as_assignments(dear),
        lambda plan: hint(pairing, evaluate(problem, plan)),
        lambda values: read_plan(pairing, values),
        lambda cost, at: told.append((cost, at, threading.current_thread().name)),
    )
    data = cost_search.Tables.of(problem)
    plans = sorted(
        (dict(zip(dear, c, strict=True)) for c in itertools.product(["r0", "r1", "r2"], repeat=6)),
        key=data.cost_of,
        reverse=True,
    )
    cheaper = next(p for p in plans if data.cost_of(p) < data.cost_of(dear))
    before = time.perf_counter()
    found = threading.Thread(target=shared.offer, args=(cheaper,), name="search")
    found.start()
    found.join()

    assert told == []  # not on the search's thread
    shared.report_news()
    assert [(cost, name) for cost, _, name in told] == [
        (data.cost_of(cheaper), threading.current_thread().name)
    ]
    assert before <= told[0][1] <= time.perf_counter()  # when it was found
    # A plan HiGHS found is not news: HiGHS reports its own.
    shared.found(hint(pairing, evaluate(problem, neighbourhood.as_assignments(plans[-1]))))
    shared.report_news()
    assert len(told) == 1 and shared.best()[1] == data.cost_of(plans[-1])
    # Once closed, no plan is taken, however cheap: the plan returned is the last reported.
    closed = _shared(problem, neighbourhood.as_assignments(dear))
    closed.close()
    assert not closed.offer(cheaper)
    assert closed.best()[1] == data.cost_of(dear)


class _Recorder:
    """An exchange that offers one plan and records HiGHS's."""

    def __init__(self, offered: list[float] | None, proven: bool = False) -> None:
        self.offered = offered
        self.plans: list[list[float]] = []
        self.asked = 0
        self.proven = proven
        self.may_settle = proven
        self.asked_settled = 0

    def found(self, values: Sequence[float]) -> None:
        self.plans.append(list(values))

    def better(self, value: float) -> list[float] | None:
        self.asked += 1
        return self.offered

    def settled(self) -> bool:
        self.asked_settled += 1
        return self.proven


def test_highs_stops_once_the_solver_beside_it_has_proven_its_plan() -> None:
    # d20200 is far from proven in the limit; told the plan beside it is proven, HiGHS stops
    # at once with the plan it has instead of running to its limit.
    problem = read_gap(GAP / "chu1997" / "d20200")
    pairing = build_model(problem)
    expression, _ = pairing.level("min_cost")
    recorder = _Recorder(None, proven=True)
    timed = replace(problem, options=replace(problem.options, time_limit_seconds=60))
    start = _relaxation_start(timed)
    assert start is not None

    stopped = HighsBackend().optimize(
        pairing.model,
        expression,
        maximize=False,
        limits=Limits(600.0, 0),
        hint=hint(pairing, evaluate(problem, start.plan)),
        exchange=recorder,
    )

    assert recorder.asked_settled > 0
    assert stopped.status == "feasible" and stopped.values is not None


def test_highs_hands_its_plans_to_the_exchange_and_takes_a_better_one() -> None:
    problem = read_gap(GAP / "chu1997" / "c10100")
    pairing = build_model(problem)
    expression, _ = pairing.level("min_cost")
    optimum = HighsBackend().optimize(
        pairing.model, expression, maximize=False, limits=Limits(30.0, 0)
    )
    assert optimum.values is not None and optimum.status == "optimal"

    # Offered the optimum from the start, HiGHS takes it: its first plan is the optimum.
    recorder = _Recorder(optimum.values)
    taken = HighsBackend().optimize(
        build_model(problem).model,
        expression,
        maximize=False,
        limits=Limits(30.0, 0),
        exchange=recorder,
    )
    assert recorder.asked > 0
    assert taken.value == pytest.approx(optimum.value)
    for values in recorder.plans:  # every plan handed out is a plan of the model
        plan = read_plan(pairing, values)
        assert evaluate(problem, plan).feasible


def test_the_plan_of_the_search_replaces_highs_only_where_it_is_cheaper() -> None:
    problem = next(
        p
        for p in (random_gap(seed, donors=6, recipients=3) for seed in range(100))
        if evaluate(p, greedy_plan(p)).feasible
    )
    pairing = build_model(problem)
    start = greedy_plan(problem)
    shared = _shared(problem, start)
    search = neighbourhood.Search(shared, problem)
    done = threading.Thread(target=lambda: None)
    done.start()
    companion = beside.Beside(done, threading.Event(), shared, search)
    start_cost = shared.best()[1]

    cheaper = LexicographicOutcome(
        "feasible", (LevelOutcome("min_cost", start_cost + 5, start_cost - 20, "feasible"),), []
    )
    outcome = beside.cheaper_outcome(cheaper, pairing, companion)
    assert outcome.levels[0] == LevelOutcome("min_cost", start_cost, start_cost - 20, "feasible")
    assert {a.key for a in read_plan(pairing, outcome.values or [])} == {a.key for a in start}

    proven = LexicographicOutcome(
        "optimal", (LevelOutcome("min_cost", start_cost - 1, start_cost - 1, "optimal"),), [0.0]
    )
    assert beside.cheaper_outcome(proven, pairing, companion) is proven


@pytest.mark.parametrize(
    ("name", "beside_it"),
    [("d10100", "neighbourhood"), ("d05100", "cpsat")],
)
def test_a_timed_gap_run_solves_beside_highs_and_reports_the_plan_it_returns(
    name: str, beside_it: str
) -> None:
    problem = read_gap(GAP / "chu1997" / name)
    two_cores = (os.cpu_count() or 1) >= 2
    if two_cores:
        timed = replace(problem, options=replace(problem.options, time_limit_seconds=5))
        assert beside.applies(timed)

    said: list[engine.Progress] = []
    result = engine.solve(problem, time_limit_seconds=5, progress=said.append)

    assert result.backend == "highs"
    # Few recipients: CP-SAT solves the whole problem beside HiGHS; more: the search.
    assert any(p.stage == "beside" and p.method == beside_it for p in said) == two_cores
    reported = [(p.level, p.value, p.seconds) for p in said if p.stage == "improved"]
    evaluation = evaluate(problem, engine.plan_of(result))
    assert evaluation.feasible
    assert result.levels[0].value == pytest.approx(evaluation.level_value("min_cost", problem))
    assert result.levels[0].bound is not None
    assert result.levels[0].bound <= result.levels[0].value
    # The warm start and every cheaper plan are reported, in seconds since the run began; the
    # plan returned is among them, whoever found it (the time to the best plan is known).
    assert reported and {level for level, _, _ in reported} == {"min_cost"}
    assert all(0 < at <= result.seconds for _, _, at in reported)
    assert min(value for _, value, _ in reported) == pytest.approx(result.levels[0].value)


def test_cpsat_beside_proves_a_few_recipients_optimal_and_its_bound_is_the_results() -> None:
    problem = read_gap(GAP / "chu1997" / "c05100")  # optimum 1,931
    timed = replace(problem, options=replace(problem.options, time_limit_seconds=30))
    pairing = build_model(timed)
    start = _relaxation_start(timed)
    assert start is not None
    shared = _shared(timed, start.plan)
    work = beside.CpSat(shared, timed)

    work.run(threading.Event().is_set, time.monotonic() + 30)

    assert work.optimum is not None and work.optimum.status == "optimal"
    assert shared.settled() and shared.best()[1] == 1931
    # HiGHS stopped early with a dearer plan and a weaker bound: the result is CP-SAT's plan,
    # proven by its bound.
    done = threading.Thread(target=lambda: None)
    done.start()
    companion = beside.Beside(done, threading.Event(), shared, work)
    stopped = LexicographicOutcome(
        "feasible", (LevelOutcome("min_cost", 1940.0, 1900.0, "feasible"),), [0.0] * 3
    )
    outcome = beside.cheaper_outcome(stopped, pairing, companion)
    assert outcome.status == "optimal"
    assert outcome.levels[0] == LevelOutcome("min_cost", 1931.0, 1931.0, "optimal")
    assert evaluate(timed, read_plan(pairing, outcome.values or [])).feasible


def test_a_model_cpsat_refuses_leaves_highs_to_solve_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pairaid.engine.backends import cpsat

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValueError("CP-SAT rejected the model: MODEL_INVALID")

    monkeypatch.setattr(cpsat.CpSatBackend, "optimize", refuse)
    problem = read_gap(GAP / "chu1997" / "c05100")
    said: list[engine.Progress] = []

    result = engine.solve(problem, time_limit_seconds=20, progress=said.append)

    assert result.status == "optimal" and result.levels[0].value == 1931
    if (os.cpu_count() or 1) >= 2:
        beside_it = [(p.method, p.status) for p in said if p.stage == "beside"]
        assert beside_it == [("cpsat", "refused")]


def test_deterministic_runs_neither_start_from_the_relaxation_nor_search_beside() -> None:
    problem = read_gap(GAP / "chu1997" / "c05100")
    fixed = replace(problem, options=replace(problem.options, deterministic=True))
    assert not neighbourhood.applies(fixed)
    assert not beside.applies(replace(fixed, options=replace(fixed.options, time_limit_seconds=5)))
    assert _relaxation_start(fixed) is None
