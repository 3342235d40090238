"""The exact stage keeps to the run's budget: what each solver is given, not how long it took.

No assertion here is on wall-clock seconds: the spies record the time limit each solver call is
handed and where the run's own count stood then, and the tests check the Budget's accounting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from pairaid.engine import Problem, generate, solve
from pairaid.engine.backends import highs

MODERATE = generate(300, 250, seed=1, donor_nearest=20, recipient_max=4)
"""A mid-size instance of docs/benchmarks.md (8,000 pairs: bounds at national scale)."""


class Spy:
    """Records every time limit handed to HiGHS (branch and bound, tests, relaxations) and the
    seconds since the spy began at that moment."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.began = time.perf_counter()
        self.calls: list[tuple[str, float, float | None]] = []
        optimize = highs.HighsBackend.optimize

        def spied_optimize(backend: Any, *args: Any, **kwargs: Any) -> Any:
            self._record("optimize", kwargs["limits"].time_limit_seconds)
            return optimize(backend, *args, **kwargs)

        monkeypatch.setattr(highs.HighsBackend, "optimize", spied_optimize)
        for name in ("relaxation_bound", "relaxation_solution"):
            monkeypatch.setattr(highs, name, self._wrap(name, getattr(highs, name)))

    def _wrap(self, name: str, solve_relaxation: Callable[..., Any]) -> Callable[..., Any]:
        def spied(*args: Any, **kwargs: Any) -> Any:
            self._record(name, kwargs["time_limit_seconds"])
            return solve_relaxation(*args, **kwargs)

        return spied

    def _record(self, name: str, seconds: float | None) -> None:
        self.calls.append((name, time.perf_counter() - self.began, seconds))


def test_deterministic_runs_hand_out_no_more_work_than_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spy = Spy(monkeypatch)

    result = solve(MODERATE, time_limit_seconds=10, deterministic=True, explain=False)

    assert result.status in ("optimal", "feasible")
    given = [seconds for _, _, seconds in spy.calls]
    assert given and all(seconds is not None for seconds in given)
    # Bounds, the bottleneck subproblem, the kernel and the full model together: at most 10 s
    # of work (each step is charged its whole share, whatever it used).
    assert sum(seconds or 0.0 for seconds in given) <= 10 + 1e-9
    assert "relaxation_bound" in {name for name, _, _ in spy.calls}


def test_no_solver_is_given_time_past_the_end_of_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 20.0
    spy = Spy(monkeypatch)

    result = solve(MODERATE, time_limit_seconds=limit)

    assert result.status in ("optimal", "feasible")
    assert spy.calls
    for name, at, seconds in spy.calls:
        # Everything the solver was given ends before the run's limit: the finish (reading
        # back, evaluating, explaining) keeps its share after it.
        assert seconds is not None and at + seconds <= limit, (name, at, seconds)


def test_a_leximin_run_shares_the_work_equally_among_its_levels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pairaid.engine import Objective
    from pairaid.engine.strategies import threshold

    problem: Problem = generate(19, 16, seed=2, density=0.5, objectives=(Objective("leximin", 4),))
    monkeypatch.setattr(threshold, "applies", lambda *args: False)  # branch and bound only
    spy = Spy(monkeypatch)

    solve(problem, time_limit_seconds=8, deterministic=True, explain=False)

    assert [seconds for _, _, seconds in spy.calls] == [2.0, 2.0, 2.0, 2.0]
