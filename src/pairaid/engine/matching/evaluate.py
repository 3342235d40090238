"""A matching's fill shares, objectives and metrics, measured the same way for the matcher, the
benchmark's baselines and the tests' brute-force oracle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pairaid.engine.matching.model import Arc, MatchingProblem, Shipment, arcs, counted_needs
from pairaid.engine.metrics import gini


@dataclass(frozen=True)
class Objectives:
    """The three levels' values (worst share is None when no recipient is counted)."""

    worst_fill_share: float | None
    quantity_filled: float
    km_weighted: float


def fill_shares(
    problem: MatchingProblem, shipments: Sequence[Shipment], arc_list: Sequence[Arc] | None = None
) -> dict[str, float]:
    """Each counted recipient's fill share: the mean over its counted lines of filled / open."""
    counted = counted_needs(problem, arcs(problem) if arc_list is None else arc_list)
    filled: dict[str, float] = {}
    for shipment in shipments:
        filled[shipment.need] = filled.get(shipment.need, 0.0) + shipment.quantity
    shares = {}
    for recipient, lines in counted.items():
        needs = [problem.needs[n] for n in lines]
        shares[recipient] = sum(min(1.0, filled.get(n.id, 0.0) / n.open) for n in needs) / len(
            needs
        )
    return shares


def objectives(
    problem: MatchingProblem, shipments: Sequence[Shipment], arc_list: Sequence[Arc] | None = None
) -> Objectives:
    shares = fill_shares(problem, shipments, arc_list)
    return Objectives(
        worst_fill_share=min(shares.values(), default=None),
        quantity_filled=sum(s.quantity for s in shipments),
        km_weighted=sum(s.quantity * s.km for s in shipments),
    )


def metrics(
    problem: MatchingProblem, shipments: Sequence[Shipment], arc_list: Sequence[Arc] | None = None
) -> dict[str, float | int | None]:
    """The result's metrics: how many counted recipients receive anything, the fill, its
    spread (Gini over counted recipients' shares) and the distance goods travel."""
    shares = fill_shares(problem, shipments, arc_list)
    receiving = {s.recipient for s in shipments if s.quantity > 0}
    counted = len(shares)
    value = objectives(problem, shipments, arc_list)
    return {
        "recipients_counted": counted,
        "recipients_receiving": len(receiving & shares.keys()),
        "share_receiving": len(receiving & shares.keys()) / counted if counted else None,
        "quantity_filled": value.quantity_filled,
        "fill_gini": gini(list(shares.values())),
        "mean_fill_share": sum(shares.values()) / counted if counted else None,
        "km_weighted": value.km_weighted,
    }
