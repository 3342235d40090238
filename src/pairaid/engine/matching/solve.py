"""The matcher: three lexicographic levels over one mixed-integer programme, solved by HiGHS.

Variables: f[a] ∈ [0, 1], the share of arc a's need that its lot fills (a fraction rather than a
quantity, so that the fill-share rows have coefficients 1/lines whatever the unit or size of the
request: GetUsPPE has requests from 1 to 10^6 and offers up to 10^14); t, the worst counted
recipient's fill share; y[a] ∈ {0, 1}, "lot ships to this need", only for lots with more arcs
than their `max_shipments` (a lot that cannot exceed its cap needs no binaries).

Rows: a need takes at most its open quantity (Σ f ≤ 1); a lot ships at most its quantity
(Σ open·f ≤ quantity, left out when the lot covers every need it reaches); the shipment cap
(Σ y ≤ max_shipments, f ≤ min(1, quantity/open)·y); and t ≤ each counted recipient's share.

Levels: 1. max t; 2. max Σ open·f; 3. min Σ km·open·f. A level is held while the next is
optimised by a bound (t ≥ value − tolerance) or a row (objective within the tolerance of its
value), `HOLD_TOLERANCE` relative: an exact hold would let HiGHS's own feasibility tolerance
(1e-7) declare the next programme infeasible. The first level starts from the nearest-first
rule (`_nearest_first`) and each later one from the last level's solution, so a level stopped by
the time limit still has a plan, reported `feasible` with HiGHS's bound. Level 1 is settled by
counting, without HiGHS, when more recipients wait than the lots can reach (`nobody_spared`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from highspy._core import _Highs

from pairaid.engine.matching.model import (
    Arc,
    MatchingProblem,
    Shipment,
    arcs,
    counted_needs,
    most_recipients_reached,
)
from pairaid.engine.placement.solve import LevelOutcome  # the same report of a level

HOLD_TOLERANCE = 1e-7
"""Relative slack a level keeps while the next is optimised (at least HiGHS's feasibility
tolerance, 1e-7, on the row scaled to a largest coefficient of 1)."""
OPTIMALITY_GAP = 1e-6
"""HiGHS's relative MIP gap: a level reported optimal is optimal to this precision."""
_INF = highspy.kHighsInf
_FOUND = 2  # HiGHS's solution status "feasible"


@dataclass(frozen=True)
class Solution:
    shipments: Sequence[Shipment]
    levels: Sequence[LevelOutcome]
    arcs: Sequence[Arc]

    @property
    def proven(self) -> bool:
        return all(level.status == "optimal" for level in self.levels)


LEVEL_NAMES = ("worst_fill_share", "quantity_filled", "distance")


