"""The placement network as a linear programme whose matrix is a network matrix.

Network (docs/algorithms.md, "Placement"): source → sending region (transport capacity) →
(site, acuity) (patients waiting) → (facility, ≥ acuity) → (facility, bed type) (free staffed
beds) → sink. Patients left without a bed are the waiting patients that do not flow: the
"unplaced gate" of an acuity is the slack of its (site, acuity) rows.

The intermediate nodes are eliminated into ranged rows, so the programme has one column per arc
that carries a decision:

* a **route** column per (site, acuity, facility) within the acuity's travel limit: +1 in its
  (site, acuity) row, +1 in its region's transport row, +1 in the facility's entry row of that
  acuity;
* an **upgrade** column per (facility, bed type below the highest): patients who entered at that
  type or lower and climb one type up, −1 in the entry row of the type and +1 in the next one.

Entry row (f, b) is the flow into (f, ≥b) minus what climbs on: the beds of type b filled, kept
within [0, free beds]. A compatible bed of a higher type is reached by climbing, so a patient is
never routed to a lower type and a route column does not repeat per bed type. Every row is the
conservation of a node of a network with arc bounds, so every basic solution is integral: a
simplex vertex is a whole-patient placement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pairaid.engine.beds import BED_TYPES, acuity_rank
from pairaid.engine.placement.model import PlacementProblem, within_limit
from pairaid.engine.tiers import TierPlace, tier_between


@dataclass
class Network:
    """Column and row data of the programme, as parallel numpy arrays."""

    # (site, acuity) rows
    queue_site: list[str]
    queue_acuity: np.ndarray  # rank of the acuity
    queue_waiting: np.ndarray
    queue_region: list[str]
    # transport rows: regions with a stated capacity
    transport_region: list[str]
    transport_capacity: np.ndarray
    # entry rows, one per (facility, bed type)
    facility_ids: list[str]
    bed_staffed: np.ndarray  # shape (facilities, types)
    bed_occupied: np.ndarray
    # route columns
    route_queue: np.ndarray
    route_facility: np.ndarray
    route_hours: np.ndarray
    route_tier: np.ndarray

    @property
    def routes(self) -> int:
        return len(self.route_queue)

    @property
    def upgrades(self) -> int:
        return len(self.facility_ids) * (len(BED_TYPES) - 1)

    @property
    def columns(self) -> int:
        return self.routes + self.upgrades

    @property
    def bed_free(self) -> np.ndarray:
        return np.asarray(np.maximum(0, self.bed_staffed - self.bed_occupied))

    def entry_row(self, facility: np.ndarray, bed_rank: np.ndarray) -> np.ndarray:
        """Row index of (facility, bed type) entries."""
        return np.asarray(self.first_entry_row + facility * len(BED_TYPES) + bed_rank)

    @property
    def first_transport_row(self) -> int:
        return len(self.queue_site)

    @property
    def first_entry_row(self) -> int:
        return self.first_transport_row + len(self.transport_region)

    @property
    def rows(self) -> int:
        return self.first_entry_row + len(self.facility_ids) * len(BED_TYPES)


def build_network(problem: PlacementProblem) -> Network:
    facility_index = {f.id: i for i, f in enumerate(problem.facilities)}
    staffed = np.zeros((len(problem.facilities), len(BED_TYPES)), dtype=np.int64)
    occupied = np.zeros_like(staffed)
    for i, facility in enumerate(problem.facilities):
        for bed_type, count in facility.beds.items():
            staffed[i, acuity_rank(bed_type)] = count.staffed
            occupied[i, acuity_rank(bed_type)] = count.occupied
    free = np.maximum(0, staffed - occupied)
    # A route is worth a column only if the facility has a free bed of the acuity's type or above.
    free_at_or_above = np.flip(np.cumsum(np.flip(free, axis=1), axis=1), axis=1)

    places = problem.region_places()
    facility_place = [places[f.region] for f in problem.facilities]
    queues: list[tuple[str, int, int, str]] = []
    queue_of: dict[tuple[str, str], int] = {}
    for site in problem.sites:
        for acuity in BED_TYPES:
            waiting = site.waiting.get(acuity, 0)
            if waiting > 0:
                queue_of[site.id, acuity] = len(queues)
                queues.append((site.id, acuity_rank(acuity), waiting, site.region))
    site_region = {site.id: site.region for site in problem.sites}

    route_queue, route_facility, route_hours, route_tier = [], [], [], []
    for (site_id, facility_id), hours in problem.travel().items():
        f = facility_index[facility_id]
        origin: TierPlace[str] = places[site_region[site_id]]
        tier = tier_between(origin, facility_place[f])
        for acuity in BED_TYPES:
            queue = queue_of.get((site_id, acuity))
            if (
                queue is not None
                and free_at_or_above[f, acuity_rank(acuity)] > 0
                and within_limit(problem, acuity, hours)
            ):
                route_queue.append(queue)
                route_facility.append(f)
                route_hours.append(hours)
                route_tier.append(tier)
    transport = sorted(problem.transport_capacity)
    return Network(
        queue_site=[q[0] for q in queues],
        queue_acuity=np.array([q[1] for q in queues], dtype=np.int64),
        queue_waiting=np.array([q[2] for q in queues], dtype=np.int64),
        queue_region=[q[3] for q in queues],
        transport_region=transport,
        transport_capacity=np.array(
            [problem.transport_capacity[r] for r in transport], dtype=np.int64
        ),
        facility_ids=[f.id for f in problem.facilities],
        bed_staffed=staffed,
        bed_occupied=occupied,
        route_queue=np.array(route_queue, dtype=np.int64),
        route_facility=np.array(route_facility, dtype=np.int64),
        route_hours=np.array(route_hours, dtype=np.float64),
        route_tier=np.array(route_tier, dtype=np.int64),
    )


def matrix(network: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The constraint matrix column-wise (start, index, value), HiGHS's layout."""
    transport_row = {
        r: network.first_transport_row + i for i, r in enumerate(network.transport_region)
    }
    queue_transport = np.array(
        [transport_row.get(region, -1) for region in network.queue_region], dtype=np.int64
    )
    starts, indices, values = [0], [], []
    route_transport = (
        queue_transport[network.route_queue] if network.routes else np.zeros(0, dtype=np.int64)
    )
    route_entry = (
        network.entry_row(network.route_facility, network.queue_acuity[network.route_queue])
        if network.routes
        else np.zeros(0, dtype=np.int64)
    )
    for queue, transport, entry in zip(
        network.route_queue.tolist(), route_transport.tolist(), route_entry.tolist(), strict=True
    ):
        column = [queue, entry] if transport < 0 else [queue, transport, entry]
        indices += column
        values += [1.0] * len(column)
        starts.append(len(indices))
    for facility in range(len(network.facility_ids)):
        for rank in range(len(BED_TYPES) - 1):
            row = network.first_entry_row + facility * len(BED_TYPES) + rank
            indices += [row, row + 1]
            values += [-1.0, 1.0]
            starts.append(len(indices))
    return (
        np.array(starts, dtype=np.int32),
        np.array(indices, dtype=np.int32),
        np.array(values, dtype=np.float64),
    )


def row_bounds(network: Network) -> tuple[np.ndarray, np.ndarray]:
    lower = np.zeros(network.rows)
    upper = np.concatenate(
        [
            network.queue_waiting.astype(np.float64),
            network.transport_capacity.astype(np.float64),
            network.bed_free.reshape(-1).astype(np.float64),
        ]
    )
    return lower, upper
