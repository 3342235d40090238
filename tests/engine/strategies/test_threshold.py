"""Max-min by threshold tests (`strategies.threshold`) against branch and bound on the model."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pairaid import engine
from pairaid.engine.backends import get_backend
from pairaid.engine.backends.base import Limits
from pairaid.engine.budget import Budget
from pairaid.engine.evaluate import evaluate
from pairaid.engine.generate import generate
from pairaid.engine.instance import DegreeRange, Objective, Problem
from pairaid.engine.plans import read_plan
from pairaid.engine.strategies import threshold


def _branch_and_bound(problem: Problem, monkeypatch: pytest.MonkeyPatch) -> engine.Result:
    with monkeypatch.context() as patch:
        patch.setattr(threshold, "applies", lambda *args: False)
        return engine.solve(problem, explain=False, deterministic=True)


def _split_personnel(problem: Problem) -> Problem:
    """Donors that may serve two recipients, with whole units of a personnel resource."""
    policy = replace(problem.policy, donor_degree=DegreeRange(1, 2))
    return replace(problem, policy=policy, integer_resources=frozenset(problem.resources))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("shape", ["whole donors", "split personnel", "churn budget"])
def test_the_tests_find_the_branch_and_bound_optimum(
    seed: int, shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = generate(12, 9, seed=seed, density=0.5)
    if shape == "split personnel":
        problem = _split_personnel(problem)
    if shape == "churn budget":
        # keep the greedy plan's links, change at most four
        existing = frozenset(
            (p.donor, p.recipient) for p in engine.solve(problem, backend="greedy").pairs
        )
        policy = replace(problem.policy, existing_plan=existing, churn_budget=4)
        problem = replace(problem, policy=policy)
    reference = _branch_and_bound(problem, monkeypatch)
    result = engine.solve(problem, explain=False, deterministic=True)

    assert reference.status == "optimal"
    assert result.status == "optimal"
    found = result.levels[0]
    # the plans' own minima (a solver's claimed value may sit within its row tolerance above)
    optimum = evaluate(problem, engine.plan_of(reference)).level_value("max_min_coverage", problem)
    assert found.value == pytest.approx(optimum, rel=1e-9)
    assert found.bound is not None and found.value is not None
    assert found.value <= found.bound <= found.value * (1 + 1.01e-6) + 1e-12
    # the plan returned is the plan claimed
    evaluation = evaluate(problem, engine.plan_of(result))
    assert evaluation.feasible
    assert evaluation.level_value("max_min_coverage", problem) == pytest.approx(found.value)


def test_later_levels_are_solved_with_the_minimum_held(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = replace(
        generate(19, 16, seed=3, density=0.5),
        objectives=(Objective("leximin", levels=3), Objective("min_travel")),
    )
    reference = _branch_and_bound(problem, monkeypatch)
    result = engine.solve(problem, explain=False, deterministic=True)

    assert [level.name for level in result.levels] == [level.name for level in reference.levels]
    for found, optimum in zip(result.levels[:3], reference.levels[:3], strict=True):
        assert found.value == pytest.approx(optimum.value, rel=1e-5)
    assert result.levels[0].status == "optimal"


def test_a_start_that_is_already_optimal_takes_one_test() -> None:
    problem = generate(19, 16, seed=1, density=0.5)
    optimal = engine.solve(problem, explain=False)
    start = evaluate(problem, engine.plan_of(optimal))

    found = threshold.search(
        problem,
        start,
        1.0,
        get_backend("highs"),
        Limits(),
        Budget(30),
        lambda pairing, values: evaluate(problem, read_plan(pairing, values)),
    )

    assert found.tests == 1
    assert found.status == "optimal"
    assert found.best is start
    assert found.value == start.level_value("max_min_coverage", problem)


def test_a_search_cut_short_keeps_a_valid_bound_and_its_best_plan() -> None:
    problem = generate(19, 16, seed=5, density=0.5)
    start = evaluate(problem, engine.plan_of(engine.solve(problem, backend="greedy")))
    optimum = engine.solve(problem, explain=False).levels[0].value
    seen: list[tuple[float, float | None]] = []

    found = threshold.search(
        problem,
        start,
        10.0,
        get_backend("highs"),
        Limits(),
        Budget(10, deterministic=True),
        lambda pairing, values: evaluate(problem, read_plan(pairing, values)),
        on_improvement=lambda value, bound: seen.append((value, bound)),
    )

    assert found.tests <= threshold.DETERMINISTIC_TESTS
    assert found.best.feasible
    assert found.value == found.best.level_value("max_min_coverage", problem)
    assert found.value >= start.level_value("max_min_coverage", problem)
    assert optimum is not None and found.value <= optimum * (1 + 1e-9) <= found.bound * (1 + 1e-6)
    assert [value for value, _ in seen] == sorted(value for value, _ in seen)


def test_cp_sat_keeps_branch_and_bound() -> None:
    problem = generate(19, 16, seed=0, density=0.5)

    assert threshold.applies(problem, get_backend("highs"))
    assert not threshold.applies(problem, get_backend("cpsat"))
    cost_first = replace(problem, objectives=(Objective("min_travel"),))
    assert not threshold.applies(cost_first, get_backend("highs"))
