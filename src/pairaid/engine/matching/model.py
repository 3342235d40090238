"""The matching problem: goods on offer (lots) and open request lines (needs) of the same item.

A lot ships to a need along an *arc*: same item, a known distance between donor and recipient,
and (when aid must follow the pairing) a listed pair. Each need keeps only its `nearest` lots,
because dense arcs do not fit at GetUsPPE size (31,202 request lines, 1,658 offer lines).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_NEAREST = 50
"""Lots a need keeps by default (the nearest eligible ones)."""


@dataclass(frozen=True)
class Lot:
    """Goods of one item a donor offers, shipped to at most `max_shipments` request lines."""

    id: str
    donor: str
    item: str
    quantity: float
    max_shipments: int = 1


@dataclass(frozen=True)
class Need:
    """An open request line; `pledged` is already promised to it and is netted off."""

    id: str
    recipient: str
    item: str
    quantity: float
    pledged: float = 0.0

    @property
    def open(self) -> float:
        return max(0.0, self.quantity - self.pledged)


@dataclass(frozen=True)
class MatchingProblem:
    lots: Sequence[Lot]
    needs: Sequence[Need]
    distances: Mapping[tuple[str, str], float]  # km by (donor, recipient)
    follow_pairing: bool = False
    pairs: frozenset[tuple[str, str]] = frozenset()
    nearest: int = DEFAULT_NEAREST
    time_limit_seconds: float | None = None


@dataclass(frozen=True)
class Arc:
    """A lot that may ship to a need, by their indexes in the problem."""

    lot: int
    need: int
    km: float


@dataclass(frozen=True)
class Shipment:
    lot: str
    need: str
    donor: str
    recipient: str
    item: str
    quantity: float
    km: float


def paired(problem: MatchingProblem, donor: str, recipient: str) -> bool:
    """Whether the pairing rule lets `donor` send to `recipient`."""
    return not problem.follow_pairing or (donor, recipient) in problem.pairs


def arcs(problem: MatchingProblem) -> list[Arc]:
    """The eligible arcs into needs with an open quantity, each need's `nearest` lots kept
    (ties by the lots' order), in need order."""
    lots_by_item: dict[str, list[int]] = defaultdict(list)
    for index, lot in enumerate(problem.lots):
        lots_by_item[lot.item].append(index)
    kept = []
    for n, need in enumerate(problem.needs):
        if need.open <= 0:
            continue
        reachable = []
        for lot_index in lots_by_item.get(need.item, []):
            donor = problem.lots[lot_index].donor
            km = problem.distances.get((donor, need.recipient))
            if km is not None and paired(problem, donor, need.recipient):
                reachable.append((km, lot_index))
        reachable.sort()
        kept += [Arc(lot, n, km) for km, lot in reachable[: problem.nearest]]
    return kept


def counted_needs(problem: MatchingProblem, arc_list: Sequence[Arc]) -> dict[str, list[int]]:
    """The counted need lines (open, with an arc) by recipient: what the fill shares average."""
    counted: dict[str, list[int]] = defaultdict(list)
    for n in sorted({arc.need for arc in arc_list}):
        counted[problem.needs[n].recipient].append(n)
    return dict(counted)


def most_recipients_reached(problem: MatchingProblem, arc_list: Sequence[Arc]) -> int:
    """At most this many recipients can receive anything: a shipment reaches one request line,
    and a lot makes at most min(max_shipments, its arcs) shipments. When the counted recipients
    outnumber it, someone gets nothing, and the worst-off share is 0 without a solver (a GetUsPPE
    week: 2,858 recipients waiting, and 813 lots of 3 shipments reach at most 2,007)."""
    arcs_of_lot = Counter(arc.lot for arc in arc_list)
    return sum(min(problem.lots[lot].max_shipments, count) for lot, count in arcs_of_lot.items())
