"""HiGHS backend: interrupted through `Limits.interrupt`, it stops with the plan it has."""

from __future__ import annotations

from tests.engine.conftest import GAP

from pairaid.engine import evaluate, generate, read_gap
from pairaid.engine.backends.base import Limits
from pairaid.engine.backends.highs import HighsBackend, relaxation_bound
from pairaid.engine.formulation import build_model
from pairaid.engine.plans import hint
from pairaid.engine.strategies.cost_search import improve
from pairaid.engine.strategies.greedy import greedy_plan


class Asked:
    """An interrupt that says stop from its `after`-th question on, and counts them."""

    def __init__(self, after: int = 1) -> None:
        self.after = after
        self.times = 0

    def __call__(self) -> bool:
        self.times += 1
        return self.times >= self.after


def test_branch_and_bound_interrupted_returns_its_warm_start_unproven() -> None:
    problem = read_gap(GAP / "chu1997" / "d20200")  # far from proven in any short time
    pairing = build_model(problem)
    expression, maximize = pairing.level("min_cost")
    start = evaluate(problem, improve(problem, greedy_plan(problem)))
    assert start.feasible
    asked = Asked()

    optimum = HighsBackend().optimize(
        pairing.model,
        expression,
        maximize=maximize,
        limits=Limits(600.0, interrupt=asked),
        hint=hint(pairing, start),
    )

    assert asked.times >= 1
    assert optimum.status == "feasible" and optimum.values is not None
    assert optimum.value is not None
    assert optimum.value <= start.level_value("min_cost", problem) + 1e-9


def test_a_linear_programme_interrupted_gives_no_bound() -> None:
    problem = generate(200, 160, seed=0, density=0.2)
    pairing = build_model(problem)
    expression, maximize = pairing.level("max_min_coverage")
    asked = Asked()

    bound = relaxation_bound(
        pairing.model, expression, maximize=maximize, time_limit_seconds=600, interrupt=asked
    )

    assert asked.times >= 1 and bound is None
    unasked = relaxation_bound(pairing.model, expression, maximize=maximize, time_limit_seconds=600)
    assert unasked is not None
