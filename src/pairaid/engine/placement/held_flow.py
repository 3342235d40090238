"""A min-cost flow that holds the optimum of each level for the levels after it.

Each level is one min-cost flow (OR-Tools' cost-scaling solver) over the arcs not yet held.
After a level, **node potentials** are read from its optimal flow: the shortest-path distances
in its residual graph, which has no negative cycle at an optimum. By complementary slackness, a
flow is optimal for the level exactly when every arc whose reduced cost (cost + π(tail) −
π(head)) is nonzero keeps its present flow. `hold` fixes those arcs: each leaves the graph and
its flow moves into its end nodes' supplies. What remains is a smaller network whose every
feasible flow is optimal for all the levels held so far, so later levels need neither weights
nor side constraints, and their optima are whole-patient flows.

Exact for integer costs. A level with fractional costs (travel hours) is solved with the costs
scaled to integers as finely as the solver allows, then certified against the real costs: the
flow is optimal when its residual graph has no cycle cheaper than −`_CERTIFY_TOLERANCE` hours.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from pairaid.engine.placement.network import FlowGraph

_OPTIMAL = min_cost_flow.SimpleMinCostFlow.OPTIMAL
_INFEASIBLE = min_cost_flow.SimpleMinCostFlow.INFEASIBLE
_CERTIFY_TOLERANCE = 1e-9
# OR-Tools refuses costs whose largest, times the square of the node count, could overflow its
# 64-bit arithmetic (measured at 30,000 nodes: 1e10 passes, 1e11 is refused); keep 8× inside.
_COST_HEADROOM = 2.0**60


class HeldFlow:
    """The graph's flow, with the arcs that earlier levels hold fixed."""

    def __init__(self, graph: FlowGraph) -> None:
        self.graph = graph
        self.free = np.ones(graph.arcs, dtype=bool)  # arcs not held
        self.capacity = graph.capacity.copy()
        self.supply = graph.supply.copy()  # net of the held arcs' flows
        self.flow = np.zeros(graph.arcs, dtype=np.int64)

    def minimize(self, cost: np.ndarray) -> int:
        """Minimise integer `cost` with the held levels; its value over all arcs."""
        free = np.flatnonzero(self.free)
        flows = self._solve(free, self.capacity[free], cost[free])
        if flows is None:
            raise RuntimeError("the held levels left no feasible flow")  # a held optimum is one
        self.flow[free] = flows
        return int(cost @ self.flow)

    def hold(self, cost: np.ndarray) -> None:
        """Fix every free arc that `cost`'s optimum prices, so that later levels keep it."""
        free = np.flatnonzero(self.free)
        distance = self._potentials(free, cost.astype(np.float64), tolerance=0.5)
        if distance is None:
            raise RuntimeError("the flow is not optimal: its residual graph has a negative cycle")
        graph = self.graph
        reduced = cost[free] + distance[graph.tail[free]] - distance[graph.head[free]]
        held = free[np.abs(reduced) > 0.5]  # integer costs: a nonzero reduced cost is whole
        self.free[held] = False
        np.subtract.at(self.supply, graph.tail[held], self.flow[held])
        np.add.at(self.supply, graph.head[held], self.flow[held])

    def feasible_with_caps(self, arcs: np.ndarray, caps: np.ndarray) -> bool:
        """Whether the held levels allow `arcs` capped at `caps`; if so the flow becomes one
        that does (and the caps are not kept)."""
        capacity = self.capacity.copy()
        capacity[arcs] = np.minimum(capacity[arcs], caps)
        if np.any(self.flow[~self.free] > capacity[~self.free]):
            return False  # a held arc carries more than the cap allows
        free = np.flatnonzero(self.free)
        flows = self._solve(free, capacity[free], np.zeros(len(free), dtype=np.int64))
        if flows is None:
            return False
        self.flow[free] = flows
        return True

    def cap(self, arcs: np.ndarray, caps: np.ndarray) -> None:
        """Keep `arcs` within `caps` from now on (the present flow must already be)."""
        self.capacity[arcs] = np.minimum(self.capacity[arcs], caps)

    def minimize_fractional(
        self, cost: np.ndarray, *, scale: float | None = None
    ) -> tuple[float, float]:
        """Minimise real `cost` with the held levels: (value, bound). The bound equals the value
        when the flow is certified optimal for the real costs, else it is the value less what
        rounding the costs to integers can have cost. `scale`: integer units per unit of cost,
        by default the finest the solver allows."""
        free = np.flatnonzero(self.free)
        scale = scale or _cost_scale(cost[free], self.graph.nodes)
        flows = self._solve(free, self.capacity[free], np.rint(cost[free] * scale).astype(np.int64))
        if flows is None:
            raise RuntimeError("the held levels left no feasible flow")
        self.flow[free] = flows
        value = float(cost @ self.flow)
        if self._potentials(free, cost, tolerance=_CERTIFY_TOLERANCE) is not None:
            return value, value
        # Rounding moved each arc's cost by at most 0.5/scale. The graph has no cycle, so a flow
        # is paths from supplies to demands, each of at most `longest_path` arcs: this flow and
        # an optimal one differ from their rounded costs by at most half that each.
        supplied = float(self.supply[self.supply > 0].sum())
        return value, value - self.graph.longest_path * supplied / scale

    def _solve(self, arcs: np.ndarray, capacity: np.ndarray, cost: np.ndarray) -> np.ndarray | None:
        """A min-cost flow over `arcs` meeting the supplies; None when there is none."""
        solver = min_cost_flow.SimpleMinCostFlow()
        graph = self.graph
        solver.add_arcs_with_capacity_and_unit_cost(
            graph.tail[arcs], graph.head[arcs], capacity, cost
        )
        solver.set_nodes_supplies(np.arange(graph.nodes), self.supply)
        status = solver.solve()
        if status == _INFEASIBLE:
            return None
        if status != _OPTIMAL:
            raise RuntimeError(f"the min-cost flow solver answered {status.name}")
        return np.asarray(solver.flows(np.arange(len(arcs))), dtype=np.int64)

    def _potentials(
        self, arcs: np.ndarray, cost: np.ndarray, *, tolerance: float
    ) -> np.ndarray | None:
        """Shortest-path distances in the residual graph of the present flow over `arcs`, from
        a virtual root joined to every node at cost 0 (Bellman–Ford, one vectorised pass over
        the arcs at a time). None when a cycle costs less than −tolerance: not optimal."""
        graph = self.graph
        flow, capacity, cost = self.flow[arcs], self.capacity[arcs], cost[arcs]
        forward, backward = flow < capacity, flow > 0
        tails = np.concatenate([graph.tail[arcs][forward], graph.head[arcs][backward]])
        heads = np.concatenate([graph.head[arcs][forward], graph.tail[arcs][backward]])
        costs = np.concatenate([cost[forward], -cost[backward]])
        distance = np.zeros(graph.nodes)
        if len(tails) == 0:
            return distance
        order = np.argsort(heads, kind="stable")
        tails, heads, costs = tails[order], heads[order], costs[order]
        starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
        reached = heads[starts]
        # Without a negative cycle a shortest path has fewer arcs than there are nodes.
        for _ in range(graph.nodes + 1):
            best = np.minimum.reduceat(distance[tails] + costs, starts)
            shorter = best < distance[reached] - tolerance
            if not shorter.any():
                return distance
            distance[reached[shorter]] = best[shorter]
        return None


def _cost_scale(cost: np.ndarray, nodes: int) -> float:
    """Integer units per unit of `cost`: as fine as the solver's range allows."""
    largest = float(np.abs(cost).max(initial=0.0))
    if largest == 0:
        return 1.0
    return _COST_HEADROOM / (largest * float(nodes + 1) ** 2)
