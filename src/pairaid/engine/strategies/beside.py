"""A second solver beside HiGHS on cost problems of whole donors (the GAP), on the core HiGHS
leaves idle.

HiGHS runs on one thread (measured fastest on our models), so on the 2-core machines we deploy
on the other core waits during the solve. There either:

- `strategies.neighbourhood` re-solves small parts of the plan exactly. Measured at 60 s on yagiura
  c801600 and e801600 (80 recipients × 1,600 donors): HiGHS alone ended 0.59 % and 0.68 %
  above the best known values; the search alone reached 0.18 % and 0.14 %. Or,
- with at most `CPSAT_MOST_RECIPIENTS` recipients, CP-SAT with one worker solves the whole
  problem. There a neighbourhood of a few recipients is most of the problem, and CP-SAT's proof
  is strong: chu d05100 (5 recipients) proven optimal by CP-SAT alone in 15 s and 33 s (seeds 0,
  1), where HiGHS with the search ended at 6,353–6,358 unproven. With 10 recipients (chu d10100)
  CP-SAT alone ended at 6,412 and the search at 6,361, so the search stays there.

The two trade plans as they go (`neighbourhood.SharedPlans`): HiGHS takes each cheaper plan as
its incumbent; the search restarts from HiGHS's plans. When CP-SAT proves its plan optimal,
HiGHS stops (it asks about a thousand times a second, so it asks only where CP-SAT runs).

Not in deterministic runs (a search racing the clock cannot be reproduced), and only where the
machine has a second core.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pairaid.engine.backends.base import Limits, Optimum, OptimumStatus
from pairaid.engine.evaluate import evaluate
from pairaid.engine.formulation import PairingModel, build_model
from pairaid.engine.instance import Assignment, PairKey, Problem
from pairaid.engine.lexicographic import LevelOutcome, LexicographicOutcome, relative_gap
from pairaid.engine.plans import hint
from pairaid.engine.strategies import neighbourhood

GRACE_SECONDS = 2.0
"""How long past its own limit the pipeline waits for the search to hand back its plan."""
CPSAT_MOST_RECIPIENTS = 5
"""Up to this many recipients CP-SAT runs beside HiGHS in place of the neighbourhood search."""


def applies(problem: Problem) -> bool:
    options = problem.options
    return (
        neighbourhood.applies(problem)
        and len(problem.level_names()) == 1
        and options.backend == "auto"
        and options.time_limit_seconds is not None
        and (os.cpu_count() or 1) >= 2
    )


class _Offers:
    """CP-SAT's side of the exchange: each plan it finds is offered to the shared plans (and
    reported, being news to HiGHS); it cannot take plans during its search."""

    may_settle = False

    def __init__(self, shared: neighbourhood.SharedPlans) -> None:
        self.shared = shared

    def found(self, values: Sequence[float]) -> None:
        self.shared.found(values, news=True)

    def better(self, value: float) -> Sequence[float] | None:
        return None

    def settled(self) -> bool:
        return False


class CpSat:
    """CP-SAT with one worker on the whole problem, without a warm start: HiGHS has that one.
    Measured on chu d05100 (seeds 0, 1): without a hint CP-SAT proved the optimum in 13.9 s and
    33.4 s; hinted with the relaxation's plan, in 44.5 s and not in 60 s (6,356)."""

    def __init__(self, shared: neighbourhood.SharedPlans, problem: Problem) -> None:
        self.shared = shared
        self.problem = problem
        self.optimum: Optimum | None = None
        self.refused: str | None = None

    def run(self, stop: Callable[[], bool], deadline: float) -> None:
        from pairaid.engine.backends.cpsat import CpSatBackend

        pairing = build_model(self.problem)  # its own copy: HiGHS's is in use on its thread
        expression, maximize = pairing.level(self.problem.level_names()[0])
        limits = Limits(
            max(deadline - time.monotonic(), 0.01),
            self.problem.options.seed,
            workers=1,
            interrupt=stop,
        )
        try:
            optimum = CpSatBackend().optimize(
                pairing.model,
                expression,
                maximize=maximize,
                limits=limits,
                exchange=_Offers(self.shared),
            )
        except ValueError as refusal:  # e.g. data CP-SAT cannot scale to integers: HiGHS goes on
            self.refused = str(refusal)
            return
        self.optimum = optimum
        if optimum.status == "optimal" and optimum.values is not None:
            self.shared.found(optimum.values, news=True)
            self.shared.settle()

    def bound(self) -> float | None:
        """CP-SAT's bound on the cost, once it has finished."""
        return None if self.optimum is None else self.optimum.bound

    def summary(self) -> tuple[str, str, tuple[tuple[str, int], ...]]:
        """What CP-SAT did, as data: (method, status, counts)."""
        if self.refused is not None:
            return "cpsat", "refused", ()
        return "cpsat", "not_finished" if self.optimum is None else self.optimum.status, ()


