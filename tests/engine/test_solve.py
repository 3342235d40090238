"""The solver against brute force on tiny instances, and its properties under Hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine import oracle
from tests.engine.conftest import random_problem

from pairaid.engine import Objective, Progress, evaluate, plan_from_pairs, solve

OBJECTIVE_SETS = {
    "max_min": (Objective("max_min_coverage"),),
    "leximin": (Objective("leximin", 3),),
    "min_cost": (Objective("min_cost"),),
    "min_travel": (Objective("min_travel"),),
    "max_min+travel": (Objective("max_min_coverage"), Objective("min_travel")),
    "cost+max_min": (Objective("min_cost"), Objective("max_min_coverage")),
    "leximin+churn": (Objective("leximin", 2), Objective("min_churn")),
    "churn+leximin": (Objective("min_churn"), Objective("leximin", 3)),
}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("objectives", OBJECTIVE_SETS.values(), ids=list(OBJECTIVE_SETS))
def test_levels_match_brute_force(objectives: tuple[Objective, ...], seed: int) -> None:
    problem = random_problem(
        seed,
        donors=5,
        recipients=3,
        resources=2,
        objectives=objectives,
        existing=True,
        recipient_max=3,
        travel_limit=seed % 2 == 0,
    )
    names = list(problem.level_names())

    expected = oracle.best_levels(problem, names)
    result = solve(problem, deterministic=True)

    if expected is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert [level.value for level in result.levels] == pytest.approx(expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_churn_budget_matches_brute_force(seed: int) -> None:
    problem = random_problem(
        seed,
        donors=5,
        recipients=3,
        objectives=(Objective("max_min_coverage"),),
        existing=True,
        churn_budget=2,
    )
    expected = oracle.best_levels(problem, ["max_min_coverage"])

    result = solve(problem)

    if expected is None:
        assert result.status == "infeasible"
    else:
        assert result.levels[0].value == pytest.approx(expected[0], abs=1e-6)
        assert result.metrics["churn"] <= 2


@pytest.mark.parametrize("seed", range(5))
def test_split_donors_match_brute_force_with_exact_split(seed: int) -> None:
    # Donors may serve two recipients; the oracle solves the split of every assignment by LP.
    problem = random_problem(seed, donors=3, recipients=3, donor_max=2, forbid=2)

    expected = oracle.best_levels(problem, ["max_min_coverage"])
    result = solve(problem)

    if expected is None:
        assert result.status == "infeasible"
        return
    assert result.levels[0].value == pytest.approx(expected[0], rel=1e-6, abs=1e-7)
    evaluation = evaluate(problem, [_assignment(p) for p in result.pairs])
    assert evaluation.feasible
    assert evaluation.metrics["min_coverage"] == pytest.approx(expected[0], rel=1e-6, abs=1e-7)


def _assignment(pair):  # type: ignore[no-untyped-def]
    from pairaid.engine import Assignment

    return Assignment(pair.donor, pair.recipient, pair.allocation)


problems = st.builds(
    random_problem,
    seed=st.integers(0, 10_000),
    donors=st.integers(2, 6),
    recipients=st.integers(1, 4),
    resources=st.integers(1, 2),
    recipient_max=st.sampled_from([None, 2, 3]),
    forbid=st.integers(0, 3),
    existing=st.booleans(),
    churn_budget=st.sampled_from([None, 2, 4]),
    objectives=st.sampled_from(list(OBJECTIVE_SETS.values())),
)
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(problems)
def test_evaluator_agrees_with_every_claim(problem) -> None:  # type: ignore[no-untyped-def]
    result = solve(problem)
    if result.status not in ("optimal", "feasible"):
        return
    evaluation = evaluate(problem, [_assignment(p) for p in result.pairs])
    # every plan respects degrees, forbidden and required pairs, and the churn budget
    assert evaluation.feasible, [v.text for v in evaluation.violations]
    for level in result.levels:
        claimed = level.value or 0.0
        assert evaluation.level_value(level.name, problem) == pytest.approx(
            claimed, rel=1e-5, abs=1e-6
        )


@PROPERTY
@given(st.integers(0, 10_000), st.integers(3, 6), st.integers(2, 4))
def test_leximin_vector_never_worse_than_max_min(seed: int, donors: int, recipients: int) -> None:
    max_min = solve(random_problem(seed, donors=donors, recipients=recipients))
    leximin = solve(
        random_problem(
            seed,
            donors=donors,
            recipients=recipients,
            objectives=(Objective("leximin", recipients),),
        )
    )
    if max_min.status != "optimal":
        assert leximin.status == max_min.status
        return
    a = sorted(max_min.metrics["coverage"].values())
    b = sorted(leximin.metrics["coverage"].values())
    for worse, better in zip(a, b, strict=True):
        if abs(worse - better) > 1e-6:
            assert better > worse
            break


def test_deterministic_runs_are_identical_but_for_timings() -> None:
    problem = random_problem(
        7, donors=8, recipients=4, objectives=(Objective("leximin", 3), Objective("min_travel"))
    )

    first = solve(problem, deterministic=True, seed=3)
    second = solve(problem, deterministic=True, seed=3)

    assert first.to_dict(timings=False) == second.to_dict(timings=False)


@pytest.mark.parametrize("backend", ["greedy", "local_search"])
def test_heuristics_give_feasible_plans_no_better_than_the_optimum(backend: str) -> None:
    problem = random_problem(11, donors=7, recipients=3, recipient_max=4)
    exact = solve(problem)

    heuristic = solve(problem, backend=backend)

    assert heuristic.status == "feasible"
    assert heuristic.levels[0].value <= exact.levels[0].value + 1e-9


def test_local_search_never_worsens_the_greedy_plan() -> None:
    problem = random_problem(5, donors=8, recipients=4, objectives=(Objective("min_cost"),))
    greedy = solve(problem, backend="greedy")
    improved = solve(problem, backend="local_search")

    assert improved.levels[0].value <= greedy.levels[0].value


def test_hand_typed_plan_is_scored_like_the_solver_would() -> None:
    problem = random_problem(2, donors=4, recipients=2)
    result = solve(problem)

    evaluation = evaluate(problem, plan_from_pairs((p.donor, p.recipient) for p in result.pairs))

    assert evaluation.metrics["min_coverage"] == pytest.approx(result.levels[0].value)


def test_progress_reports_each_level_without_changing_the_result() -> None:
    problem = random_problem(4, donors=5, recipients=3, objectives=(Objective("leximin", 2),))
    steps: list[Progress] = []

    with_progress = solve(problem, deterministic=True, progress=steps.append)
    without = solve(problem, deterministic=True)

    assert [p.level for p in steps if p.stage == "level"] == ["max_min_coverage", "leximin_2"]
    assert [p.stage for p in steps][:2] == ["checked", "warm_start"]
    assert with_progress.to_dict(timings=False) == without.to_dict(timings=False)
