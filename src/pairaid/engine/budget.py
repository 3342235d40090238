"""One run's time limit, handed out in shares: the one place where the engine's time is divided.

`time_limit_seconds` bounds the whole run (docs/algorithms.md, Time limits): checks, the warm
start, bounds, the solver, the final evaluation and the explanations. Each step takes its share
from a `Budget`: a fraction of the budget it is taken from, at most a cap, never more than is
left. A step that hands out time itself (the solver's levels, the kernel) gets a budget of its
own, charged to its parent.

Two ways of counting:

- **Wall clock** (default): a budget's time runs from its creation, so a step that finishes
  early leaves its time to the next.
- **Work** (`deterministic`): a step is charged its whole share whatever the clock says, and
  solvers turn seconds into work limits (HiGHS nodes, CP-SAT deterministic time), so the run
  does not depend on the machine's speed. The clock only stops such a run at the safety net
  (`SAFETY_FACTOR` times its limit).

A `StopToken` ends a run early: every budget of the run shares it, and a budget that is
stopped has no time left.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from pairaid.engine.backends.base import Limits
from pairaid.engine.limits import LIMITS

Clock = Callable[[], float]


class StopToken(threading.Event):
    """Set it (`stop.set()`) to end a run promptly, from another thread or a signal handler: the
    run returns the best plan found so far, with honest statuses (a level not proven is
    `feasible`, a level not begun `not_reached`) and a `stopped` explanation. Solvers are
    interrupted through their callbacks, heuristics between moves."""


@dataclass(frozen=True)
class Share:
    """A step's part of a budget: `fraction` of it (of what is left of it, `of_left`), at most
    `at_most` seconds and at least `at_least` (never more than is left)."""

    name: str
    fraction: float
    at_most: float | None = None
    of_left: bool = False
    at_least: float = 0.0


# The shares, with the measurements behind them. The warm start's come from the run's budget;
# the kernel's and the bounds' from the solver's (what the warm start left).
LOCAL_SEARCH = Share("local_search", 0.05, at_most=0.5)
"""A warm start only needs to be decent; the exact backend does the rest. Measured on chu1997:
more local search than this costs more time than it saves HiGHS."""
COST_SEARCH = Share("cost_search", 0.10, at_most=10.0)
"""Measured on yagiura e801600 (1,600 donors, greedy's plan infeasible): the cost search reached
374k in 2 s, 237k in 6 s, 225k in 16 s (best known 177k); HiGHS then starts from a plan."""
RELAXATION_PLAN = Share("relaxation_plan", 0.15, at_most=15.0)
"""The linear relaxation's plan: at yagiura e801600 the relaxation takes 2.6 s and placing its 74
split donors 1.0 s."""
WHOLE = Share("whole", 1.0)
"""All of a budget: the heuristic backends' search, which is the whole run."""
RELAXATION_BOUND = Share("relaxation_bound", 0.25)
"""The full model's relaxation bound at national scale: 6 s of 60 at 1000×800 (measured)."""
BOTTLENECK_BOUND = Share("bottleneck_bound", 0.10)
"""The bottleneck subproblem's bound: 20 recipients took 1.7 s at 1000×800."""
KERNEL = Share("kernel", 0.5, of_left=True)
"""The restricted model at national scale: half of what the bounds left; the full model gets the
rest."""
POLISH = Share("polish", 0.05, at_most=5.0)
"""Kept for polishing a cost plan the solver left unproven (chu d20200 12,376 → 12,331 in 0.2 s)."""
FINISH = Share("finish", 0.03, at_most=5.0)
"""Kept for reading back, evaluating and explaining the plan found. Explaining 300 whole donors'
moves takes about 0.3 s (measured at 300×250); larger plans are explained more briefly."""
PRICE_OF_FAIRNESS = Share("price_of_fairness", 0.25)
"""Kept, when asked, for solving the cost objective alone to compare with the fair plan."""
MINIMUM_SOLVER_SECONDS = 0.1
"""The solver always gets a moment, even after a slow warm start."""
SAFETY_FACTOR = 3.0
"""Deterministic runs count work; the clock stops one only at this many times its limit (a run
stopped so is no longer reproducible)."""


class Budget:
    """Seconds of one run (or one step of it) and what is left of them; see the module."""

    def __init__(
        self,
        seconds: float | None,
        *,
        deterministic: bool = False,
        stop: StopToken | None = None,
        clock: Clock = time.perf_counter,
        deadline: float | None = None,
    ) -> None:
        self.seconds = seconds
        """This budget's allowance; None: unlimited (deterministic runs without a limit)."""
        self.deterministic = deterministic
        self.stoppable = stop is not None
        """Whether the caller holds the stop token (else nobody can set it but the engine)."""
        self.stop = stop if stop is not None else StopToken()
        self.clock = clock
        self.started = clock()
        self.charged = 0.0
        """Work handed out so far (deterministic budgets)."""
        self.deadline = deadline if deadline is not None else self._own_deadline()
        """The wall-clock time at which the run stops whatever the count: the limit itself, or
        the safety net of a deterministic run."""

    @classmethod
    def of_run(
        cls,
        time_limit_seconds: float | None,
        *,
        deterministic: bool = False,
        stop: StopToken | None = None,
        clock: Clock = time.perf_counter,
    ) -> Budget:
        """A whole run's budget. A run without a time limit gets the engine's maximum
        (`LIMITS`): by the clock, or as the safety net of a deterministic run, whose work is
        then unlimited."""
        seconds = time_limit_seconds
        if seconds is None and not deterministic:
            seconds = LIMITS.max_time_limit_seconds
        budget = cls(seconds, deterministic=deterministic, stop=stop, clock=clock)
        if time_limit_seconds is None:
            budget.deadline = budget.started + LIMITS.max_time_limit_seconds * (
                SAFETY_FACTOR if deterministic else 1.0
            )
        return budget

    def _own_deadline(self) -> float:
        if self.seconds is None:
            return self.started + LIMITS.max_time_limit_seconds * SAFETY_FACTOR
        factor = SAFETY_FACTOR if self.deterministic else 1.0
        return self.started + self.seconds * factor

    def spent(self) -> float:
        """Seconds used: by the clock, or in deterministic runs the work handed out."""
        return self.charged if self.deterministic else self.clock() - self.started

    def left(self) -> float | None:
        """Seconds left (never below 0), None when unlimited; 0 once the run is stopped."""
        if self.stopped():
            return 0.0
        if self.seconds is None:
            return None
        return max(self.seconds - self.spent(), 0.0)

    def stopped(self) -> bool:
        return self.stop.is_set()

    def expired(self) -> bool:
        """Whether the step should end now: the run is stopped, its time is up, or the clock
        has passed the deadline (a deterministic run's safety net)."""
        if self.stopped() or self.clock() >= self.deadline:
            return True
        left = self.left()
        return left is not None and left <= 0.0

    def interrupt(self) -> bool:
        """For solvers' callbacks: whether to stop the search now (stopped, or past the wall
        deadline; a solver keeps its own time limit, so the count is not asked here)."""
        return self.stopped() or self.clock() >= self.deadline

    def give(self, share: Share) -> float | None:
        """Seconds for a step taking `share`: its fraction of this budget, at most its cap, and
        no more than is left; charged now in deterministic runs. None: unlimited (the step is
        bounded by its own work limit)."""
        left = self.left()
        if self.seconds is None or left is None:
            return None
        seconds = share.fraction * (left if share.of_left else self.seconds)
        if share.at_most is not None:
            seconds = min(seconds, share.at_most)
        seconds = min(max(seconds, share.at_least), left)
        if self.deterministic:
            self.charged += seconds
        return seconds

    def clock_part(self, share: Share | None) -> Budget:
        """A budget for a step bounded by work of its own in deterministic runs: there it is
        unlimited (and charged nothing), by the clock it is `share` of this one; `share` None:
        unlimited either way. It stops with the run."""
        if share is None or self.deterministic:
            return self._child(None)
        return self._child(self.give(share))

    def part(self, share: Share) -> Budget:
        """A budget of its own for a step that hands out time itself, charged to this one."""
        return self._child(self.give(share))

    def rest(self, *, keep: float = 0.0) -> Budget:
        """All that is left but `keep` seconds (kept for the steps after it), at least
        `MINIMUM_SOLVER_SECONDS`: the solver's budget. Deterministic runs keep nothing: their
        count is work, and the steps after the solver are bounded by work of their own."""
        left = self.left()
        if left is None or self.deterministic:
            seconds = left
        else:
            seconds = max(left - keep, min(left, MINIMUM_SOLVER_SECONDS))
        child = self._child(seconds)
        if self.deterministic and seconds is not None:
            self.charged += seconds
        return child

    def level(self, count: int) -> Budget:
        """The budget of the next of `count` levels (or tests): in deterministic runs an equal
        share of the work each, so K levels do not take K times the limit; by the clock, all
        that is left (a level solved early leaves its time to the next)."""
        left = self.left()
        if left is None:
            return self._child(None)
        if self.deterministic:
            return self._child(left / max(count, 1))
        return self._child(left)

    def solver_limits(self, limits: Limits) -> Limits:
        """`limits` with this budget's time: in deterministic runs the budget's allowance (the
        backend makes it a work limit), by the clock what is left. The interrupt goes with it
        where something can set it: a stop token the caller holds, or the safety net of a
        deterministic run. Otherwise the solver's own time limit is the deadline, and HiGHS is
        spared its interrupt callbacks (about a thousand a second, each taking the GIL from the
        search that may run beside it)."""
        seconds = self.seconds if self.deterministic else self.left()
        return replace(
            limits,
            time_limit_seconds=seconds,
            deterministic=self.deterministic,
            interrupt=self.solver_interrupt(),
        )

    def solver_interrupt(self) -> Callable[[], bool] | None:
        """The interrupt to hand a solver (`solver_limits`), or None where nothing but its own
        time limit can end it."""
        return self.interrupt if self.stoppable or self.deterministic else None

    def keep(self, share: Share) -> float:
        """The seconds `share` would take of this budget, without handing them out: what a
        step keeps for the steps after it."""
        if self.seconds is None or self.deterministic:
            return 0.0
        seconds = share.fraction * self.seconds
        return seconds if share.at_most is None else min(seconds, share.at_most)

    def _child(self, seconds: float | None) -> Budget:
        deadline = self.deadline
        if seconds is not None and not self.deterministic:
            deadline = min(deadline, self.clock() + seconds)
        child = Budget(
            seconds,
            deterministic=self.deterministic,
            stop=self.stop,
            clock=self.clock,
            deadline=deadline,
        )
        child.stoppable = self.stoppable
        return child
