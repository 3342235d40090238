"""The placement recommender: four lexicographic levels over one network programme.

Every level is a linear programme over the network of `network.py`, solved by HiGHS's simplex
method. The matrix is a network matrix, so a simplex vertex places whole patients and the
programme's optimum *is* the integer optimum: each level's value is proven by its own solve.

A level's optimum is **held** for the levels after it by complementary slackness rather than by
a weighted sum or a side constraint: given the level's optimal duals, a placement is optimal for
that level exactly when every column with a nonzero reduced cost stays at its bound and every row
with a nonzero dual stays at its active bound. Fixing those bounds keeps the programme a network
(so later vertices stay integral), costs no precision (the objective coefficients of levels 1 and
2 are 0/1, so a nonzero reduced cost is a whole number) and avoids the int64 overflow that weights
of one level per acuity and tier would need at 100,000 patients.

Level 3 (balance) bisects over the occupancy shares a (facility, bed type) can reach, capping
each entry row at max(0, floor(θ·staffed) − occupied) with levels 1–2 held by the fixed bounds.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import highspy
import numpy as np
from highspy._core import _Highs

from pairaid.engine.beds import BED_TYPES, acuity_rank
from pairaid.engine.placement.evaluate import ESCALATION_TIERS
from pairaid.engine.placement.model import ACUITY_PRIORITY, Placement, PlacementProblem
from pairaid.engine.placement.network import Network, build_network, matrix, row_bounds

# Reduced costs of levels 1–2 are whole numbers at an optimal basis; anything below this is
# HiGHS's rounding, not a price.
_PRICE_TOLERANCE = 0.5
_MODEL_STATUS = highspy.HighsModelStatus
_DUAL_SIMPLEX = 1
_PRIMAL_SIMPLEX = 4


@dataclass(frozen=True)
class LevelOutcome:
    name: str
    value: float | None
    bound: float | None
    status: str  # optimal | feasible | not_reached
    seconds: float

    def to_dict(self, *, timings: bool = True) -> dict[str, object]:
        """The level as result documents of every solved kind write it."""
        document: dict[str, object] = {
            "name": self.name,
            "value": self.value,
            "bound": self.bound,
            "status": self.status,
        }
        if timings:
            document["seconds"] = self.seconds
        return document


@dataclass(frozen=True)
class Solution:
    placements: Sequence[Placement]
    levels: Sequence[LevelOutcome]
    network: Network
    setup_seconds: float  # building the network and loading it into HiGHS

    @property
    def proven(self) -> bool:
        return all(level.status == "optimal" for level in self.levels)


class _Programme:
    """The HiGHS model with the bounds that hold the levels solved so far."""

    def __init__(self, network: Network, deadline: float | None) -> None:
        self.network = network
        self.deadline = deadline
        self.highs = _Highs()  # the bare class: no banner on stdout
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("solver", "simplex")
        lp = highspy.HighsLp()
        lp.num_col_ = network.columns
        lp.num_row_ = network.rows
        lp.col_cost_ = np.zeros(network.columns)
        lp.col_lower_ = np.zeros(network.columns)
        lp.col_upper_ = np.full(network.columns, highspy.kHighsInf)
        self.row_lower, self.row_upper = row_bounds(network)
        lp.row_lower_ = self.row_lower
        lp.row_upper_ = self.row_upper
        start, index, value = matrix(network)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = start
        lp.a_matrix_.index_ = index
        lp.a_matrix_.value_ = value
        self.highs.passModel(lp)
        self.col_lower = np.zeros(network.columns)
        self.col_upper = np.full(network.columns, np.inf)
        self.values = np.zeros(network.columns)

    def _change_rows(
        self, count: int, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray
    ) -> None:
        # highspy's stubs omit the batch method that its binding has.
        self.highs.changeRowsBounds(count, rows, lower, upper)  # type: ignore[attr-defined]

    def _run(self) -> bool:
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.highs.setOptionValue("time_limit", remaining)
        self.highs.run()
        return self.highs.getModelStatus() == _MODEL_STATUS.kOptimal

    def minimize(self, cost: np.ndarray) -> float | None:
        """Minimise `cost` with the held levels; None when not proven within the time."""
        columns = np.arange(self.network.columns, dtype=np.int32)
        self.highs.changeColsCost(len(columns), columns, cost.astype(np.float64))
        # Holding a level keeps its optimum feasible and only the costs change: the primal
        # simplex goes on from that basis (levels 1-2 at 1,000 facilities: 19 s against 59 s
        # with the default dual simplex, docs/benchmarks.md).
        self.highs.setOptionValue("simplex_strategy", _PRIMAL_SIMPLEX)
        if not self._run():
            return None
        solution = self.highs.getSolution()
        self.values = np.rint(np.asarray(solution.col_value))
        return float(cost @ self.values)

    def hold(self) -> None:
        """Fix what the last optimum's duals price, so that later levels keep its value."""
        solution = self.highs.getSolution()
        priced_columns = np.flatnonzero(np.abs(np.asarray(solution.col_dual)) > _PRICE_TOLERANCE)
        fixed = self.values[priced_columns]
        self.col_lower[priced_columns] = fixed
        self.col_upper[priced_columns] = fixed
        self.highs.changeColsBounds(
            len(priced_columns), priced_columns.astype(np.int32), fixed, fixed
        )
        priced_rows = np.flatnonzero(np.abs(np.asarray(solution.row_dual)) > _PRICE_TOLERANCE)
        activity = np.rint(np.asarray(solution.row_value))[priced_rows]
        self.row_lower[priced_rows] = activity
        self.row_upper[priced_rows] = activity
        self._change_rows(len(priced_rows), priced_rows.astype(np.int32), activity, activity)

    def feasible_with_entry_caps(self, caps: np.ndarray) -> bool | None:
        """Whether the held levels allow entry rows capped at `caps`; None when out of time."""
        network = self.network
        rows = np.arange(network.first_entry_row, network.rows, dtype=np.int32)
        lower = self.row_lower[rows]
        upper = np.minimum(self.row_upper[rows], caps)
        if np.any(upper < lower):
            return False
        self._change_rows(len(rows), rows, lower, upper)
        # Only bounds change: the last basis stays dual feasible, the dual simplex's case.
        self.highs.setOptionValue("simplex_strategy", _DUAL_SIMPLEX)
        status = self.highs.getModelStatus
        if self._run():
            self.values = np.rint(np.asarray(self.highs.getSolution().col_value))
            return True
        # Every column is bounded by its rows, so "unbounded or infeasible" means infeasible.
        refused = (_MODEL_STATUS.kInfeasible, _MODEL_STATUS.kUnboundedOrInfeasible)
        return False if status() in refused else None

    def cap_entries(self, caps: np.ndarray) -> None:
        rows = np.arange(self.network.first_entry_row, self.network.rows)
        self.row_upper[rows] = np.minimum(self.row_upper[rows], caps)
        self._change_rows(
            len(rows), rows.astype(np.int32), self.row_lower[rows], self.row_upper[rows]
        )


