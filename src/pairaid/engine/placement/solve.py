"""The placement recommender: four lexicographic levels over one network.

Every level is a min-cost flow over the network of `network.py`, solved by OR-Tools, and held
for the levels after it by the potentials of its optimum (`held_flow.py`). Capacities and
supplies are whole numbers, so each optimum places whole patients and the flow's optimum *is*
the integer optimum: each level's value is proven by its own solve.

Level 3 (balance) bisects over the occupancy shares a (facility, bed type) can reach, capping
each bed arc at max(0, floor(θ·staffed) − occupied) with levels 1–2 held; each step is a
feasibility flow.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from pairaid.engine.beds import BED_TYPES, acuity_rank
from pairaid.engine.placement.evaluate import ESCALATION_TIERS
from pairaid.engine.placement.held_flow import HeldFlow
from pairaid.engine.placement.model import ACUITY_PRIORITY, Placement, PlacementProblem
from pairaid.engine.placement.network import Network, build_network, flow_graph


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
    setup_seconds: float  # building the network and its arcs

    @property
    def proven(self) -> bool:
        return all(level.status == "optimal" for level in self.levels)


def solve_placement(
    problem: PlacementProblem, *, time_limit_seconds: float | None = None
) -> Solution:
    """Solve the four levels in order. The time limit is checked before each solve (a solve is
    about a second at 3,000 facilities): a level not begun in time is `not_reached`."""
    limit = time_limit_seconds if time_limit_seconds is not None else problem.time_limit_seconds
    started = time.monotonic()
    deadline = None if limit is None else started + limit
    network = build_network(problem)
    graph = flow_graph(network)
    flow = HeldFlow(graph)
    setup_seconds = time.monotonic() - started
    levels: list[LevelOutcome] = []
    waiting_by_rank = np.bincount(
        network.queue_acuity, weights=network.queue_waiting, minlength=len(BED_TYPES)
    )
    route_rank = network.queue_acuity[network.route_queue]

    def in_time() -> bool:
        return deadline is None or time.monotonic() < deadline

    def go_on() -> bool:
        """Whether the next level starts: the last one was reached and time is left."""
        return (not levels or levels[-1].status != "not_reached") and in_time()

    def level(name: str, route_cost: np.ndarray, offset: int = 0) -> None:
        if not go_on():
            levels.append(_not_reached(name))
            return
        started = time.monotonic()
        cost = np.zeros(graph.arcs, dtype=np.int64)
        cost[graph.routes] = route_cost
        value = offset + flow.minimize(cost)
        flow.hold(cost)
        levels.append(
            LevelOutcome(name, float(value), float(value), "optimal", time.monotonic() - started)
        )

    for acuity in ACUITY_PRIORITY:
        # Unplaced = waiting − placed: minimise it by maximising the acuity's placed patients.
        placed = -(route_rank == acuity_rank(acuity)).astype(np.int64)
        level(f"unplaced_{acuity}", placed, int(waiting_by_rank[acuity_rank(acuity)]))
    for tier in ESCALATION_TIERS:
        level(f"escalations_tier_{tier}", (network.route_tier == tier).astype(np.int64))
    levels.append(
        _balance(flow, network, in_time) if go_on() else _not_reached("peak_occupancy_share")
    )
    levels.append(
        _patient_hours(flow, network, problem.upgrade_hours)
        if go_on()
        else _not_reached("patient_hours")
    )
    return Solution(_placements(network, graph.columns(flow.flow)), levels, network, setup_seconds)


def _not_reached(name: str) -> LevelOutcome:
    return LevelOutcome(name, None, None, "not_reached", 0.0)


def _patient_hours(flow: HeldFlow, network: Network, upgrade_hours: float) -> LevelOutcome:
    """Level 4: travel hours on the routes plus `upgrade_hours` per climb."""
    started = time.monotonic()
    graph = flow.graph
    cost = np.zeros(graph.arcs)
    cost[graph.routes] = network.route_hours
    cost[graph.climbs] = upgrade_hours
    value, bound = flow.minimize_fractional(cost)
    status = "optimal" if bound == value else "feasible"
    return LevelOutcome("patient_hours", value, bound, status, time.monotonic() - started)


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
    return np.asarray(caps, dtype=np.int64)


def _current_peak(network: Network, values: np.ndarray) -> Fraction:
    filled = _filled_beds(network, values)
    staffed = network.bed_staffed.reshape(-1)
    occupied = network.bed_occupied.reshape(-1)
    receiving = np.flatnonzero(filled > 0)
    return max(
        (Fraction(int(occupied[i] + filled[i]), int(staffed[i])) for i in receiving),
        default=Fraction(0),
    )


def _balance(flow: HeldFlow, network: Network, in_time: Callable[[], bool]) -> LevelOutcome:
    """Level 3: the smallest peak occupancy share with levels 1–2 held, by bisection over the
    reachable shares, each step a feasibility flow."""
    started = time.monotonic()
    graph = flow.graph
    beds = np.arange(graph.beds.start, graph.beds.stop)
    numerators, denominators = _share_candidates(network)
    values = numerators / denominators
    peak = _current_peak(network, graph.columns(flow.flow))
    # The current placement reaches `peak`; bisect over candidates up to it: [low, high].
    high = int(np.searchsorted(values, float(peak) + 1e-12, side="right")) - 1
    while Fraction(int(numerators[high]), int(denominators[high])) > peak:
        high -= 1
    low = 0
    best_flow = flow.flow.copy()
    proven = True
    while low < high:
        if not in_time():
            proven = False
            break
        middle = (low + high) // 2
        caps = _entry_caps(network, int(numerators[middle]), int(denominators[middle]))
        if flow.feasible_with_caps(beds, caps):
            high = middle
            best_flow = flow.flow.copy()
        else:
            low = middle + 1
    flow.flow = best_flow
    flow.cap(beds, _entry_caps(network, int(numerators[high]), int(denominators[high])))
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
    """Beds filled per entry (facility × bed type): inflow minus what climbs on."""
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
