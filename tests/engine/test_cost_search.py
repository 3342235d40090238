"""The cost local search (`engine.cost_search`) for whole donors under absorption limits."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.conftest import BENCHMARKS

from pairaid import engine
from pairaid.engine import cost_search
from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.evaluate import evaluate
from pairaid.engine.greedy import greedy_plan
from pairaid.engine.instance import DegreeRange, Objective
from pairaid.engine.io import read_gap

GAP = BENCHMARKS / "gap"


def _cost(problem: engine.Problem, plan: tuple[engine.Assignment, ...]) -> float:
    return evaluate(problem, plan).level_value("min_cost", problem)


@pytest.mark.parametrize("name", ["yagiura2004/e05100", "chu1997/d10100", "chu1997/c20100"])
def test_greedy_plans_that_break_capacities_are_repaired(name: str) -> None:
    problem = read_gap(GAP / name)
    greedy = greedy_plan(problem)
    assert not evaluate(problem, greedy).feasible  # why these three: greedy fails on them

    plan = cost_search.improve(problem, greedy)

    evaluation = evaluate(problem, plan)
    assert evaluation.feasible, evaluation.violations[:3]
    assert sorted(a.donor for a in plan) == sorted(d.id for d in problem.donors)


def _random_gap(seed: int, donors: int, recipients: int) -> engine.Problem:
    chance = random.Random(seed)
    return engine.Problem(
        donors=[engine.Donor(f"d{i}", capacity={}) for i in range(donors)],
        recipients=[engine.Recipient(f"r{j}", need={}) for j in range(recipients)],
        pairs=[
            engine.PairData(f"d{i}", f"r{j}", cost=chance.randint(1, 30), load=chance.randint(1, 9))
            for i in range(donors)
            for j in range(recipients)
        ],
        policy=engine.Policy(
            recipient_degree=DegreeRange(0, None),
            absorption={f"r{j}": chance.randint(5, 20) for j in range(recipients)},
        ),
        objectives=(Objective("min_cost"),),
    )


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    donors=st.integers(2, 9),
    recipients=st.integers(1, 4),
    fix=st.booleans(),
)
def test_the_search_never_worsens_a_plan_and_keeps_required_pairs(
    seed: int, donors: int, recipients: int, fix: bool
) -> None:
    problem = _random_gap(seed, donors, recipients)
    if fix:
        required = frozenset([eligible_pairs(problem)[0]])
        problem = replace(problem, policy=replace(problem.policy, required_pairs=required))
    start = greedy_plan(problem)
    before = evaluate(problem, start)

    plan = cost_search.improve(problem, start, max_moves_looked_at=10_000)

    after = evaluate(problem, plan)
    assert problem.policy.required_pairs <= {a.key for a in plan}
    assert len(after.violations) <= len(before.violations) or after.feasible
    if before.feasible:
        assert after.feasible
        assert _cost(problem, plan) <= _cost(problem, start) + 1e-9


def test_only_the_one_donor_one_recipient_cost_problems_are_searched() -> None:
    problem = read_gap(GAP / "cattrysse1994" / "gap1-0")
    assert cost_search.applies(problem)
    split = replace(problem, policy=replace(problem.policy, donor_degree=DegreeRange(1, 2)))
    budget = replace(problem, policy=replace(problem.policy, churn_budget=3))
    fair = replace(problem, objectives=(Objective("max_min_coverage"),))
    assert not any(cost_search.applies(p) for p in (split, budget, fair))


def test_cp_sat_beside_highs_keeps_the_cheaper_plan_and_the_better_bound() -> None:
    import importlib

    from pairaid.engine.backends.base import Optimum
    from pairaid.engine.formulation import build_model
    from pairaid.engine.lexicographic import LevelOutcome, LexicographicOutcome

    pipeline = importlib.import_module("pairaid.engine.solve")
    problem = read_gap(GAP / "cattrysse1994" / "gap1-0")
    highs_model, cpsat_model = build_model(problem), build_model(problem)
    highs = LexicographicOutcome(
        "feasible", (LevelOutcome("min_cost", 340.0, 320.0, "feasible"),), [0.0]
    )

    cheaper = Optimum("feasible", 336.0, 330.0, [1.0])
    outcome, model, name = pipeline._cheaper_outcome(highs, highs_model, (cpsat_model, cheaper))
    assert (name, model, outcome.values) == ("cpsat", cpsat_model, [1.0])
    assert outcome.levels[0] == LevelOutcome("min_cost", 336.0, 330.0, "feasible")

    dearer = Optimum("feasible", 345.0, 336.0, [1.0])  # dearer, but with the better bound
    outcome, model, name = pipeline._cheaper_outcome(highs, highs_model, (cpsat_model, dearer))
    assert (name, model, outcome.values) == ("highs", highs_model, [0.0])
    assert outcome.levels[0] == LevelOutcome("min_cost", 340.0, 336.0, "feasible")
    proven = Optimum("optimal", 340.0, 340.0, [1.0])  # the same cost, proven by CP-SAT
    outcome, model, name = pipeline._cheaper_outcome(highs, highs_model, (cpsat_model, proven))
    assert name == "highs"
    assert outcome.levels[0] == LevelOutcome("min_cost", 340.0, 340.0, "optimal")

    outcome, model, name = pipeline._cheaper_outcome(highs, highs_model, None)
    assert (outcome, name) == (highs, "highs")


def test_a_gap_run_with_a_time_limit_uses_both_solvers_and_reports_the_plan_it_returns() -> None:
    problem = read_gap(GAP / "chu1997" / "d05100")
    assert cost_search.applies(problem)

    result = engine.solve(problem, time_limit_seconds=5)

    assert result.backend in ("highs", "cpsat")
    evaluation = evaluate(problem, engine.plan_of(result))
    assert evaluation.feasible
    assert result.levels[0].value == pytest.approx(evaluation.level_value("min_cost", problem))
    assert result.levels[0].bound is not None
    assert result.levels[0].bound <= result.levels[0].value
