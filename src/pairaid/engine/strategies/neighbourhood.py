"""Large neighbourhood search for cost plans of whole donors (the generalised assignment problem).

Two uses, both measured on yagiura e801600 (1,600 donors, 80 recipients, best known 176,820):

- **A start from the linear relaxation** (`relaxation_plan`). The relaxation's optimum leaves
  only a few donors split (74 of 1,600 there); the others keep the recipient it gives them whole,
  and the split ones are placed by solving what is left exactly. 178,001 in 3.6 s, where the
  cost search (`cost_search`) from greedy's plan reached 228,746 in 6 s.
- **Re-solving neighbourhoods** (`Search`). Free the donors of a few related recipients (one
  at random and those its donors would serve next most cheaply; the donors may move among these
  recipients), or a few donors anywhere, and solve that small problem exactly with
  HiGHS, warm-started from the current plan; keep the result when it is cheaper. From the
  relaxation's start: 177,071 after 50 s (0.14 % above the best known), and yagiura c801600
  16,315 (0.18 %; direct CP-SAT 0.31 %, direct HiGHS 0.59 % at 60 s).
- **A core problem** (`_Core`), when no cheaper plan has come for a while: the whole problem
  restricted to the pairs cheapest by the relaxation's reduced costs. Where HiGHS on the whole
  model is strong and the neighbourhoods find nothing more (yagiura c15900, c20400), it finds
  what both miss.

The search runs in a thread beside HiGHS's branch and bound on the whole model (`strategies.beside`)
and trades plans with it both ways (`SharedPlans`): HiGHS takes each cheaper plan the search
finds as its incumbent (it prunes more), the search restarts from HiGHS's plans when they are
cheaper than its own.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pairaid.engine.backends.base import Limits
from pairaid.engine.instance import Assignment, PairKey, Problem
from pairaid.engine.model import LinearExpression, LinearModel
from pairaid.engine.strategies import cost_search
from pairaid.engine.strategies.cost_search import Tables

Plan = dict[str, str]
"""Each donor's recipient."""

SUBPROBLEM_SECONDS = 1.0
"""Time for one neighbourhood's exact solve; sizes adapt so that about half are proven in it
(`Search._resize`)."""
RECIPIENTS_FREED = 8
"""Recipients whose donors a neighbourhood frees at most (measured best of 4, 8 and 12 at
80 recipients: fewer improve too little per solve, more take too long)."""
DONORS_FREED = 60
"""Donors a donor neighbourhood frees at most, each free to move to any recipient."""
KINDS = ("related", "recipients", "donors")
"""Neighbourhoods: the donors of related recipients, of recipients drawn at random, or donors
drawn at random (free to move anywhere)."""
REACTION = 0.2
"""How much a kind's weight follows its last solve (found a cheaper plan: 1, else 0)."""
FEWEST_WEIGHT = 0.1
"""No kind is left out: what pays changes as the plan improves."""
STALL_SECONDS = 5.0
"""After this long without a cheaper plan (the search's or HiGHS's), the search solves its
core problem (`_Core`)."""
CORE_SECONDS = 10.0
"""Time for one solve of the core problem."""
CORE_PAIRS_PER_DONOR = 1.5
"""Pairs in the first core problem per donor, the cheapest by reduced cost."""
CORE_GROWTH = 1.5
"""The core's growth after a solve that proved its optimum: no cheaper plan is left in it."""


def applies(problem: Problem) -> bool:
    """Cost problems of whole donors (`cost_search.applies`) that are not run deterministically:
    the search is bounded by the clock."""
    return cost_search.applies(problem) and not problem.options.deterministic


def as_plan(assignments: Sequence[Assignment]) -> Plan:
    return {a.donor: a.recipient for a in assignments}


def as_assignments(plan: Mapping[str, str]) -> tuple[Assignment, ...]:
    return tuple(Assignment(donor, recipient) for donor, recipient in plan.items())