class _Programme:
    """The HiGHS model of one problem and the holds added level by level."""

    def __init__(self, problem: MatchingProblem, arc_list: Sequence[Arc]) -> None:
        self.problem = problem
        self.arc_list = arc_list
        self.lot = np.array([a.lot for a in arc_list], dtype=np.int64)
        self.need = np.array([a.need for a in arc_list], dtype=np.int64)
        self.km = np.array([a.km for a in arc_list])
        self.open = np.array([problem.needs[n].open for n in self.need])
        self.quantity = np.array([problem.lots[lot].quantity for lot in self.lot])
        self.arcs = len(arc_list)
        self.counted = counted_needs(problem, arc_list)
        self.t = self.arcs  # the column of the worst share
        capped = self._capped_arcs()
        self.y = np.arange(self.arcs + 1, self.arcs + 1 + len(capped))
        self.columns = self.arcs + 1 + len(capped)
        self.highs = _Highs()  # the bare class: no banner on stdout
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_rel_gap", OPTIMALITY_GAP)
        self.highs.setOptionValue("mip_abs_gap", OPTIMALITY_GAP * 1e-3)
        upper = np.ones(self.columns)
        self.highs.addVars(self.columns, np.zeros(self.columns), upper)
        if len(capped):
            kind = np.full(len(capped), highspy.HighsVarType.kInteger)
            self.highs.changeColsIntegrality(len(capped), self.y.astype(np.int32), kind)
        self._add_rows(capped)
        self.values = self._nearest_first(capped)

    def _nearest_first(self, capped: np.ndarray) -> np.ndarray:
        """The start: the rule people use by hand (GetUsPPE's proximity strategy), each arc
        in order of distance shipping what its lot has left and its need lacks, within the
        lot's shipment cap. Every level starts from here, so a level the time limit stops is
        never worse than this rule, and a run stopped before any level still ships it."""
        left = {lot: self.problem.lots[lot].quantity for lot in np.unique(self.lot).tolist()}
        needs = {need: self.problem.needs[need].open for need in np.unique(self.need).tolist()}
        shipments: dict[int, int] = {}
        values = np.zeros(self.columns)
        for a in np.argsort(self.km, kind="stable").tolist():
            lot, need = int(self.lot[a]), int(self.need[a])
            quantity = min(left[lot], needs[need])
            if quantity <= 0 or shipments.get(lot, 0) >= self.problem.lots[lot].max_shipments:
                continue
            values[a] = quantity / self.open[a]
            left[lot] -= quantity
            needs[need] -= quantity
            shipments[lot] = shipments.get(lot, 0) + 1
        values[self.y] = values[capped] > 0
        filled = np.bincount(self.need, weights=values[: self.arcs])  # share of each need
        values[self.t] = min(float(np.mean(filled[lines])) for lines in self.counted.values())
        return values

    def nobody_spared(self) -> bool:
        """Level 1 is 0, proven without HiGHS: more counted recipients than the lots can
        reach (at GetUsPPE size the solver finds no bound on that level in minutes)."""
        return most_recipients_reached(self.problem, self.arc_list) < len(self.counted)

    @property
    def integral(self) -> bool:
        return len(self.y) > 0

    def _capped_arcs(self) -> np.ndarray:
        """Arcs of lots that reach more needs than they may ship to."""
        counts = np.bincount(self.lot, minlength=len(self.problem.lots))
        caps = np.array([lot.max_shipments for lot in self.problem.lots])
        return np.flatnonzero(counts[self.lot] > caps[self.lot])

    def _add_rows(self, capped: np.ndarray) -> None:
        rows = _Rows()
        arc_index = np.arange(self.arcs)
        # A need takes at most its open quantity.
        needs, need_row = np.unique(self.need, return_inverse=True)
        rows.add(need_row, arc_index, np.ones(self.arcs), np.ones(len(needs)))
        # A lot ships at most its quantity (scaled to 1), unless it covers all it reaches.
        reach = np.bincount(self.lot, weights=self.open, minlength=len(self.problem.lots))
        short = reach[self.lot] > self.quantity
        lots, lot_row = np.unique(self.lot[short], return_inverse=True)
        coefficient = self.open[short] / self.quantity[short]
        rows.add(lot_row, arc_index[short], coefficient, np.ones(len(lots)))
        if len(capped):
            # At most max_shipments arcs used per lot; an arc ships only when used.
            caps, cap_row = np.unique(self.lot[capped], return_inverse=True)
            limits = np.array([float(self.problem.lots[i].max_shipments) for i in caps])
            rows.add(cap_row, self.y, np.ones(len(capped)), limits)
            link = np.arange(len(capped))
            limit = np.minimum(1.0, self.quantity[capped] / self.open[capped])
            rows.add(
                np.concatenate([link, link]),
                np.concatenate([capped, self.y]),
                np.concatenate([np.ones(len(capped)), -limit]),
                np.zeros(len(capped)),
            )
        # t ≤ each counted recipient's share: t − Σ f / lines ≤ 0.
        recipient_of = {n: r for r, lines in enumerate(self.counted.values()) for n in lines}
        size = np.array([len(lines) for lines in self.counted.values()], dtype=np.float64)
        share_row = np.array([recipient_of[int(n)] for n in self.need], dtype=np.int64)
        recipients = len(size)
        rows.add(
            np.concatenate([share_row, np.arange(recipients)]),
            np.concatenate([arc_index, np.full(recipients, self.t)]),
            np.concatenate([-1.0 / size[share_row], np.ones(recipients)]),
            np.zeros(recipients),
        )
        start, index, value, upper = rows.compressed()
        count = len(upper)
        self.highs.addRows(count, np.full(count, -_INF), upper, len(index), start, index, value)

    def optimise(
        self, cost: np.ndarray, deadline: float | None
    ) -> tuple[float, float | None, str] | None:
        """Minimise `cost` from the last solution: (value, bound, status) or None when HiGHS
        found no solution (out of time)."""
        self.highs.changeColsCost(self.columns, np.arange(self.columns, dtype=np.int32), cost)
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.highs.setOptionValue("time_limit", remaining)
        if self.integral:
            start = highspy.HighsSolution()
            start.col_value = self.values.tolist()
            start.value_valid = True
            self.highs.setSolution(start)
        self.highs.run()
        info = self.highs.getInfo()
        if info.primal_solution_status != _FOUND:
            return None
        self.values = np.asarray(self.highs.getSolution().col_value)
        value = float(cost @ self.values)
        optimal = self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        if self.integral:
            dual = float(info.mip_dual_bound)
            bound: float | None = dual if np.isfinite(dual) else None  # no bound proven yet
        else:
            bound = value if optimal else None  # a simplex stopped early proves no bound
        return value, bound, "optimal" if optimal else "feasible"

    def hold(self, cost: np.ndarray, value: float) -> None:
        """Keep `cost · x ≤ value` within HOLD_TOLERANCE for the levels after (the row scaled
        so its largest coefficient is 1)."""
        scale = float(np.max(np.abs(cost))) or 1.0
        slack = max(HOLD_TOLERANCE * abs(value) / scale, HOLD_TOLERANCE)
        index = np.flatnonzero(cost).astype(np.int32)
        self.highs.addRow(-_INF, value / scale + slack, len(index), index, cost[index] / scale)

    def quantities(self) -> np.ndarray:
        """Quantity per arc, within every lot's and need's quantity exactly (HiGHS meets rows
        to its feasibility tolerance: a lot of 2 may ship 2.0000006; scaled back here)."""
        quantities = np.clip(self.values[: self.arcs], 0.0, 1.0) * self.open
        for group, limit in ((self.lot, self.quantity), (self.need, self.open)):
            total = np.bincount(group, weights=quantities)[group]
            over = total > limit
            quantities[over] *= limit[over] / total[over]
        quantities[quantities < HOLD_TOLERANCE * self.open] = 0.0
        return self._top_up(quantities)

    def _top_up(self, quantities: np.ndarray) -> np.ndarray:
        """Fill each used arc up to what its lot has left and its need still lacks: this gives
        back what the holds' tolerance let go (0.0001 of 100 masks), adds no shipment, and
        only raises levels 1–2."""
        lots = {int(lot): float(self.problem.lots[int(lot)].quantity) for lot in self.lot}
        needs = {int(need): float(self.problem.needs[int(need)].open) for need in self.need}
        for a in np.flatnonzero(quantities > 0).tolist():
            lots[int(self.lot[a])] -= quantities[a]
            needs[int(self.need[a])] -= quantities[a]
        for a in np.flatnonzero(quantities > 0).tolist():
            lot, need = int(self.lot[a]), int(self.need[a])
            extra = max(0.0, min(lots[lot], needs[need]))
            quantities[a] += extra
            lots[lot] -= extra
            needs[need] -= extra
        return quantities

    def shipments(self) -> list[Shipment]:
        quantities = self.quantities()
        shipped = []
        for a in np.flatnonzero(quantities > 0).tolist():
            lot = self.problem.lots[int(self.lot[a])]
            need = self.problem.needs[int(self.need[a])]
            shipped.append(
                Shipment(
                    lot.id,
                    need.id,
                    lot.donor,
                    need.recipient,
                    lot.item,
                    float(quantities[a]),
                    float(self.km[a]),
                )
            )
        return shipped