def solve_placement(
    problem: PlacementProblem, *, time_limit_seconds: float | None = None
) -> Solution:
    limit = time_limit_seconds if time_limit_seconds is not None else problem.time_limit_seconds
    started = time.monotonic()
    deadline = None if limit is None else started + limit
    network = build_network(problem)
    programme = _Programme(network, deadline)
    setup_seconds = time.monotonic() - started
    levels: list[LevelOutcome] = []
    waiting_by_rank = np.bincount(
        network.queue_acuity, weights=network.queue_waiting, minlength=len(BED_TYPES)
    )
    route_rank = network.queue_acuity[network.route_queue]
    stopped = False

    def level(name: str, cost: np.ndarray, offset: float = 0.0) -> None:
        nonlocal stopped
        started = time.monotonic()
        value = None if stopped else programme.minimize(cost)
        if value is None:
            stopped = True
            levels.append(LevelOutcome(name, None, None, "not_reached", 0.0))
            return
        programme.hold()
        result = offset + value
        levels.append(LevelOutcome(name, result, result, "optimal", time.monotonic() - started))

    for acuity in ACUITY_PRIORITY:
        # Unplaced = waiting − placed: minimise it by maximising the acuity's placed patients.
        cost = np.zeros(network.columns)
        cost[: network.routes][route_rank == acuity_rank(acuity)] = -1.0
        level(f"unplaced_{acuity}", cost, float(waiting_by_rank[acuity_rank(acuity)]))
    for tier in ESCALATION_TIERS:
        cost = np.zeros(network.columns)
        cost[: network.routes][network.route_tier == tier] = 1.0
        level(f"escalations_tier_{tier}", cost)
    levels.append(_balance(programme, stopped))
    stopped = stopped or levels[-1].status == "not_reached"
    travel_cost = np.concatenate(
        [network.route_hours, np.full(network.upgrades, problem.upgrade_hours)]
    )
    level("patient_hours", travel_cost)
    return Solution(_placements(network, programme.values), levels, network, setup_seconds)