def _resolve(
    data: Tables,
    plan: Mapping[str, str],
    freed: Sequence[str],
    allowed: frozenset[str] | None,
    seconds: float | None,
    seed: int,
    pairs: frozenset[PairKey] | None = None,
    watch: _Watch | None = None,
    interrupt: Callable[[], bool] | None = None,
) -> tuple[Plan | None, bool]:
    """The cheapest placement of `freed` donors among `allowed` recipients (all where None),
    through `pairs` only where given, every other donor kept where `plan` has it; and whether
    that is proven. `plan` may leave the freed donors out; where it has them, it is the warm
    start. `watch` hears of each cheaper plan as it is found and may stop the solve; so may
    `interrupt`."""
    from pairaid.engine.backends import get_backend

    kept_load = dict.fromkeys(data.limit, 0.0)
    kept_links = dict.fromkeys(data.limit, 0)
    freed_set = set(freed)
    for donor, recipient in plan.items():
        if donor not in freed_set:
            kept_load[recipient] += data.load[(donor, recipient)]
            kept_links[recipient] += 1
    model = LinearModel()
    objective = LinearExpression()
    column: dict[PairKey, int] = {}
    by_recipient: dict[str, list[PairKey]] = {}
    for donor in freed:
        keys = [
            (donor, r)
            for r in data.options[donor]
            if (allowed is None or r in allowed) and (pairs is None or (donor, r) in pairs)
        ]
        if not keys:
            return None, False
        for key in keys:
            column[key] = model.add_variable("", 0.0, 1.0, integer=True)
            objective.add(column[key], data.cost[key])
            by_recipient.setdefault(key[1], []).append(key)
        model.add_row(((column[key], 1.0) for key in keys), 1.0, 1.0)
    for recipient, keys in by_recipient.items():
        room = data.limit[recipient] - kept_load[recipient]
        if math.isfinite(room):
            model.add_row(((column[k], data.load[k]) for k in keys), upper=room)
        fewest = data.fewest - kept_links[recipient]
        most = data.most - kept_links[recipient]
        if fewest > 0 or math.isfinite(most):
            model.add_row(((column[k], 1.0) for k in keys), lower=fewest, upper=most)
    hint = [0.0] * model.size
    for donor in freed:
        key = (donor, plan.get(donor, ""))
        if key in column:
            hint[column[key]] = 1.0

    def placed(values: Sequence[float]) -> Plan:
        whole = dict(plan)
        for key, index in column.items():
            if values[index] > 0.5:
                whole[key[0]] = key[1]
        return whole

    optimum = get_backend("highs").optimize(
        model,
        objective,
        maximize=False,
        limits=Limits(seconds, seed, presolve=True, interrupt=interrupt),
        hint=hint,
        exchange=None if watch is None else _Watching(watch, placed),
    )
    if optimum.values is None:
        return None, False
    return placed(optimum.values), optimum.status == "optimal"


@dataclass(frozen=True)
class _Watch:
    """What a long part's solve tells as it goes: each cheaper plan it finds (`offer`), and
    whether it should stop (`stop`)."""

    offer: Callable[[Plan], object]
    stop: Callable[[], bool]


class _Watching:
    """A part's solve as HiGHS's `Exchange`: it takes no plans, passes on those it finds (whole
    plans, the kept donors included) and stops when the search is told to."""

    may_settle = True

    def __init__(self, watch: _Watch, placed: Callable[[Sequence[float]], Plan]) -> None:
        self.watch = watch
        self.placed = placed

    def found(self, values: Sequence[float]) -> None:
        self.watch.offer(self.placed(values))

    def better(self, value: float) -> Sequence[float] | None:
        return None

    def settled(self) -> bool:
        return self.watch.stop()


