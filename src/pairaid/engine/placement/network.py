"""The placement network: the problem's queues, routes and beds as arcs of a min-cost flow.

Network (docs/algorithms.md, "Placement"): source → sending region (transport capacity) →
(site, acuity) (patients waiting) → (facility, acuity's bed type) → sink (free staffed beds),
and from (facility, bed type) a climb to (facility, next type) for a patient who takes a higher
bed. Patients left without a bed take the `unplaced` arc from the source to the sink.

`Network` holds the data: a **route** per (site, acuity, facility) within the acuity's travel
limit, an **upgrade** per (facility, bed type below the highest), and the (facility, bed type)
**entries** with their staffed and occupied beds. A compatible bed of a higher type is
reached by climbing, so a patient is never routed to a lower type and a route does not repeat
per bed type. `flow_graph` turns it into arcs. Every capacity and supply is a whole number, so
every min-cost flow has an optimum in whole patients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pairaid.engine.beds import BED_TYPES, acuity_rank
from pairaid.engine.placement.model import PlacementProblem, within_limit
from pairaid.engine.tiers import TierPlace, tier_between


@dataclass
class Network:
    """The network's data, as parallel numpy arrays."""

    # (site, acuity) queues
    queue_site: list[str]
    queue_acuity: np.ndarray  # rank of the acuity
    queue_waiting: np.ndarray
    queue_region: list[str]
    # transport: regions with a stated capacity
    transport_region: list[str]
    transport_capacity: np.ndarray
    # entries, one per (facility, bed type)
    facility_ids: list[str]
    bed_staffed: np.ndarray  # shape (facilities, types)
    bed_occupied: np.ndarray
    # routes
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
        """The decisions: patients on each route and climbing at each upgrade."""
        return self.routes + self.upgrades

    @property
    def bed_free(self) -> np.ndarray:
        return np.asarray(np.maximum(0, self.bed_staffed - self.bed_occupied))


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


@dataclass(frozen=True)
class FlowGraph:
    """The network as arcs for a min-cost flow solver: parallel arrays `tail`, `head`,
    `capacity`, and where each kind of arc lies in them.

    Nodes: 0 is the source and 1 the sink; then one per transport region, one per (site,
    acuity) queue, and one per (facility, bed type) entry. The source supplies every waiting
    patient; those who are not placed take the `unplaced` arc straight to the sink.
    """

    nodes: int
    tail: np.ndarray
    head: np.ndarray
    capacity: np.ndarray
    supply: np.ndarray  # per node: the source's patients out, the sink's in
    routes: slice  # (site, acuity) → (facility, the acuity's type): the network's routes
    climbs: slice  # (facility, type) → (facility, next type): its upgrades
    beds: slice  # (facility, type) → sink, capacity the free staffed beds: its entries

    @property
    def arcs(self) -> int:
        return len(self.tail)

    @property
    def longest_path(self) -> int:
        """Arcs on the longest source-to-sink path: transport, intake, route, climbs, bed."""
        return 3 + len(BED_TYPES)

    def columns(self, flow: np.ndarray) -> np.ndarray:
        """A flow as the network's decisions: patients per route, then per upgrade."""
        return np.concatenate([flow[self.routes], flow[self.climbs]])


SOURCE, SINK = 0, 1


def flow_graph(network: Network) -> FlowGraph:
    types = len(BED_TYPES)
    facilities = len(network.facility_ids)
    total = int(network.queue_waiting.sum())
    transport_node = 2 + np.arange(len(network.transport_region))
    queue_node = 2 + len(transport_node) + np.arange(len(network.queue_site))
    entry_node = 2 + len(transport_node) + len(queue_node) + np.arange(facilities * types)
    transport_of = dict(zip(network.transport_region, transport_node.tolist(), strict=True))
    intake_tail = np.array(
        [transport_of.get(region, SOURCE) for region in network.queue_region], dtype=np.int64
    )
    entry = entry_node.reshape(facilities, types)
    kinds = [  # (tail, head, capacity) of each kind of arc, in the order of FlowGraph's slices
        (np.full(len(transport_node), SOURCE), transport_node, network.transport_capacity),
        (intake_tail, queue_node, network.queue_waiting),
        (
            queue_node[network.route_queue],
            entry[network.route_facility, network.queue_acuity[network.route_queue]],
            network.queue_waiting[network.route_queue],
        ),
        (entry[:, :-1].reshape(-1), entry[:, 1:].reshape(-1), np.full(network.upgrades, total)),
        (entry_node, np.full(len(entry_node), SINK), network.bed_free.reshape(-1)),
        (np.array([SOURCE]), np.array([SINK]), np.array([total])),  # the unplaced
    ]
    ends = np.cumsum([len(k[0]) for k in kinds])
    supply = np.zeros(2 + len(transport_node) + len(queue_node) + len(entry_node), np.int64)
    supply[SOURCE], supply[SINK] = total, -total
    return FlowGraph(
        nodes=len(supply),
        tail=np.concatenate([k[0] for k in kinds]).astype(np.int64),
        head=np.concatenate([k[1] for k in kinds]).astype(np.int64),
        capacity=np.concatenate([k[2] for k in kinds]).astype(np.int64),
        supply=supply,
        routes=slice(int(ends[1]), int(ends[2])),
        climbs=slice(int(ends[2]), int(ends[3])),
        beds=slice(int(ends[3]), int(ends[4])),
    )
