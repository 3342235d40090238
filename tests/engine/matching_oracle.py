"""Brute force for tiny matching problems: every choice of which needs each lot ships to (at
most its cap), each choice solved as a plain linear programme in quantities, three levels in
turn, and the lexicographic best kept. Written without the matcher's fractions, binaries and
pruning so that it checks the matcher's model, not its own."""

from __future__ import annotations

import itertools
from collections import defaultdict

import highspy
import numpy as np

from pairaid.engine.matching import MatchingProblem, Objectives

_EPS = 1e-7
_INF = highspy.kHighsInf


def reachable(problem: MatchingProblem) -> list[tuple[int, int, float]]:
    """(lot, need, km) for every same-item, paired pair with a distance into an open need."""
    found = []
    for n, need in enumerate(problem.needs):
        for lo, lot in enumerate(problem.lots):
            km = problem.distances.get((lot.donor, need.recipient))
            pair_ok = not problem.follow_pairing or (lot.donor, need.recipient) in problem.pairs
            if (
                lot.item == need.item
                and need.quantity > need.pledged
                and km is not None
                and pair_ok
            ):
                found.append((lo, n, km))
    return found


def best_objectives(problem: MatchingProblem) -> Objectives:
    arcs = reachable(problem)
    by_lot: dict[int, list[int]] = defaultdict(list)
    for index, (lot, _, _) in enumerate(arcs):
        by_lot[lot].append(index)
    choices = [
        list(itertools.combinations(arc_ids, min(problem.lots[lot].max_shipments, len(arc_ids))))
        for lot, arc_ids in by_lot.items()
    ]
    best: tuple[float, float, float] | None = None
    for combination in itertools.product(*choices):
        used = sorted(i for chosen in combination for i in chosen)
        value = _levels(problem, [arcs[i] for i in used], arcs)
        if best is None or _better(value, best):
            best = value
    if best is None:
        return Objectives(None, 0.0, 0.0)
    counted = {problem.needs[n].recipient for _, n, _ in arcs}
    return Objectives(best[0] if counted else None, best[1], best[2])


def _better(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    for x, y, sign in zip(a, b, (1, 1, -1), strict=True):
        if abs(x - y) > 1e-6 * max(1.0, abs(y)):
            return sign * (x - y) > 0
    return False


def _levels(
    problem: MatchingProblem,
    used: list[tuple[int, int, float]],
    arcs: list[tuple[int, int, float]],
) -> tuple[float, float, float]:
    """The lexicographic optimum with shipments only on `used` arcs: x per arc, t last."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    columns = len(used) + 1
    highs.addVars(columns, np.zeros(columns), np.full(columns, _INF))
    t = len(used)

    def row(entries: dict[int, float], upper: float, lower: float = -_INF) -> None:
        index = np.array(list(entries), dtype=np.int32)
        highs.addRow(lower, upper, len(index), index, np.array(list(entries.values())))

    for lot_index, lot in enumerate(problem.lots):
        row({i: 1.0 for i, a in enumerate(used) if a[0] == lot_index}, lot.quantity)
    for need_index, need in enumerate(problem.needs):
        row(
            {i: 1.0 for i, a in enumerate(used) if a[1] == need_index}, need.quantity - need.pledged
        )
    lines: dict[str, set[int]] = defaultdict(set)
    for _, n, _ in arcs:
        lines[problem.needs[n].recipient].add(n)
    for needs in lines.values():
        share = {t: 1.0}
        for i, (_, n, _) in enumerate(used):
            if n in needs:
                need = problem.needs[n]
                share[i] = -1.0 / (len(needs) * (need.quantity - need.pledged))
        row(share, 0.0)
    if not lines:
        highs.changeColBounds(t, 0.0, 0.0)
    quantity = np.array([1.0] * len(used) + [0.0])
    distance = np.array([a[2] for a in used] + [0.0])
    worst = np.zeros(columns)
    worst[t] = 1.0
    values = []
    for cost, sense in ((worst, -1.0), (quantity, -1.0), (distance, 1.0)):
        highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), sense * cost)
        highs.run()
        solution = np.array(highs.getSolution().col_value)
        value = float(cost @ solution)
        values.append(value)
        held = {i: float(c) for i, c in enumerate(cost) if c}
        if held:
            slack = _EPS * max(1.0, abs(value))
            if sense < 0:
                row(held, _INF, value - slack)
            else:
                row(held, value + slack)
    return values[0], values[1], values[2]