def relaxation_plan(
    problem: Problem,
    relaxed: Mapping[PairKey, float],
    seconds: float | None,
    interrupt: Callable[[], bool] | None = None,
) -> tuple[Assignment, ...] | None:
    """A plan from the linear relaxation's values of the assignment variables: a donor the
    relaxation gives whole to one recipient keeps it, the split donors are placed by solving
    the rest exactly. None where the rest has no plan in `seconds`."""
    data = Tables.of(problem)
    whole: Plan = {}
    for (donor, recipient), value in relaxed.items():
        if value > 1.0 - 1e-6:
            whole[donor] = recipient
    whole.update(data.required)
    split = [d.id for d in problem.donors if d.id not in whole]
    if not split:
        return as_assignments(whole)
    started = time.monotonic()
    seed = problem.options.seed
    placed, _ = _resolve(data, whole, split, None, seconds, seed, interrupt=interrupt)
    if placed is None:
        # The whole donors leave no room for the split ones (tight small instances, e.g.
        # cattrysse gap1-0): free the whole donors of every recipient a split donor touches.
        touched = {r for (d, r), value in relaxed.items() if d not in whole and value > 1e-6}
        kept = {d: r for d, r in whole.items() if r not in touched or d in data.required}
        freed = [d.id for d in problem.donors if d.id not in kept]
        left = None if seconds is None else seconds - (time.monotonic() - started)
        if left is None or left > 0:
            placed, _ = _resolve(data, kept, freed, None, left, seed, interrupt=interrupt)
    return None if placed is None else as_assignments(placed)


Report = Callable[[float, float], None]
"""A cheaper plan's cost and when the search found it (`time.perf_counter()`)."""


class SharedPlans:
    """The cheapest plan known to the search and to HiGHS, each handing theirs to the other.
    Thread-safe; `to_values` and `from_values` translate plans to and from HiGHS's model.

    The search's cheaper plans are passed to `report` on the thread that calls `better` or
    `report_news` (HiGHS's, the caller's), never on the search's own: a caller's progress
    callback may write to its database, whose connections belong to one thread."""

    def __init__(
        self,
        problem: Problem,
        start: Sequence[Assignment],
        to_values: Callable[[tuple[Assignment, ...]], list[float]],
        from_values: Callable[[Sequence[float]], tuple[Assignment, ...]],
        report: Report | None = None,
        *,
        may_settle: bool = False,
    ) -> None:
        self.data = Tables.of(problem)
        self.may_settle = may_settle
        self._lock = threading.Lock()
        self._plan = as_plan(start)
        self._cost = self.data.cost_of(self._plan)
        self._given = math.inf
        self._news: list[tuple[float, float]] = []
        self._closed = False
        self._proven = False
        self.to_values = to_values
        self.from_values = from_values
        self.report = report

    def best(self) -> tuple[Plan, float]:
        with self._lock:
            return dict(self._plan), self._cost

    def offer(self, plan: Plan, *, news: bool = True) -> bool:
        """Keep `plan` if it serves every donor and is cheaper; whether it was kept. A kept
        plan is news to report unless HiGHS found it (HiGHS reports its own)."""
        cost = self.data.cost_of(plan)
        with self._lock:
            if self._closed:
                return False
            if cost < self._cost - 1e-9 and len(plan) >= len(self._plan):
                self._plan, self._cost = dict(plan), cost
                if news and self.report is not None:
                    self._news.append((cost, time.perf_counter()))
                return True
        return False

    def found(self, values: Sequence[float], *, news: bool = False) -> None:
        """A plan a solver found (the model's values); news to report unless HiGHS found it."""
        self.offer(as_plan(self.from_values(values)), news=news)

    def settle(self) -> None:
        """The plan kept is proven optimal (by a complete solver beside HiGHS): HiGHS may stop."""
        with self._lock:
            self._proven = True

    def settled(self) -> bool:
        return self._proven

    def close(self) -> None:
        """Take no more plans: the plan returned is then the last one reported, even where a
        re-solve outlives the wait for it (`beside.Beside.finish`)."""
        with self._lock:
            self._closed = True

    def report_news(self) -> None:
        """Pass the search's cheaper plans found since the last call to `report`."""
        with self._lock:
            news, self._news = self._news, []
        if self.report is not None:
            for cost, found_at in news:
                self.report(cost, found_at)

    def better(self, value: float) -> list[float] | None:
        """The model's values of a plan cheaper than HiGHS's incumbent `value`, once each.
        HiGHS asks often, on its own thread: the search's news is reported then too."""
        self.report_news()
        with self._lock:
            if not (self._cost < value - 1e-9 and self._cost < self._given):
                return None
            self._given = self._cost
            plan = dict(self._plan)
        return self.to_values(as_assignments(plan))


