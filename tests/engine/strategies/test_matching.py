"""The matching start (`strategies.matching`) and the bottleneck subproblem bound (`kernel`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pairaid import engine
from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.evaluate import evaluate
from pairaid.engine.generate import generate
from pairaid.engine.instance import DegreeRange, Objective
from pairaid.engine.strategies import kernel, matching
from pairaid.engine.strategies.greedy import greedy_plan


def _minimum(problem: engine.Problem, plan: tuple[engine.Assignment, ...]) -> float:
    return evaluate(problem, plan).level_value("max_min_coverage", problem)


@pytest.mark.parametrize("seed", range(4))
def test_a_plan_built_at_a_target_keeps_the_policy_and_reaches_the_target(seed: int) -> None:
    problem = generate(60, 48, seed=seed, density=0.2)
    pairs = eligible_pairs(problem)
    index = matching._index(problem, pairs)
    reached = 0
    for target in (0.05, 0.1, 0.15, 0.2, 0.3):
        plan = matching._plan_at(index, target)
        if plan is None:
            continue
        reached += 1
        evaluation = evaluate(problem, plan)
        assert evaluation.feasible, evaluation.violations
        assert evaluation.level_value("max_min_coverage", problem) >= target - 1e-12
        assert sorted(a.donor for a in plan) == sorted(d.id for d in problem.donors)
    assert reached > 0


def test_the_matching_start_beats_greedy_where_strong_donors_are_contested() -> None:
    problem = generate(300, 240, seed=0, density=0.1)
    pairs = eligible_pairs(problem)
    greedy = _minimum(problem, greedy_plan(problem))
    high = kernel.reach_bound(problem, pairs)
    assert high is not None

    plan = matching.matching_plan(problem, pairs, greedy, high)

    assert plan is not None
    assert evaluate(problem, plan).feasible
    assert _minimum(problem, plan) > greedy


def test_the_matching_start_leaves_policies_it_cannot_keep_to_the_solver() -> None:
    problem = generate(19, 16, seed=0, density=0.5)
    assert matching.applies(problem)
    key = eligible_pairs(problem)[0]
    split = replace(problem, policy=replace(problem.policy, donor_degree=DegreeRange(1, 2)))
    required = replace(problem, policy=replace(problem.policy, required_pairs=frozenset([key])))
    budget = replace(problem, policy=replace(problem.policy, churn_budget=2))
    cost = replace(problem, objectives=(Objective("min_travel"),))
    assert not any(matching.applies(p) for p in (split, required, budget, cost))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("size", [1, 3, 6])
def test_the_bottleneck_subproblem_bounds_the_whole_problem(seed: int, size: int) -> None:
    problem = generate(12, 9, seed=seed, density=0.5)
    if seed % 2:  # the relaxation also holds with split donors and a churn budget
        greedy = {(p.donor, p.recipient) for p in engine.solve(problem, backend="greedy").pairs}
        policy = replace(
            problem.policy,
            donor_degree=DegreeRange(1, 2),
            existing_plan=frozenset(greedy),
            churn_budget=3,
        )
        problem = replace(problem, policy=policy)
    whole = engine.solve(problem, explain=False, deterministic=True)
    part = kernel.bottleneck_subproblem(problem, eligible_pairs(problem), size)

    cut = engine.solve(part, explain=False, deterministic=True)

    assert len(part.recipients) == size
    assert engine.check_problem(part) == []
    assert whole.status == "optimal" and cut.status == "optimal"
    assert whole.levels[0].value is not None and cut.levels[0].bound is not None
    assert whole.levels[0].value <= cut.levels[0].bound * (1 + 1e-9)
    # its recipients are those of lowest reach
    reach = kernel.reach_by_recipient(problem, eligible_pairs(problem))
    assert max(reach[r.id] for r in part.recipients) <= min(
        value
        for recipient, value in reach.items()
        if recipient not in {r.id for r in part.recipients}
    )


def test_a_national_problem_is_proven_by_its_bottleneck_subproblem() -> None:
    problem = generate(300, 240, seed=0, density=0.1)
    steps: list[engine.Progress] = []

    result = engine.solve(problem, explain=False, time_limit_seconds=60, progress=steps.append)

    assert any(p.stage == "bound" and p.method == "bottleneck" for p in steps)
    level = result.levels[0]
    assert level.value is not None and level.bound is not None
    assert level.value == pytest.approx(_minimum(problem, engine.plan_of(result)))
    assert level.value <= level.bound


def test_a_dense_problem_takes_its_bottleneck_bound_without_recursing_for_ever() -> None:
    # With every pair eligible the subproblem of 20 recipients and their 270 donors is itself
    # above the kernel's size (5,400 pairs), and must not cut itself again.
    problem = generate(270, 90, seed=0, density=1.0)
    assert kernel.applies(problem, eligible_pairs(problem))
    steps: list[engine.Progress] = []

    # The bound's part of the budget must be enough to prove it: at 6 s it was, on this machine,
    # only one run in two (the bound is then not reported, which is not what is tested here).
    result = engine.solve(problem, explain=False, time_limit_seconds=15, progress=steps.append)

    assert result.status in ("optimal", "feasible")
    assert sum(p.stage == "bound" and p.method == "bottleneck" for p in steps) == 1
