"""CP-SAT backend: same optima as brute force (to its stated 1e-4 coverage precision).

CP-SAT holds coverage as whole steps of 1/`COVERAGE_SCALE` below the plan's own, so its claims
are one-sided: a fairness level it reports is never above what its plan achieves, and falls short
of it by at most one step per coverage summed (k steps for leximin level k). Held at such a
value, a later level can only be as good as brute force's or better.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from tests.engine import oracle
from tests.engine.conftest import random_problem
from tests.engine.test_solve import Drawn, assert_infeasible_by_brute_force, problems

from pairaid.engine import Objective, Problem, evaluate, plan_of, read_gap, solve
from pairaid.engine.formulation import COVERAGE_SCALE

STEP = 1 / COVERAGE_SCALE
"""The precision the result states (`cpsat_precision`): one step of coverage."""
ROUND_OFF = 1e-9


def _precision(problem: Problem, name: str) -> float:
    """What a level may fall short by: one step per coverage it sums."""
    level = problem.objective_level(name)
    return level.k * STEP if level.maximised else ROUND_OFF


CASES = {
    "max_min+travel": (Objective("max_min_coverage"), Objective("min_travel")),
    "leximin+churn": (Objective("leximin", 3), Objective("min_churn")),
    "cost+max_min": (Objective("min_cost"), Objective("max_min_coverage")),
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("objectives", CASES.values(), ids=list(CASES))
def test_cpsat_matches_brute_force(objectives: tuple[Objective, ...], seed: int) -> None:
    problem = random_problem(
        seed,
        donors=5,
        recipients=3,
        resources=2,
        objectives=objectives,
        existing=True,
        recipient_max=3,
    )
    names = list(problem.level_names())
    expected = oracle.best_levels(problem, names)

    result = solve(problem, backend="cpsat", deterministic=True)

    assert expected is not None  # each of these seeds has a plan
    assert result.status == "optimal"
    assert result.backend == "cpsat"
    first, *later = zip(problem.objective_levels, result.levels, expected, strict=True)
    level, found, best = first
    # The first level: never above brute force's optimum, short of it by the stated precision.
    assert best - _precision(problem, level.name) <= (found.value or 0.0) <= best + ROUND_OFF
    for level, found, best in later:
        # Held at a value at most that much lower, a later level is as good or better.
        sign = 1.0 if level.maximised else -1.0
        assert sign * (found.value or 0.0) >= sign * best - _precision(problem, level.name)


def test_cpsat_and_highs_agree_on_a_split_instance() -> None:
    problem = random_problem(3, donors=3, recipients=3, donor_max=2, forbid=2)
    problem_int = problem.__class__(**{**problem.__dict__, "integer_resources": frozenset({"k0"})})

    highs = solve(problem_int, backend="highs")
    cpsat = solve(problem_int, backend="cpsat")

    assert cpsat.levels[0].value == pytest.approx(highs.levels[0].value, abs=1e-4)


def test_cpsat_reaches_gap_optimum(gap_dir) -> None:  # type: ignore[no-untyped-def]
    result = solve(
        read_gap(gap_dir / "cattrysse1994" / "gap5-0"), backend="cpsat", deterministic=True
    )

    assert result.status == "optimal"
    assert result.levels[0].value == 403


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems)
def test_evaluator_agrees_with_every_cpsat_claim(drawn: Drawn) -> None:
    problem = drawn.problem
    result = solve(problem, backend="cpsat", deterministic=True)
    if result.status == "infeasible":
        assert_infeasible_by_brute_force(drawn)
        return
    assert result.status in ("optimal", "feasible")
    evaluation = evaluate(problem, plan_of(result))
    assert evaluation.feasible, [v.text for v in evaluation.violations]
    for level in result.levels:
        value = evaluation.level_value(level.name, problem)
        claimed = level.value or 0.0
        if problem.objective_level(level.name).maximised:
            # Never above what the plan achieves, short of it by at most the stated precision.
            assert claimed <= value + ROUND_OFF
            assert value <= claimed + _precision(problem, level.name)
        else:  # travel, cost and churn are counted exactly
            assert value == pytest.approx(claimed, rel=ROUND_OFF, abs=ROUND_OFF)


def test_cpsat_deterministic_runs_are_identical_but_for_timings() -> None:
    problem = random_problem(9, donors=7, recipients=3, objectives=(Objective("leximin", 3),))

    first = solve(problem, backend="cpsat", deterministic=True, seed=5)
    second = solve(problem, backend="cpsat", deterministic=True, seed=5)

    assert first.to_dict(timings=False) == second.to_dict(timings=False)


def test_cpsat_interrupted_stops_its_search_without_a_proof() -> None:
    from pairaid.engine import generate
    from pairaid.engine.backends.base import Limits
    from pairaid.engine.backends.cpsat import CpSatBackend
    from pairaid.engine.formulation import build_model

    problem = generate(19, 16, seed=0, density=0.5)  # CP-SAT leaves a wide gap here for long
    pairing = build_model(problem)
    expression, maximize = pairing.level("max_min_coverage")
    asked: list[bool] = []

    def interrupt() -> bool:
        asked.append(True)
        return True

    optimum = CpSatBackend().optimize(
        pairing.model, expression, maximize=maximize, limits=Limits(600.0, interrupt=interrupt)
    )

    assert asked
    assert optimum.status in ("feasible", "no_solution")
