"""The solver against brute force on tiny instances, and its properties under Hypothesis."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine import oracle
from tests.engine.conftest import Planted, fit_levels, planted_problem, random_problem

from pairaid.engine import (
    Objective,
    Problem,
    Progress,
    StopToken,
    evaluate,
    generate,
    plan_from_pairs,
    plan_of,
    solve,
)

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
    evaluation = evaluate(problem, plan_of(result))
    assert evaluation.feasible
    assert evaluation.metrics["min_coverage"] == pytest.approx(expected[0], rel=1e-6, abs=1e-7)


@dataclass(frozen=True)
class Drawn:
    """A problem drawn for a property test, and the feasible plan planted in it (None: drawn
    without one; it may then be infeasible, which brute force must confirm)."""

    problem: Problem
    planted: Planted | None


def _drawn(seed: int, planted: bool, **options: Any) -> Drawn:
    if planted:
        return Drawn(*planted_problem(seed, **options))
    problem = random_problem(seed, **options)
    objectives = fit_levels(problem.objectives, len(problem.recipients))
    return Drawn(replace(problem, objectives=objectives), None)


problems = st.builds(
    _drawn,
    seed=st.integers(0, 10_000),
    planted=st.sampled_from([True, True, True, False]),  # three in four carry a plan
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


def assert_infeasible_by_brute_force(drawn: Drawn) -> None:
    """An `infeasible` result is right: nothing was planted, and no plan exists."""
    assert drawn.planted is None, "a plan was planted in this problem"
    assert oracle.best_levels(drawn.problem, list(drawn.problem.level_names())) is None


@PROPERTY
@given(problems)
def test_evaluator_agrees_with_every_claim(drawn: Drawn) -> None:
    problem = drawn.problem
    result = solve(problem)
    if result.status == "infeasible":
        assert_infeasible_by_brute_force(drawn)
        return
    assert result.status in ("optimal", "feasible")  # no time limit: a plan, or a proof
    evaluation = evaluate(problem, plan_of(result))
    # every plan respects degrees, forbidden and required pairs, and the churn budget
    assert evaluation.feasible, [v.text for v in evaluation.violations]
    for level in result.levels:
        claimed = level.value or 0.0
        assert evaluation.level_value(level.name, problem) == pytest.approx(
            claimed, rel=1e-5, abs=1e-6
        )
    if drawn.planted is not None and result.levels[0].status == "optimal":
        # The first level proven optimal is at least as good as the plan planted in it.
        first = problem.objective_levels[0]
        planted = evaluate(problem, plan_from_pairs(drawn.planted))
        sign = 1.0 if first.maximised else -1.0
        slack = 1e-6 * max(1.0, abs(planted.level_value(first.name, problem)))
        assert (
            sign * (result.levels[0].value or 0.0)
            >= sign * planted.level_value(first.name, problem) - slack
        )


@PROPERTY
@given(st.integers(0, 10_000), st.integers(3, 6), st.integers(2, 4))
def test_leximin_vector_never_worse_than_max_min(seed: int, donors: int, recipients: int) -> None:
    problem, _ = planted_problem(seed, donors=donors, recipients=recipients)
    max_min = solve(problem)
    leximin = solve(replace(problem, objectives=(Objective("leximin", recipients),)))
    assert max_min.status == leximin.status == "optimal"
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


# The stop token: set at a chosen point of the run (a hook, never a timer), the run ends there
# with the best plan found so far and statuses that claim nothing more.


def _stop_when_first_solved(monkeypatch: pytest.MonkeyPatch, stop: StopToken) -> list[int]:
    """Set `stop` as the exact backend is first called; returns how many calls were made."""
    from pairaid.engine.backends.highs import HighsBackend

    calls: list[int] = []
    optimize = HighsBackend.optimize

    def stopping(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        stop.set()
        return optimize(self, *args, **kwargs)

    monkeypatch.setattr(HighsBackend, "optimize", stopping)
    return calls


def test_a_run_stopped_before_it_starts_returns_the_first_heuristic_plan() -> None:
    problem = generate(60, 50, seed=3, density=0.2, objectives=(Objective("leximin", 3),))
    stop = StopToken()
    stop.set()
    steps: list[Progress] = []

    result = solve(problem, time_limit_seconds=60, stop=stop, progress=steps.append)

    assert result.status == "feasible"  # a plan, nothing proven
    assert all(level.status == "feasible" and level.bound is None for level in result.levels)
    warm = next(p for p in steps if p.stage == "warm_start")
    assert warm.method == "greedy"  # the chain stopped after its first plan
    assert [p.stage for p in steps][-1] == "stopped"
    assert "stopped" in [m.code for m in result.explanations]
    assert evaluate(problem, plan_of(result)).feasible


def test_a_run_stopped_as_the_solver_begins_keeps_its_start_and_reaches_no_later_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = generate(19, 16, seed=0, density=0.5, objectives=(Objective("leximin", 3),))
    unstopped = solve(problem, deterministic=True, explain=False)
    stop = StopToken()
    calls = _stop_when_first_solved(monkeypatch, stop)
    steps: list[Progress] = []

    result = solve(problem, deterministic=True, stop=stop, progress=steps.append)

    assert unstopped.status == "optimal"
    assert result.status == "feasible" and len(calls) == 1  # no solve after the stop
    first, *later = result.levels
    assert first.status == "feasible" and first.value is not None
    assert first.value <= (unstopped.levels[0].value or 0.0) + 1e-9
    assert [level.status for level in later] == ["not_reached", "not_reached"]
    assert "level" not in [p.stage for p in steps[steps.index(_first(steps, "level")) + 1 :]]
    codes = [m.code for m in result.explanations]
    assert "stopped" in codes and "explanations_cut" in codes  # the moves were not explained
    assert evaluate(problem, plan_of(result)).level_value(first.name, problem) == pytest.approx(
        first.value
    )


def _first(steps: list[Progress], stage: str) -> Progress:
    return next(p for p in steps if p.stage == stage)


def test_a_cost_run_stopped_in_branch_and_bound_returns_the_solver_s_plan_unproven(
    gap_dir,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pairaid.engine import read_gap

    problem = read_gap(gap_dir / "chu1997" / "c10200")  # far from proven at once
    stop = StopToken()
    calls = _stop_when_first_solved(monkeypatch, stop)

    result = solve(problem, deterministic=True, stop=stop)

    assert result.status == "feasible" and len(calls) == 1
    (level,) = result.levels
    assert level.status == "feasible" and level.value is not None and level.value >= 2806
    assert level.bound is None or level.bound <= 2806  # stopped before its root: no bound yet
    assert evaluate(problem, plan_of(result)).level_value("min_cost", problem) == level.value