@dataclass
class Beside:
    """The second solver in its thread; `finish` stops it and returns the cheapest plan known,
    its cost, and the bound the second solver proved (None for the search)."""

    thread: threading.Thread
    stop: threading.Event
    shared: neighbourhood.SharedPlans
    work: neighbourhood.Search | CpSat

    def finish(self) -> tuple[neighbourhood.Plan, float, float | None]:
        self.stop.set()
        self.thread.join(neighbourhood.SUBPROBLEM_SECONDS + GRACE_SECONDS)
        self.shared.close()
        self.shared.report_news()
        plan, cost = self.shared.best()
        return plan, cost, self.work.bound()

    def summary(self) -> tuple[str, str, tuple[tuple[str, int], ...]]:
        return self.work.summary()


def start(
    problem: Problem,
    plan: Sequence[Assignment],
    seconds: float,
    to_values: Callable[[tuple[Assignment, ...]], list[float]],
    from_values: Callable[[Sequence[float]], tuple[Assignment, ...]],
    report: neighbourhood.Report | None = None,
    reduced_costs: Mapping[PairKey, float] | None = None,
    interrupt: Callable[[], bool] | None = None,
) -> Beside:
    """Start the second solver from `plan` for at most `seconds`; `to_values` and
    `from_values` translate plans to and from the model HiGHS solves; `report` hears of the
    second solver's cheaper plans (`neighbourhood.SharedPlans`); `reduced_costs`, the linear
    relaxation's, give the search its core problem; `interrupt` (the run's) stops it early."""
    whole = len(problem.recipients) <= CPSAT_MOST_RECIPIENTS
    shared = neighbourhood.SharedPlans(
        problem, plan, to_values, from_values, report, may_settle=whole
    )
    work: neighbourhood.Search | CpSat = (
        CpSat(shared, problem) if whole else neighbourhood.Search(shared, problem, reduced_costs)
    )
    stop = threading.Event()
    deadline = time.monotonic() + seconds

    def stopped() -> bool:
        return stop.is_set() or (interrupt is not None and interrupt())

    thread = threading.Thread(
        target=work.run, args=(stopped, deadline), name="pairaid-beside", daemon=True
    )
    thread.start()
    return Beside(thread, stop, shared, work)


def cheaper_outcome(
    outcome: LexicographicOutcome, pairing: PairingModel, companion: Beside
) -> LexicographicOutcome:
    """HiGHS's outcome of a single cost level, or the plan of the solver beside it where that
    is cheaper, with the higher of the two bounds (the cost is minimised)."""
    plan, _, proven = companion.finish()
    if outcome.status == "infeasible" or len(outcome.levels) > 1:
        return outcome
    mine = outcome.levels[0] if outcome.levels else None
    bound = None if mine is None else mine.bound
    if proven is not None and (bound is None or proven > bound):
        bound = proven
    values = hint(pairing, evaluate(pairing.problem, neighbourhood.as_assignments(plan)))
    expression, _ = pairing.level(pairing.problem.level_names()[0])
    value = expression.value(values)
    highs_value = None if mine is None else mine.value
    if highs_value is not None and outcome.values and value >= highs_value - 1e-9:
        # HiGHS's plan is as cheap: keep it, with the better bound where the other proved one.
        if mine is not None and bound == mine.bound:
            return outcome
        value, values = highs_value, outcome.values
    gap = relative_gap(value, bound)
    status = "optimal" if gap is not None and gap <= 1e-9 else "feasible"
    name = pairing.problem.level_names()[0]
    run_status: OptimumStatus = "optimal" if status == "optimal" else "feasible"
    return LexicographicOutcome(run_status, (LevelOutcome(name, value, bound, status),), values)
