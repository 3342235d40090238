"""The same model as a plain mixed-integer programme, without the network: the benchmark's
cross-check at small sizes (and the tests' second opinion).

One integer variable per (site, acuity, facility, bed type) a patient may take, rows for waiting
patients, transport and free beds; level 3 adds a binary "receives patients" per (facility, bed
type) and the peak share θ. Levels are solved one after another by HiGHS's branch and cut, each
held by a row `objective ≤ optimum` (integer objectives, so the row is exact).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence

import highspy
import numpy as np
from highspy._core import _Highs

from pairaid.engine.placement.evaluate import ESCALATION_TIERS
from pairaid.engine.placement.model import (
    ACUITY_PRIORITY,
    Placement,
    PlacementProblem,
    compatible,
    upgrade_steps,
    within_limit,
)
from pairaid.engine.placement.solve import LevelOutcome
from pairaid.engine.tiers import tier_between

_INF = highspy.kHighsInf


def direct_mip(
    problem: PlacementProblem, *, time_limit_seconds: float = 60.0
) -> tuple[list[Placement], list[LevelOutcome]]:
    """Placements and levels by successive MIPs (levels not proven in the time say so)."""
    places = problem.region_places()
    facilities = {f.id: f for f in problem.facilities}
    site_of = {s.id: s for s in problem.sites}
    choices: list[Placement] = []  # one per variable, patients = 1 as the unit
    for (site_id, facility_id), hours in problem.travel().items():
        site, facility = site_of[site_id], facilities[facility_id]
        tier = tier_between(places[site.region], places[facility.region])
        for acuity, waiting in site.waiting.items():
            if waiting == 0 or not within_limit(problem, acuity, hours):
                continue
            choices += [
                Placement(site_id, acuity, facility_id, bed_type, 1, hours, tier)
                for bed_type, count in facility.beds.items()
                if compatible(acuity, bed_type) and count.free > 0
            ]
    beds = sorted({(c.facility, c.bed_type) for c in choices})
    n = len(choices)
    theta = n + len(beds)  # column of θ; columns n … n+len(beds)-1 are the "receives" binaries
    highs = _Highs()
    highs.setOptionValue("output_flag", False)
    columns = theta + 1
    highs.addVars(columns, np.zeros(columns), np.full(columns, _INF))
    highs.changeColsIntegrality(
        theta, np.arange(theta, dtype=np.int32), np.full(theta, highspy.HighsVarType.kInteger)
    )
    highs.changeColsBounds(
        len(beds), np.arange(n, theta, dtype=np.int32), np.zeros(len(beds)), np.ones(len(beds))
    )

    def add_row(
        index: Sequence[int], value: Sequence[float], upper: float, lower: float = -_INF
    ) -> None:
        highs.addRow(lower, upper, len(index), np.array(index, dtype=np.int32), np.array(value))

    by_queue, by_region, by_bed = defaultdict(list), defaultdict(list), defaultdict(list)
    for i, c in enumerate(choices):
        by_queue[c.site, c.acuity].append(i)
        by_region[site_of[c.site].region].append(i)
        by_bed[c.facility, c.bed_type].append(i)
    for (site_id, acuity), index in by_queue.items():
        add_row(index, [1.0] * len(index), site_of[site_id].waiting[acuity])
    for region, capacity in problem.transport_capacity.items():
        if by_region[region]:
            add_row(by_region[region], [1.0] * len(by_region[region]), capacity)
    for b, (facility_id, bed_type) in enumerate(beds):
        count = facilities[facility_id].beds[bed_type]
        index = by_bed[facility_id, bed_type]
        # filled ≤ free · receives;  occupied + filled − θ·staffed ≤ (occupied + free)(1 − receives)
        add_row([*index, n + b], [1.0] * len(index) + [-float(count.free)], 0.0)
        big = float(count.occupied + count.free)
        add_row(
            [*index, n + b, theta],
            [1.0] * len(index) + [big, -float(count.staffed)],
            big - count.occupied,
        )

    deadline = time.monotonic() + time_limit_seconds
    levels: list[LevelOutcome] = []
    values = np.zeros(columns)

    def level(name: str, cost: np.ndarray, offset: float, integral: bool) -> None:
        nonlocal values
        started = time.monotonic()
        highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), cost)
        highs.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
        highs.run()
        status = highs.getModelStatus()
        info = highs.getInfo()
        if info.primal_solution_status != 2:  # no feasible solution at all
            levels.append(LevelOutcome(name, None, None, "not_reached", time.monotonic() - started))
            return
        values = np.asarray(highs.getSolution().col_value)
        value = float(cost @ values)
        bound = float(info.mip_dual_bound)
        optimal = status == highspy.HighsModelStatus.kOptimal
        levels.append(
            LevelOutcome(
                name,
                offset + value,
                offset + bound,
                "optimal" if optimal else "feasible",
                time.monotonic() - started,
            )
        )
        nonzero = np.flatnonzero(cost)
        add_row(nonzero.tolist(), cost[nonzero].tolist(), value + (0.5 if integral else 1e-9))

    for acuity in ACUITY_PRIORITY:
        waiting = sum(s.waiting.get(acuity, 0) for s in problem.sites)
        cost = np.array(
            [-1.0 if c.acuity == acuity else 0.0 for c in choices] + [0.0] * (columns - n)
        )
        level(f"unplaced_{acuity}", cost, float(waiting), True)
    for tier in ESCALATION_TIERS:
        cost = np.array([1.0 if c.tier == tier else 0.0 for c in choices] + [0.0] * (columns - n))
        level(f"escalations_tier_{tier}", cost, 0.0, True)
    cost = np.zeros(columns)
    cost[theta] = 1.0
    level("peak_occupancy_share", cost, 0.0, False)
    cost = np.array(
        [
            c.travel_hours + problem.upgrade_hours * upgrade_steps(c.acuity, c.bed_type)
            for c in choices
        ]
        + [0.0] * (columns - n)
    )
    level("patient_hours", cost, 0.0, False)
    counts = np.rint(values[:n]).astype(int)
    placements = [
        Placement(c.site, c.acuity, c.facility, c.bed_type, int(k), c.travel_hours, c.tier)
        for c, k in zip(choices, counts.tolist(), strict=True)
        if k > 0
    ]
    return placements, levels
