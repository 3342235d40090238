"""The warm start: heuristics in order, each within its share, each ending when told to."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest
from tests.engine.conftest import GAP, random_problem

from pairaid.engine import Objective, StopToken, evaluate, generate, read_gap
from pairaid.engine.budget import COST_SEARCH, Budget, Share
from pairaid.engine.instance import Problem
from pairaid.engine.strategies import bottleneck, cost_search, local_search, matching
from pairaid.engine.strategies.base import Start
from pairaid.engine.strategies.greedy import greedy_plan
from pairaid.engine.strategies.kernel import reach_bound
from pairaid.engine.strategies.warm_start import (
    BASELINES,
    WARM_START,
    Greedy,
    heuristics_for,
    warm_start,
)


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Recording:
    """A heuristic that records the budget it was given and keeps the plan."""

    share: Share | None = COST_SEARCH
    code: str = "recording"
    given: list[float | None] = field(default_factory=list)

    def applies(self, problem: Problem, start: Start) -> bool:
        return True

    def improve(self, problem: Problem, start: Start, budget: Budget) -> Start:
        self.given.append(budget.seconds)
        return start.by(self.code, start.plan)


class Countdown:
    """A stop that says so from its `after`-th question on; `after_yes` counts the questions
    asked once it has said so (a prompt stop asks no more)."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked >= self.after

    @property
    def after_yes(self) -> int:
        return max(0, self.asked - self.after)


def test_each_heuristic_gets_its_share_by_the_clock_and_none_in_deterministic_runs() -> None:
    problem = random_problem(1, donors=6, recipients=3)
    recording = Recording()
    chain = (Greedy(), recording)

    by_clock = warm_start(problem, Budget(60, clock=Clock()), chain)
    by_work = warm_start(problem, Budget(60, deterministic=True, clock=Clock()), chain)

    assert recording.given == [6.0, None]  # 10 % of 60 s; work-bounded when deterministic
    assert by_clock.heuristics == by_work.heuristics == ("greedy", "recording")


def test_the_chain_by_problem_and_backend() -> None:
    fair = generate(30, 24, seed=1, density=0.3)
    gap = read_gap(GAP / "cattrysse1994" / "gap1-0")
    timed = replace(gap, options=replace(gap.options, time_limit_seconds=10))
    fixed = replace(gap, options=replace(gap.options, deterministic=True))

    def codes(problem: Problem) -> tuple[str, ...]:
        budget = Budget.of_run(
            problem.options.time_limit_seconds, deterministic=problem.options.deterministic
        )
        return warm_start(problem, budget, heuristics_for(problem.options.backend)).heuristics

    assert codes(fair) == ("greedy", "matching", "worst_off", "local_search")
    assert codes(timed) == ("greedy", "relaxation")  # its plan: no cost search after it
    assert codes(fixed) == ("greedy", "cost_search")  # no relaxation in deterministic runs
    greedy_only = replace(fair, options=replace(fair.options, backend="greedy"))
    assert codes(greedy_only) == ("greedy",)
    assert heuristics_for("auto") is WARM_START and heuristics_for("greedy") is BASELINES["greedy"]


def test_a_stopped_run_keeps_the_first_plan_and_runs_no_more_heuristics() -> None:
    problem = generate(30, 24, seed=1, density=0.3)
    stop = StopToken()
    stop.set()

    start = warm_start(problem, Budget(60, stop=stop))

    assert start.heuristics == ("greedy",)
    assert start.plan == greedy_plan(problem)


def test_the_local_search_stops_at_once_when_told() -> None:
    problem = random_problem(5, donors=8, recipients=4, objectives=(Objective("min_travel"),))
    stop = Countdown(after=3)

    plan = local_search.improve(problem, greedy_plan(problem), stop=stop)

    assert stop.asked == 3 and stop.after_yes == 0
    assert {a.donor for a in plan} == {d.id for d in problem.donors}


def test_the_cost_search_stops_at_once_and_keeps_a_plan_no_worse() -> None:
    problem = read_gap(GAP / "chu1997" / "d10100")
    start = greedy_plan(problem)
    stop = Countdown(after=2)

    plan = cost_search.improve(problem, start, stop=stop)

    assert stop.after_yes == 0
    assert sorted(a.donor for a in plan) == sorted(d.id for d in problem.donors)


def test_the_worst_off_search_and_the_matching_stop_at_once() -> None:
    problem = generate(200, 160, seed=0, density=0.1)
    start = greedy_plan(problem)
    moves = Countdown(after=5)
    targets = Countdown(after=2)

    raised = bottleneck.raise_minimum(problem, start, stop=moves)
    pairs = [p.key for p in problem.pairs]
    matching.matching_plan(problem, pairs, 0.0, reach_bound(problem, pairs) or 1.0, stop=targets)

    assert moves.after_yes == 0 and targets.after_yes == 0
    before = evaluate(problem, start).level_value("max_min_coverage", problem)
    assert evaluate(problem, raised).level_value("max_min_coverage", problem) >= before


@pytest.mark.parametrize("heuristic", WARM_START, ids=lambda h: h.code)
def test_every_heuristic_keeps_to_the_interface(heuristic: object) -> None:
    assert isinstance(getattr(heuristic, "code", None), str)
    assert getattr(heuristic, "share", None) is None or isinstance(heuristic.share, Share)  # type: ignore[attr-defined]
