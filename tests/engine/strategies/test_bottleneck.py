"""Raising the worst-off (engine.bottleneck) and the kernel search (engine.kernel)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairaid import engine
from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.evaluate import evaluate
from pairaid.engine.generate import generate
from pairaid.engine.instance import DegreeRange, Objective
from pairaid.engine.strategies import kernel
from pairaid.engine.strategies.bottleneck import applies, raise_minimum
from pairaid.engine.strategies.greedy import greedy_plan


def _sorted_coverage(problem: engine.Problem, plan: tuple[engine.Assignment, ...]) -> list[float]:
    return sorted(evaluate(problem, plan).coverage.values())


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), density=st.sampled_from([0.2, 0.5, 1.0]))
def test_raising_never_lowers_the_sorted_coverage_and_keeps_the_policy(
    seed: int, density: float
) -> None:
    problem = generate(30, 24, seed=seed, density=density)
    start = greedy_plan(problem)
    raised = raise_minimum(problem, start)
    assert _sorted_coverage(problem, raised) >= _sorted_coverage(problem, start)
    if evaluate(problem, start).feasible:
        assert evaluate(problem, raised).feasible  # degrees, eligibility, absorption kept
    donors = [a.donor for a in raised]
    assert len(donors) == len(set(donors))  # whole donors: one recipient each
    assert {a.donor for a in start} <= set(donors)  # nobody is dropped; idle donors may join


def test_raising_finds_a_fairer_plan_than_greedy_on_a_large_instance() -> None:
    problem = generate(300, 240, seed=3, density=0.1)
    start = greedy_plan(problem)
    raised = raise_minimum(problem, start)
    before = evaluate(problem, start).level_value("max_min_coverage", problem)
    after = evaluate(problem, raised)
    assert after.feasible
    assert after.level_value("max_min_coverage", problem) > before
    assert raise_minimum(problem, start) == raised  # deterministic: a work bound, no clock


def test_raising_leaves_required_pairs_and_other_policies_alone() -> None:
    problem = generate(30, 24, seed=1, density=0.5)
    required = greedy_plan(problem)[0].key
    fixed = replace(problem, policy=replace(problem.policy, required_pairs=frozenset({required})))
    assert required in {a.key for a in raise_minimum(fixed, greedy_plan(fixed))}
    split = replace(problem, policy=replace(problem.policy, donor_degree=DegreeRange(1, 2)))
    budget = replace(problem, policy=replace(problem.policy, churn_budget=2))
    cost = replace(problem, objectives=(Objective("min_travel"),))
    assert not any(applies(p) for p in (split, budget, cost))
    assert raise_minimum(split, greedy_plan(split)) == tuple(greedy_plan(split))


def test_the_kernel_keeps_the_best_donors_the_warm_start_and_required_pairs() -> None:
    problem = generate(200, 160, seed=0, density=0.2)
    pairs = eligible_pairs(problem)
    start = greedy_plan(problem)
    keep = kernel.kernel_pairs(problem, pairs, start)
    assert {a.key for a in start} <= keep <= set(pairs)
    for recipient in problem.recipients[:10]:
        mine = [key for key in pairs if key[1] == recipient.id]
        best = max(mine, key=lambda key: problem.usefulness(*key))
        assert best in keep
        assert len([key for key in keep if key[1] == recipient.id]) >= min(
            len(mine), kernel.PER_RECIPIENT
        )
    small = kernel.restricted(problem, pairs, keep)
    assert set(eligible_pairs(small)) == keep


@pytest.mark.parametrize("deterministic", [False, True])
def test_a_large_fairness_problem_goes_through_the_kernel_and_keeps_a_valid_bound(
    deterministic: bool,
) -> None:
    problem = generate(200, 160, seed=0, density=0.2)
    assert kernel.applies(problem, eligible_pairs(problem))
    steps: list[engine.Progress] = []
    result = engine.solve(
        problem,
        time_limit_seconds=6,
        deterministic=deterministic,
        explain=False,
        progress=steps.append,
    )
    assert result.status in ("optimal", "feasible")
    assert any(p.stage == "kernel" for p in steps)
    assert any(p.stage == "bound" and p.method == "relaxation" for p in steps)
    level = result.levels[0]
    evaluation = evaluate(problem, engine.plan_of(result))
    assert evaluation.feasible
    assert level.value == pytest.approx(evaluation.level_value("max_min_coverage", problem))
    assert level.bound is not None and level.bound >= level.value - 1e-9
    greedy = evaluate(problem, greedy_plan(problem)).level_value("max_min_coverage", problem)
    assert level.value >= greedy


def test_the_reach_bound_counts_only_the_strongest_donors_a_recipient_may_take() -> None:
    problem = engine.Problem(
        donors=[engine.Donor(d, capacity={"n": q}) for d, q in (("a", 5), ("b", 3), ("c", 1))],
        recipients=[engine.Recipient("x", need={"n": 10}), engine.Recipient("y", need={"n": 2})],
        policy=engine.Policy(recipient_degree=DegreeRange(1, 2)),
    )
    # x: the two strongest give 8 of 10; y could take 8 of 2 but the bound is the minimum
    assert kernel.reach_bound(problem, eligible_pairs(problem)) == pytest.approx(0.8)
    saturated = replace(problem, saturation=0.5)
    assert kernel.reach_bound(saturated, eligible_pairs(saturated)) == pytest.approx(0.5)


@pytest.mark.parametrize("backend", ["highs", "cpsat"])
def test_each_better_plan_is_reported_while_solving(backend: str) -> None:
    problem = generate(19, 16, seed=2, density=0.5)
    steps: list[engine.Progress] = []

    result = engine.solve(
        problem, backend=backend, time_limit_seconds=10, explain=False, progress=steps.append
    )

    seen = [p for p in steps if p.stage == "improved"]
    assert seen and {p.level for p in seen} == {"max_min_coverage"}
    values = [p.value for p in seen]
    assert values == sorted(values)  # each report is at least as good as the last
    assert values[-1] == pytest.approx(result.levels[0].value, rel=1e-3)


def test_a_solver_stopped_below_its_warm_start_returns_the_warm_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pairaid.engine import exact
    from pairaid.engine.lexicographic import LevelOutcome, LexicographicOutcome
    from pairaid.engine.plans import hint

    problem = generate(19, 16, seed=2, density=0.5)
    worse = greedy_plan(problem)  # fairer plans exist: local search starts above it

    def stopped_early(pairing, names, *args, **kwargs):  # type: ignore[no-untyped-def]
        values = hint(pairing, evaluate(problem, worse))
        value = evaluate(problem, worse).level_value(names[0], problem)
        return LexicographicOutcome(
            "feasible", (LevelOutcome(names[0], value, 1.0, "feasible"),), values
        )

    monkeypatch.setattr(exact, "solve_levels", stopped_early)
    # The branch-and-bound path, not the threshold tests (which keep their best plan anyway).
    monkeypatch.setattr(exact.threshold, "applies", lambda *args: False)
    result = engine.solve(problem, explain=False)

    evaluation = evaluate(problem, engine.plan_of(result))
    greedy_value = evaluate(problem, worse).level_value("max_min_coverage", problem)
    assert result.levels[0].value == pytest.approx(
        evaluation.level_value("max_min_coverage", problem)
    )
    assert result.levels[0].value > greedy_value
    assert result.levels[0].status == "feasible"