def _share_candidates(network: Network) -> tuple[np.ndarray, np.ndarray]:
    """Every occupancy share a (facility, bed type) can reach by receiving patients, as
    (numerator, denominator) sorted by value: (occupied + k) / staffed for k = 1 … free."""
    staffed = network.bed_staffed.reshape(-1)
    occupied = network.bed_occupied.reshape(-1)
    free = network.bed_free.reshape(-1)
    pairs = np.flatnonzero(free > 0)
    counts = free[pairs]
    denominators = np.repeat(staffed[pairs], counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    k = np.arange(int(counts.sum())) - first + 1
    numerators = np.repeat(occupied[pairs], counts) + k
    numerators = np.concatenate([[0], numerators])
    denominators = np.concatenate([[1], denominators])
    order = np.argsort(numerators / denominators, kind="stable")
    return numerators[order], denominators[order]


def _entry_caps(network: Network, numerator: int, denominator: int) -> np.ndarray:
    """max(0, floor(θ·staffed) − occupied) for θ = numerator / denominator, exactly."""
    staffed = network.bed_staffed.reshape(-1)
    occupied = network.bed_occupied.reshape(-1)
    caps = np.maximum(0, (numerator * staffed) // denominator - occupied)
    return np.asarray(caps, dtype=np.float64)


def _current_peak(network: Network, values: np.ndarray) -> Fraction:
    filled = _filled_beds(network, values)
    staffed = network.bed_staffed.reshape(-1)
    occupied = network.bed_occupied.reshape(-1)
    receiving = np.flatnonzero(filled > 0)
    return max(
        (Fraction(int(occupied[i] + filled[i]), int(staffed[i])) for i in receiving),
        default=Fraction(0),
    )


def _balance(programme: _Programme, stopped: bool) -> LevelOutcome:
    """Level 3: the smallest peak occupancy share with levels 1–2 held, by bisection over the
    reachable shares (each step a feasibility programme, warm-started from the last basis)."""
    if stopped:
        return LevelOutcome("peak_occupancy_share", None, None, "not_reached", 0.0)
    started = time.monotonic()
    network = programme.network
    numerators, denominators = _share_candidates(network)
    values = numerators / denominators
    peak = _current_peak(network, programme.values)
    # The current placement reaches `peak`; bisect over candidates up to it: [low, high].
    high = int(np.searchsorted(values, float(peak) + 1e-12, side="right")) - 1
    while Fraction(int(numerators[high]), int(denominators[high])) > peak:
        high -= 1
    low = 0
    best_values = programme.values.copy()
    proven = True
    while low < high:
        middle = (low + high) // 2
        feasible = programme.feasible_with_entry_caps(
            _entry_caps(network, int(numerators[middle]), int(denominators[middle]))
        )
        if feasible is None:
            proven = False
            break
        if feasible:
            high = middle
            best_values = programme.values.copy()
        else:
            low = middle + 1
    programme.values = best_values
    programme.cap_entries(_entry_caps(network, int(numerators[high]), int(denominators[high])))
    value = float(Fraction(int(numerators[high]), int(denominators[high])))
    bound = value if proven else float(Fraction(int(numerators[low]), int(denominators[low])))
    return LevelOutcome(
        "peak_occupancy_share",
        value,
        bound,
        "optimal" if proven else "feasible",
        time.monotonic() - started,
    )


def _filled_beds(network: Network, values: np.ndarray) -> np.ndarray:
    """Beds filled per entry row (facility × bed type): inflow minus what climbs on."""
    types = len(BED_TYPES)
    filled = np.zeros(len(network.facility_ids) * types)
    routes = values[: network.routes]
    entry = network.route_facility * types + network.queue_acuity[network.route_queue]
    np.add.at(filled, entry, routes)
    climbs = values[network.routes :].reshape(len(network.facility_ids), types - 1)
    by_type = filled.reshape(-1, types)
    by_type[:, :-1] -= climbs
    by_type[:, 1:] += climbs
    return np.asarray(np.rint(by_type.reshape(-1)))


def _placements(network: Network, values: np.ndarray) -> list[Placement]:
    """Split each facility's routed patients over its filled beds: patients entering at a type
    fill that type's beds, the rest climb to the next type (which patient climbs changes no
    level: travel and tier belong to the route, upgrade hours to the number of climbs)."""
    filled = _filled_beds(network, values).reshape(-1, len(BED_TYPES))
    used = np.flatnonzero(values[: network.routes] > 0)
    by_facility: dict[int, list[int]] = {}
    for route in used.tolist():
        by_facility.setdefault(int(network.route_facility[route]), []).append(route)
    placements = []
    for facility, routes in sorted(by_facility.items()):
        placements += _split_facility(network, facility, routes, filled[facility], values)
    return placements


def _split_facility(
    network: Network, facility: int, routes: list[int], filled: np.ndarray, values: np.ndarray
) -> list[Placement]:
    remaining = {route: int(values[route]) for route in routes}
    placements = []
    for rank, bed_type in enumerate(BED_TYPES):
        beds = int(filled[rank])
        # Highest acuity first: the patients closest to this type take its beds.
        waiting = sorted(
            (
                r
                for r in routes
                if remaining[r] > 0 and network.queue_acuity[network.route_queue[r]] <= rank
            ),
            key=lambda r: (-int(network.queue_acuity[network.route_queue[r]]), r),
        )
        for route in waiting:
            if beds == 0:
                break
            taken = min(beds, remaining[route])
            beds -= taken
            remaining[route] -= taken
            queue = int(network.route_queue[route])
            placements.append(
                Placement(
                    site=network.queue_site[queue],
                    acuity=BED_TYPES[int(network.queue_acuity[queue])],
                    facility=network.facility_ids[facility],
                    bed_type=bed_type,
                    patients=taken,
                    travel_hours=float(network.route_hours[route]),
                    tier=int(network.route_tier[route]),
                )
            )
    return placements
