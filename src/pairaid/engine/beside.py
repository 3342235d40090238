"""A neighbourhood search beside HiGHS on cost problems of whole donors (the GAP), on the core
HiGHS leaves idle.

HiGHS runs on one thread (measured fastest on our models), so on the 2-core machines we deploy
on the other core waits during the solve. There `engine.neighbourhood` re-solves small parts of
the plan exactly, and the two trade plans as they go (`neighbourhood.SharedPlans`). Measured at
60 s on yagiura c801600 and e801600 (80 recipients × 1,600 donors): HiGHS alone ended 0.59 %
and 0.68 % above the best known values; the search alone reached 0.18 % and 0.14 %.

Until 2026-11-29 CP-SAT with one worker ran here instead; the search beat it on the instances
where CP-SAT had been ahead of HiGHS (docs/benchmarks.md).

Not in deterministic runs (a search racing the clock cannot be reproduced), and only where the
machine has a second core.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pairaid.engine import neighbourhood
from pairaid.engine.instance import Assignment, Problem

GRACE_SECONDS = 2.0
"""How long past its own limit the pipeline waits for the search to hand back its plan."""


def applies(problem: Problem) -> bool:
    options = problem.options
    return (
        neighbourhood.applies(problem)
        and len(problem.level_names()) == 1
        and options.backend == "auto"
        and options.time_limit_seconds is not None
        and (os.cpu_count() or 1) >= 2
    )


@dataclass
class Beside:
    """The search in its thread; `finish` stops it and returns the cheapest plan known."""

    thread: threading.Thread
    stop: threading.Event
    shared: neighbourhood.SharedPlans
    search: neighbourhood.Search

    def finish(self) -> tuple[neighbourhood.Plan, float]:
        self.stop.set()
        self.thread.join(neighbourhood.SUBPROBLEM_SECONDS + GRACE_SECONDS)
        self.shared.close()
        self.shared.report_news()
        return self.shared.best()


def start(
    problem: Problem,
    plan: Sequence[Assignment],
    seconds: float,
    to_values: Callable[[tuple[Assignment, ...]], list[float]],
    from_values: Callable[[Sequence[float]], tuple[Assignment, ...]],
    report: neighbourhood.Report | None = None,
) -> Beside:
    """Start the search from `plan` for at most `seconds`; `to_values` and `from_values`
    translate plans to and from the model HiGHS solves; `report` hears of the search's cheaper
    plans (`neighbourhood.SharedPlans`)."""
    shared = neighbourhood.SharedPlans(problem, plan, to_values, from_values, report)
    search = neighbourhood.Search(shared, problem)
    stop = threading.Event()
    deadline = time.monotonic() + seconds
    thread = threading.Thread(
        target=search.run, args=(stop, deadline), name="pairaid-neighbourhood", daemon=True
    )
    thread.start()
    return Beside(thread, stop, shared, search)
