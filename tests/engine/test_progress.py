"""Progress as data: plain payloads, picklable, on the caller's thread, rendered for a terminal."""

from __future__ import annotations

import pickle
import threading
from dataclasses import replace

from tests.engine.conftest import GAP

from pairaid import engine
from pairaid.engine import Objective, Progress, generate, progress_text, read_gap, solve


def test_payloads_and_results_survive_pickling_for_a_run_in_another_process() -> None:
    problem = generate(19, 16, seed=0, density=0.5, objectives=(Objective("leximin", 2),))
    steps: list[Progress] = []

    result = solve(problem, time_limit_seconds=20, progress=steps.append)

    stages = {p.stage for p in steps}
    assert {"checked", "warm_start", "improved", "level"} <= stages
    assert pickle.loads(pickle.dumps(steps)) == steps
    explanations = list(result.explanations)
    assert pickle.loads(pickle.dumps(explanations)) == explanations
    for step in steps:  # data, not text: numbers and names only
        assert isinstance(step.seconds, float) and step.seconds >= 0
        assert all(isinstance(n, str) and isinstance(c, int) for n, c in step.counts)


def test_each_better_plan_improves_on_the_last_one_told_and_levels_come_in_order() -> None:
    problem = generate(19, 16, seed=2, density=0.5, objectives=(Objective("leximin", 3),))
    steps: list[Progress] = []

    result = solve(problem, time_limit_seconds=20, progress=steps.append)

    for level in problem.level_names():
        told = [p.value for p in steps if p.stage == "improved" and p.level == level]
        assert told == sorted(told)  # leximin levels are maximised
    finished = [p for p in steps if p.stage == "level"]
    assert [p.level for p in finished] == list(problem.level_names())
    assert [(p.status, p.value) for p in finished] == [
        (level.status, level.value) for level in result.levels
    ]


def test_payloads_from_the_solver_beside_highs_reach_the_callback_on_the_caller_s_thread() -> None:
    problem = read_gap(GAP / "chu1997" / "c05100")  # CP-SAT beside HiGHS, on its own threads
    timed = replace(problem, options=replace(problem.options, time_limit_seconds=10))
    threads: set[int] = set()
    steps: list[Progress] = []

    def record(step: Progress) -> None:
        threads.add(threading.get_ident())
        steps.append(step)

    solve(timed, progress=record)

    assert threads == {threading.get_ident()}
    assert any(p.stage == "improved" for p in steps)


def test_every_stage_renders_as_a_line_for_a_terminal() -> None:
    lines = [
        progress_text(Progress("checked", 0.0, counts=(("donors", 19), ("recipients", 16)))),
        progress_text(
            Progress(
                "warm_start",
                0.1,
                method="greedy + local_search",
                counts=(("pairs", 19),),
                values=(("max_min_coverage", 0.25),),
            )
        ),
        progress_text(Progress("bound", 0.5, level="max_min_coverage", bound=0.3, method="reach")),
        progress_text(Progress("kernel", 1.0, status="optimal", counts=(("pairs_kept", 5),))),
        progress_text(Progress("improved", 1.2, level="min_cost", value=12.0)),
        progress_text(Progress("level", 1.5, level="min_cost", status="optimal", value=12.0)),
        progress_text(Progress("beside", 2.0, method="neighbourhood", status="finished")),
        progress_text(Progress("stopped", 2.5)),
    ]

    assert lines[0] == "checks passed; 19 donors, 16 recipients"
    assert lines[1] == "warm start (greedy + local_search): 19 pairs; max_min_coverage 0.25"
    assert lines[4] == "  min_cost: found 12 (bound unknown) after 1.2 s"
    assert lines[7] == "stopped at 2.5 s: returning the best plan found so far"
    assert all(lines) and engine.Progress is Progress
