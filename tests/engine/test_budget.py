"""The Budget: every share of a run's time limit, by a clock the test moves, or as work."""

from __future__ import annotations

import pytest

from pairaid.engine import LIMITS, StopToken
from pairaid.engine.backends.base import Limits
from pairaid.engine.budget import (
    COST_SEARCH,
    FINISH,
    KERNEL,
    LOCAL_SEARCH,
    MINIMUM_SOLVER_SECONDS,
    RELAXATION_BOUND,
    RELAXATION_PLAN,
    SAFETY_FACTOR,
    Budget,
)


class Clock:
    """A clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_each_share_is_its_fraction_of_the_limit_within_its_cap() -> None:
    short, long = Budget(60, clock=Clock()), Budget(400, clock=Clock())

    assert short.give(LOCAL_SEARCH) == pytest.approx(0.5)  # 5 % = 3 s, capped at 0.5 s
    assert short.give(COST_SEARCH) == pytest.approx(6.0)
    assert short.give(RELAXATION_PLAN) == pytest.approx(9.0)
    assert short.keep(FINISH) == pytest.approx(1.8)
    assert long.give(COST_SEARCH) == pytest.approx(10.0)  # capped
    assert long.give(RELAXATION_PLAN) == pytest.approx(15.0)
    assert long.keep(FINISH) == pytest.approx(5.0)


def test_by_the_clock_a_budget_runs_down_and_never_gives_more_than_is_left() -> None:
    clock = Clock()
    budget = Budget(60, clock=clock)

    clock.now += 20
    assert budget.left() == pytest.approx(40)
    assert budget.give(RELAXATION_BOUND) == pytest.approx(15)  # a quarter of the whole
    assert budget.part(KERNEL).seconds == pytest.approx(20)  # half of what is left
    solver = budget.rest(keep=5)
    assert solver.seconds == pytest.approx(35)
    assert solver.deadline == pytest.approx(clock.now + 35)
    clock.now += 39
    assert budget.give(RELAXATION_BOUND) == pytest.approx(1)  # what is left, not a quarter
    assert budget.rest(keep=5).seconds == MINIMUM_SOLVER_SECONDS  # the solver's moment
    assert not budget.expired()
    clock.now += 1
    assert budget.expired() and budget.interrupt()
    assert solver.expired()  # a part never outlives the budget it came from


def test_levels_by_the_clock_each_get_all_that_is_left() -> None:
    clock = Clock()
    budget = Budget(30, clock=clock)

    first = budget.level(3)
    clock.now += 10
    second = budget.level(3)

    assert (first.seconds, second.seconds) == (pytest.approx(30), pytest.approx(20))


def test_deterministic_budgets_count_work_whatever_the_clock_says() -> None:
    clock = Clock()
    budget = Budget(60, deterministic=True, clock=clock)

    clock.now += 50  # a slow machine: the count does not change
    assert budget.left() == 60
    assert budget.give(RELAXATION_BOUND) == 15  # charged at once, whole
    assert budget.left() == 45
    kernel = budget.part(KERNEL)
    assert (kernel.seconds, budget.left()) == (22.5, 22.5)
    assert [budget.level(3).seconds for _ in range(3)] == [7.5, 7.5, 7.5]  # equal shares
    assert budget.clock_part(LOCAL_SEARCH).seconds is None  # heuristics: their own work limit
    assert budget.rest(keep=10).seconds == 22.5  # nothing kept: the finish is work-bounded
    limits = budget.level(1).solver_limits(Limits(seed=3))
    assert (limits.time_limit_seconds, limits.deterministic, limits.seed) == (0.0, True, 3)
    assert not budget.interrupt()
    clock.now += 60 * SAFETY_FACTOR  # the safety net
    assert budget.interrupt()


def test_a_run_without_a_limit_stops_at_the_engine_maximum() -> None:
    clock = Clock()

    by_clock = Budget.of_run(None, clock=clock)
    by_work = Budget.of_run(None, deterministic=True, clock=clock)

    assert by_clock.seconds == LIMITS.max_time_limit_seconds
    assert by_clock.deadline == clock.now + LIMITS.max_time_limit_seconds
    assert by_work.seconds is None and by_work.give(KERNEL) is None  # unlimited work…
    assert by_work.deadline == clock.now + LIMITS.max_time_limit_seconds * SAFETY_FACTOR


def test_a_stopped_budget_has_nothing_left_and_its_parts_stop_with_it() -> None:
    stop = StopToken()
    budget = Budget(60, stop=stop, clock=Clock())
    part = budget.part(KERNEL)
    work = Budget(60, deterministic=True, stop=stop, clock=Clock())

    stop.set()

    for stopped in (budget, part, work):
        assert stopped.stopped() and stopped.expired() and stopped.interrupt()
        assert stopped.left() == 0.0
    assert budget.give(COST_SEARCH) == 0.0
    assert budget.solver_limits(Limits()).interrupt is not None


def test_solvers_get_an_interrupt_only_where_something_can_set_it() -> None:
    limits = Limits(seed=1)

    by_clock = Budget.of_run(60, clock=Clock()).solver_limits(limits)
    held = Budget.of_run(60, stop=StopToken(), clock=Clock()).solver_limits(limits)
    by_work = Budget.of_run(60, deterministic=True, clock=Clock()).solver_limits(limits)

    # By the clock and nobody holding the token, HiGHS's own time limit is the deadline: it is
    # spared its interrupt callbacks, which take the GIL from the search beside it.
    assert by_clock.interrupt is None and by_clock.time_limit_seconds == 60
    assert held.interrupt is not None  # the caller may stop the run
    assert by_work.interrupt is not None  # the safety net of a deterministic run
    assert Budget.of_run(60, stop=StopToken()).part(KERNEL).stoppable  # parts inherit it
