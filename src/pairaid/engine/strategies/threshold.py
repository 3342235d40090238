"""Max-min coverage by threshold tests: "can every recipient reach coverage v?", bisected.

Branch and bound on the max-min model spends most of its time proving: at Hubei size HiGHS
finds the optimum within a few hundred milliseconds and then needs up to a second more to close
a bound that starts 30–70 % above it (measured on `generate(19, 16, density=0.5)`, seeds 0–9).
The linear relaxation is weak because a strong donor may give a recipient far more than the
minimum needs, and the relaxation spreads that surplus fractionally over others.

With the minimum fixed at a target v the surplus no longer matters, and each donor's
contribution can be capped at what v asks: `need · v <= Σ min(capacity, v · need) · x[d, r]`
(+ the split donors' allocations) is valid for every plan whose minimum reaches v, and much
tighter. A test at v is a feasibility model with these rows; HiGHS settles one in 5–60 ms at
Hubei size, either with a plan (its actual minimum, often above v, becomes the new lower end)
or with a proof that no plan reaches v (v becomes the upper end). Bisection narrows the
interval, and once it is within `NEAR` a test just above the best plan either finds a better
one or proves the best optimal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from pairaid.engine.backends.base import Backend, Limits
from pairaid.engine.budget import Budget, Share
from pairaid.engine.evaluate import Evaluation
from pairaid.engine.formulation import PairingModel, build_model
from pairaid.engine.instance import PairKey, Problem
from pairaid.engine.model import LinearExpression

LEVEL = "max_min_coverage"
NEAR = 0.01
"""Relative width of the interval below which the next test is just above the best plan."""
STEP = 1e-6
"""Relative step above the best plan's minimum for the test that proves it optimal: the hold
tolerance of DESIGN.md §4. The tests run with a row tolerance of `TOLERANCE` on rows in units
of coverage, so a plan at v cannot pass a test at v·(1 + STEP)."""
PROVEN_GAP = STEP * (1 + 1e-6)
"""The largest gap (relative) at which the level counts as proven: the final test's step."""
TOLERANCE = 1e-9
FRACTION = 0.3
PATIENCE = 0.25
"""Share of the time left a test may take before the search looks lower. At 300×250 (seed 4,
k = 20, U = 4) one test above the best plan ran 54 s of 60 unanswered, where tests lower down
settle in about a second."""
TEST_SECONDS = 1.0
"""A test's least time (or what is left): smaller ones rarely settle at national scale."""
DETERMINISTIC_TESTS = 24
"""In deterministic mode each test gets this share of the level's work limit, and there are at
most this many tests, so the search stops on work done, never on the clock."""

ReadPlan = Callable[[PairingModel, list[float]], Evaluation]


@dataclass(frozen=True)
class ThresholdOutcome:
    value: float
    bound: float
    status: str  # optimal | feasible
    best: Evaluation
    tests: int


def applies(problem: Problem, solver: Backend) -> bool:
    """Whether the first level is max-min coverage and the solver is HiGHS (CP-SAT's coverage
    is scaled to integer steps of 1e-4, too coarse for the final test)."""
    names = problem.level_names()
    return bool(names) and names[0] == LEVEL and solver.name == "highs"