class _Rows:
    """Rows gathered block by block (row within the block, column, value; the blocks' upper
    bounds), then handed to HiGHS in compressed row form."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.columns: list[np.ndarray] = []
        self.values: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.count = 0

    def add(
        self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray, upper: np.ndarray
    ) -> None:
        self.rows.append(np.asarray(rows, dtype=np.int64) + self.count)
        self.columns.append(np.asarray(columns, dtype=np.int64))
        self.values.append(np.asarray(values, dtype=np.float64))
        self.upper.append(np.asarray(upper, dtype=np.float64))
        self.count += len(upper)

    def compressed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rows = np.concatenate(self.rows)
        order = np.argsort(rows, kind="stable")
        start = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=self.count))])
        return (
            start[:-1].astype(np.int32),
            np.concatenate(self.columns)[order].astype(np.int32),
            np.concatenate(self.values)[order],
            np.concatenate(self.upper),
        )


def solve_matching(
    problem: MatchingProblem, *, time_limit_seconds: float | None = None
) -> Solution:
    """The three levels in order; a level out of time ends the run (later ones not reached)."""
    limit = time_limit_seconds if time_limit_seconds is not None else problem.time_limit_seconds
    deadline = None if limit is None else time.monotonic() + limit
    arc_list = arcs(problem)
    if not arc_list:
        # Nothing can ship: no recipient is counted and every level is trivially proven.
        empty = [LevelOutcome(LEVEL_NAMES[0], None, None, "optimal", 0.0)]
        empty += [LevelOutcome(name, 0.0, 0.0, "optimal", 0.0) for name in LEVEL_NAMES[1:]]
        return Solution([], empty, arc_list)
    programme = _Programme(problem, arc_list)
    costs = _level_costs(programme)
    signs = (-1.0, -1.0, 1.0)  # the first two levels maximise
    levels: list[LevelOutcome] = []
    for name, cost, sign in zip(LEVEL_NAMES, costs, signs, strict=True):
        started = time.monotonic()
        if not levels and programme.nobody_spared():
            # Proven by counting; nothing to hold, since t ≥ 0 is the column's own bound.
            levels.append(LevelOutcome(name, 0.0, 0.0, "optimal", 0.0))
            continue
        outcome = None
        if not levels or levels[-1].status != "not_reached":
            outcome = programme.optimise(sign * cost, deadline)
        if outcome is None:
            levels.append(LevelOutcome(name, None, None, "not_reached", 0.0))
            continue
        value, bound, status = outcome
        programme.hold(sign * cost, value)
        seconds = time.monotonic() - started
        held = None if bound is None else sign * bound
        levels.append(LevelOutcome(name, sign * value, held, status, seconds))
        if status != "optimal":
            deadline = time.monotonic()  # the time is up: later levels are not reached
    return Solution(programme.shipments(), levels, arc_list)


def _level_costs(programme: _Programme) -> list[np.ndarray]:
    """The three levels' objectives, each to maximise (levels 1–2) or minimise (level 3)."""
    worst = np.zeros(programme.columns)
    worst[programme.t] = 1.0
    quantity = np.zeros(programme.columns)
    quantity[: programme.arcs] = programme.open
    distance = np.zeros(programme.columns)
    distance[: programme.arcs] = programme.open * programme.km
    return [worst, quantity, distance]