class Search:
    """Re-solving neighbourhoods of the shared plan until `stop` is set or the deadline."""

    def __init__(
        self,
        shared: SharedPlans,
        problem: Problem,
        reduced_costs: Mapping[PairKey, float] | None = None,
    ) -> None:
        self.shared = shared
        self.random = random.Random(problem.options.seed)
        self.seed = problem.options.seed
        self.recipients = [r.id for r in problem.recipients]
        self.movable = [d.id for d in problem.donors if d.id not in shared.data.required]
        self.recipient_count = _within(len(self.recipients) // 3, RECIPIENTS_FREED)
        self.donor_count = _within(len(self.movable) // 2, min(DONORS_FREED, len(self.movable)))
        self.weights = dict.fromkeys(KINDS, 1.0)
        self.solves = 0
        self.core = None if reduced_costs is None else _Core(reduced_costs, len(self.movable))
        self.core_solves = 0

    def run(self, stop: Callable[[], bool], deadline: float) -> None:
        cheapest, found_at = self.shared.best()[1], time.monotonic()
        while self.movable and not stop() and time.monotonic() < deadline - 0.05:
            seconds = min(SUBPROBLEM_SECONDS, deadline - time.monotonic())
            plan, cost = self.shared.best()
            if cost < cheapest:
                cheapest, found_at = cost, time.monotonic()
            if self.core is not None and time.monotonic() - found_at >= STALL_SECONDS:
                self._solve_core(self.core, plan, stop, deadline)
                found_at = time.monotonic()
                continue
            kind = self._kind()
            freed, allowed = self._freed(kind, plan)
            if not freed:
                continue
            # No interrupt: a part takes at most a second, and HiGHS's interrupt callbacks on
            # this thread would take the GIL from HiGHS's main solve a thousand times a second.
            placed, proven = _resolve(self.shared.data, plan, freed, allowed, seconds, self.seed)
            self.solves += 1
            improved = placed is not None and self.shared.offer(placed)
            self._reward(kind, improved)
            self._resize(allowed is not None, proven)

    def _solve_core(
        self, core: _Core, plan: Plan, stop: Callable[[], bool], deadline: float
    ) -> None:
        """Solve the core problem from `plan`, its cheaper plans shared as they are found."""
        seconds = min(CORE_SECONDS, deadline - time.monotonic())
        watch = _Watch(self.shared.offer, stop)
        data, pairs = self.shared.data, core.pairs(plan)
        placed, proven = _resolve(data, plan, self.movable, None, seconds, self.seed, pairs, watch)
        self.core_solves += 1
        if placed is not None:
            self.shared.offer(placed)
        if proven:
            core.grow()

    def _kind(self) -> str:
        """A kind of neighbourhood, drawn in proportion to how often each has lately found a
        cheaper plan (adaptive large neighbourhood search, Ropke and Pisinger 2006). Which kind
        pays differs by instance and as the plan improves. Measured at 60 s on chu d10200,
        d20200 and yagiura c60900: related recipients alone 12,448 / 12,307 / 9,335; the three
        kinds drawn by weight 12,442 / 12,290 / 9,329."""
        kinds = [k for k in KINDS if k == "donors" or len(self.recipients) > self.recipient_count]
        return self.random.choices(kinds, [self.weights[k] for k in kinds])[0]

    def _reward(self, kind: str, improved: bool) -> None:
        weight = (1 - REACTION) * self.weights[kind] + REACTION * (1.0 if improved else 0.0)
        self.weights[kind] = max(FEWEST_WEIGHT, weight)

    def _freed(self, kind: str, plan: Plan) -> tuple[list[str], frozenset[str] | None]:
        """The donors a neighbourhood of `kind` frees, and the recipients they may move among
        (None: any)."""
        if kind == "donors":
            return self.random.sample(self.movable, self.donor_count), None
        if kind == "related":
            chosen = frozenset(self._related(plan))
        else:
            chosen = frozenset(self.random.sample(self.recipients, self.recipient_count))
        return [d for d in self.movable if plan.get(d) in chosen], chosen

    def _related(self, plan: Plan) -> list[str]:
        """A random recipient, then recipients its donors would serve next most cheaply (each
        donor's cheapest other recipient, in random order), then random ones: recipients that
        can trade donors with it at little cost. Recipients drawn all at random rarely can, and
        their re-solve finds nothing. Measured at 60 s on chu d10100, d10200 and yagiura
        c30900, c60900: 6,363 / 12,437 / 9,985 / 9,331 where random recipients gave 6,364 /
        12,441 / 9,986 / 9,331, and the chain of cheapest moves (the seed's, then theirs) 6,366 /
        12,449 / 9,985 / 9,332."""
        seed = self.random.choice(self.recipients)
        nearest = [self._cheapest_other(d, seed) for d in self.movable if plan.get(d) == seed]
        self.random.shuffle(nearest)
        chosen = [seed]
        for recipient in nearest:
            if len(chosen) == self.recipient_count:
                break
            if recipient is not None and recipient not in chosen:
                chosen.append(recipient)
        if len(chosen) < self.recipient_count:
            rest = [r for r in self.recipients if r not in chosen]
            chosen += self.random.sample(rest, self.recipient_count - len(chosen))
        return chosen

    def _cheapest_other(self, donor: str, serving: str) -> str | None:
        """The recipient other than `serving` that `donor` serves most cheaply, if any."""
        cost = self.shared.data.cost
        others = [r for r in self.shared.data.options[donor] if r != serving]
        return min(others, key=lambda r: cost[(donor, r)], default=None)

    def bound(self) -> float | None:
        """The search proves no bound on the whole problem."""
        return None

    def summary(self) -> tuple[str, str, tuple[tuple[str, int], ...]]:
        """What the search did, as data: (method, status, counts)."""
        return "neighbourhood", "finished", (("parts", self.solves), ("core", self.core_solves))

    def _resize(self, by_recipients: bool, proven: bool) -> None:
        """Larger neighbourhoods after a solve that proved its part, smaller after one that ran
        out of time: the size settles where about half the solves finish in their second (the
        rule of CP-SAT's own neighbourhood search). A part solved to its optimum is one the
        plan is already best on, or has just been made best on, so the search moves on to
        larger parts instead of staying where solves are quick. Measured at 60 s: yagiura
        c60900 9,330 / 9,329 (seeds 0, 1), c30900 9,984, e801600 176,949, chu d10200 12,443 /
        12,438, d05200 12,745, where growing only after solves under 0.05 s gave 9,333–9,335,
        9,985, 176,965, 12,442 and 12,746 (parts of 15 recipients of 60 at c60900, solved in
        0.1 s, against 19–21 in 0.6 s)."""
        step = 1 if proven else -1
        if by_recipients:
            self.recipient_count = _within(self.recipient_count + step, len(self.recipients))
        else:
            change = step * max(1, self.donor_count // 10)
            self.donor_count = _within(self.donor_count + change, len(self.movable))


class _Core:
    """The core problem of kernel search (Angelelli, Mansini and Speranza 2010): the whole
    problem restricted to the pairs whose reduced cost in the linear relaxation is lowest, with
    the plan's own. Most pairs of a GAP cannot be in a cheap plan; without them HiGHS's branch
    and bound goes much deeper in the same time. Measured at 15-20 s from direct HiGHS's plan:
    yagiura c15900 (1,393 of 13,500 pairs) 11,341 to 11,340, the best known; c20400 (579 of
    8,000) 4,784 to 4,782, proven optimal for the core in 5.9 s; c60900 (1,705 of 54,000) 9,340
    to 9,331."""

    def __init__(self, reduced_costs: Mapping[PairKey, float], donors: int) -> None:
        # Stable sort: ties keep the problem's order, so a seed gives one core.
        self.ranked = sorted(reduced_costs, key=reduced_costs.__getitem__)
        basic = sum(1 for cost in reduced_costs.values() if cost <= 1e-9)
        self.size = min(len(self.ranked), max(basic, int(CORE_PAIRS_PER_DONOR * donors)))

    def pairs(self, plan: Plan) -> frozenset[PairKey]:
        return frozenset(self.ranked[: self.size]) | frozenset(plan.items())

    def grow(self) -> None:
        self.size = min(len(self.ranked), int(self.size * CORE_GROWTH))


def _within(count: int, most: int) -> int:
    """A neighbourhood's size: at least 2 (one alone cannot trade places), at most `most`."""
    return max(min(2, most), min(count, most))