def search(
    problem: Problem,
    start: Evaluation,
    upper: float,
    solver: Backend,
    limits: Limits,
    budget: Budget,
    read_plan: ReadPlan,
    on_improvement: Callable[[float, float], None] | None = None,
) -> ThresholdOutcome:
    """The best minimum coverage found from a feasible `start`, with a bound below `upper`,
    within `budget` (in deterministic runs at most `DETERMINISTIC_TESTS` tests, each an equal
    share of it). `on_improvement` hears of each better plan's minimum and the bound then.

    A test left unanswered in its time (`PATIENCE`) proves nothing; the next targets lie below
    it (`soft`), and once they close in on the best plan, the tests above it are tried again
    with twice the patience (by the clock; deterministic runs, whose tests each get a fixed
    share of the work, try again while the last try gained something)."""
    best, low, high = start, start.level_value(LEVEL, problem), max(upper, 0.0)
    soft, patience = high, PATIENCE
    tests, stepped, retried = 0, False, (low, high, patience)
    while high > _above(low) and _time_left(budget, tests):
        if soft <= _above(low):
            if not budget.deterministic:
                patience = min(1.0, 2 * patience)
            if retried == (low, high, patience):
                break  # nothing gained since the last try: the same tests would go unanswered
            soft, retried = high, (low, high, patience)
        near = tests == 0 or soft - low <= NEAR * soft
        # Close to the top, tests just above the best plan (cheap to refute) alternate with
        # halving: where whole units of personnel are split over recipients the reachable
        # values lie close together, and steps alone would creep through them.
        step = near and not stepped
        target = _above(low) if step else low + (soft - low) * (0.5 if near else FRACTION)
        test = _test(problem, target, solver, _test_limits(budget, limits, patience), read_plan)
        stepped = step and test.status != "infeasible"
        tests += 1
        if test.status == "infeasible":
            high = soft = test.target
            continue
        if test.plan is None:
            soft = test.target  # unanswered: look lower, come back with more patience
            continue
        value = test.plan.level_value(LEVEL, problem)
        if not test.plan.feasible or value <= low:
            break  # the solver's plan did not pass the evaluator: stop here
        best, low = test.plan, value
        if on_improvement is not None:
            on_improvement(low, high)
    status = "optimal" if high <= _above(low) else "feasible"
    return ThresholdOutcome(low, max(high, low), status, best, tests)


def _test_limits(budget: Budget, limits: Limits, patience: float) -> Limits:
    """One test's limits: in deterministic runs an equal share of the work (`budget.level`);
    by the clock `patience` of what is left, at least `TEST_SECONDS`."""
    if budget.deterministic:
        return budget.level(DETERMINISTIC_TESTS).solver_limits(limits)
    share = Share("threshold_test", patience, of_left=True, at_least=TEST_SECONDS)
    return budget.part(share).solver_limits(limits)


def _above(value: float) -> float:
    return value * (1 + STEP) + 1e-12


@dataclass(frozen=True)
class _Test:
    target: float
    status: str
    plan: Evaluation | None = None


def _test(
    problem: Problem, target: float, solver: Backend, limits: Limits, read_plan: ReadPlan
) -> _Test:
    """Whether some plan reaches minimum coverage `target`, and a plan when one does."""
    pairing = build_model(problem)
    expression, _ = pairing.level(LEVEL)
    (threshold,) = expression.terms
    pairing.model.lower[threshold] = target
    pairing.model.upper[threshold] = target
    add_capped_coverage(pairing, threshold, target)
    limits = replace(limits, feasibility_tolerance=TOLERANCE, presolve=True)
    optimum = solver.optimize(pairing.model, LinearExpression(), maximize=True, limits=limits)
    if optimum.status == "infeasible":
        return _Test(target, "infeasible")
    if optimum.values is None:
        return _Test(target, optimum.status)
    return _Test(target, optimum.status, read_plan(pairing, optimum.values))


def add_capped_coverage(pairing: PairingModel, threshold: int, cap: float) -> None:
    """Rows `t <= Σ min(capacity / need, cap) · x + Σ split allocations / need`, one per
    recipient and resource: valid for every plan whose minimum coverage t is at most `cap`.
    In units of coverage, so that the solver's absolute row tolerance is one of coverage."""
    problem = pairing.problem
    donors_of: dict[str, list[PairKey]] = {}
    for key in pairing.pairs:
        donors_of.setdefault(key[1], []).append(key)
    for recipient in problem.recipients:
        if recipient.id not in pairing.coverage:
            continue
        for resource, need in recipient.need.items():
            if need <= 0:
                continue
            terms = [(threshold, 1.0)]
            for key in donors_of.get(recipient.id, []):
                allocation = pairing.allocation.get((key, resource))
                if allocation is None:
                    continue
                if key[0] in pairing.split_donors:
                    terms += [(v, -c / need) for v, c in allocation.terms.items()]
                else:
                    capacity = problem.donor_by_id[key[0]].capacity[resource]
                    terms.append((pairing.assign[key], -min(capacity / need, cap)))
            pairing.model.add_row(terms, upper=0.0)


def _time_left(budget: Budget, tests: int) -> bool:
    if budget.expired():
        return False
    return not budget.deterministic or budget.seconds is None or tests < DETERMINISTIC_TESTS
