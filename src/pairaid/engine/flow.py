"""A small maximum-flow routine (Dinic) for the cheap infeasibility proofs in `checks`."""

from __future__ import annotations

from collections import deque


class FlowNetwork:
    """A directed network with integer capacities; nodes are 0..size-1."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.heads: list[int] = []
        self.capacities: list[int] = []
        self.adjacency: list[list[int]] = [[] for _ in range(size)]

    def add_edge(self, tail: int, head: int, capacity: int) -> int:
        """Add an edge; returns its id, for `flow_on`."""
        # Edges are stored in pairs: edge e and its reverse e ^ 1.
        edge = len(self.heads)
        self.adjacency[tail].append(edge)
        self.heads.append(head)
        self.capacities.append(capacity)
        self.adjacency[head].append(len(self.heads))
        self.heads.append(tail)
        self.capacities.append(0)
        return edge

    def flow_on(self, edge: int) -> int:
        """The flow on an edge after `max_flow` (what its reverse edge holds)."""
        return self.capacities[edge ^ 1]

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while True:
            levels = self._levels(source)
            if levels[sink] < 0:
                return total
            cursor = [0] * self.size
            pushed = self._push(source, sink, 1 << 60, levels, cursor)
            while pushed:
                total += pushed
                pushed = self._push(source, sink, 1 << 60, levels, cursor)

    def reachable(self, source: int) -> set[int]:
        """Nodes reachable from `source` in the residual network (the source side of a min cut)."""
        return {node for node, level in enumerate(self._levels(source)) if level >= 0}

    def _levels(self, source: int) -> list[int]:
        levels = [-1] * self.size
        levels[source] = 0
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for edge in self.adjacency[node]:
                head = self.heads[edge]
                if self.capacities[edge] > 0 and levels[head] < 0:
                    levels[head] = levels[node] + 1
                    queue.append(head)
        return levels

    def _push(self, node: int, sink: int, limit: int, levels: list[int], cursor: list[int]) -> int:
        # Iterative depth-first search along the level graph, so large instances do not recurse.
        path: list[int] = []
        current = node
        while True:
            if current == sink:
                amount = min([limit, *(self.capacities[e] for e in path)])
                for edge in path:
                    self.capacities[edge] -= amount
                    self.capacities[edge ^ 1] += amount
                return amount
            edges = self.adjacency[current]
            advanced = False
            while cursor[current] < len(edges):
                edge = edges[cursor[current]]
                head = self.heads[edge]
                if self.capacities[edge] > 0 and levels[head] == levels[current] + 1:
                    path.append(edge)
                    current = head
                    advanced = True
                    break
                cursor[current] += 1
            if advanced:
                continue
            if not path:
                return 0
            levels[current] = -1  # dead end: prune it from this phase
            edge = path.pop()
            current = self.heads[edge ^ 1]
            cursor[current] += 1
