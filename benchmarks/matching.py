"""Benchmark: the matcher against GetUsPPE's own strategies on the real data of 2020 (issue 19,
item 5), inside the `ppe-match` package's weekly testing framework (no look-ahead: each week
sees only the offers and requests made so far, less what was shipped).

    pip install -e '.[bench]'     # ppe-match, pinned; its data stays in the package
    python benchmarks/matching.py [--strategies pairaid,proximity,fcfm] [--cap 3]
        [--time-limit 20] [--nearest 50]

The data: 1,658 offer lines from 1,246 donors and 31,202 request lines from 6,336 recipients
(US, March to July 2020), anonymised, with donor-recipient distances (miles) and no regions, so
aid does not follow a pairing here. The framework drops offers above `max_donation_qty` (1,000
units: the data's junk quantities reach 10^14) and ships each strategy's decisions week by week.
Licence: the package says MIT in its metadata and Apache-2.0 in its source headers; its data has
no stated terms, so it is used here for benchmarks only and never redistributed or committed.

Reported per strategy: the share of recipients (of an offered item) receiving anything, the mean
fill among (recipient, item) pairs of offered items, the Gini of that fill, the quantity filled,
the unit-miles per unit, the shipments per donor, and the strategy's own seconds. Prints
Markdown for docs/benchmarks.md. Not CI.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from ppe_match import TestingFramework, strategies

from pairaid.engine.matching import match, matching_from_dict


class Timed:
    """A strategy that counts its own seconds (the framework's bookkeeping is left out)."""

    def __init__(self, strategy: Callable[..., pd.DataFrame]) -> None:
        self.strategy = strategy
        self.seconds = 0.0
        self.__name__ = strategy.__name__

    def __call__(self, date: Any, donors: pd.DataFrame, recipients: pd.DataFrame, m: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.strategy(date, donors, recipients, m)
        finally:
            self.seconds += time.perf_counter() - started


def pairaid_strategy(cap: int, time_limit: float, nearest: int) -> Callable[..., pd.DataFrame]:
    """The matcher as a GetUsPPE strategy: each (donor, item) aggregate is a lot of at most
    `cap` shipments, each (recipient, item) aggregate a need."""

    def pairaid_matcher(
        date: Any, donors: pd.DataFrame, recipients: pd.DataFrame, m: pd.DataFrame
    ) -> pd.DataFrame:
        document = {
            "kind": "matching",
            "lots": [
                {
                    "id": f"{row.don_id}|{row.ppe}",
                    "donor": row.don_id,
                    "item": row.ppe,
                    "quantity": float(row.qty),
                    "max_shipments": cap,
                }
                for row in donors.itertuples()
                if row.qty > 0
            ],
            "needs": [
                {
                    "id": f"{row.rec_id}|{row.ppe}",
                    "recipient": row.rec_id,
                    "item": row.ppe,
                    "quantity": float(row.qty),
                }
                for row in recipients.itertuples()
                if row.qty > 0
            ],
            "distances": [
                {"donor": d, "recipient": r, "km": float(km)}  # miles here; only order matters
                for d, r, km in m[["don_id", "rec_id", "distance"]].itertuples(index=False)
            ],
            "options": {"nearest": nearest, "time_limit": time_limit},
        }
        result = match(matching_from_dict(document))
        rows = []
        for shipment in result.shipments:
            # Whole units: the framework walks quantities down to exactly zero.
            quantity = math.floor(shipment.quantity + 1e-6)
            if quantity > 0:
                rows.append([shipment.donor, shipment.recipient, shipment.item, float(quantity)])
        return pd.DataFrame(rows, columns=["don_id", "rec_id", "ppe", "qty"])

    return pairaid_matcher


def gini(values: list[float]) -> float:
    """The Gini coefficient of non-negative values (0: all equal)."""
    ordered = sorted(values)
    n = len(ordered)
    total = sum(ordered)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * v for i, v in enumerate(ordered))
    return (2 * weighted) / (n * total) - (n + 1) / n


def measures(framework: TestingFramework) -> dict[str, float]:
    """What the issue asks for, from the framework's decisions and its cleaned data."""
    donors = framework.all_donors[framework.all_donors.qty <= framework.max_donation_qty]
    offered = set(donors.ppe.unique())
    asked = framework.all_recipients[framework.all_recipients.qty > 0]
    asked = asked[asked.ppe.isin(offered)]
    requested = asked.groupby(["rec_id", "ppe"])["qty"].sum()
    decisions = framework.get_decisions()
    received = decisions.groupby(["rec_id", "ppe"])["qty"].sum() if len(decisions) else None
    fills = []
    for key, quantity in requested.items():
        got = float(received.get(key, 0.0)) if received is not None else 0.0
        fills.append(min(1.0, got / float(quantity)))
    recipients = set(asked.rec_id)
    receiving = set(decisions.rec_id) & recipients if len(decisions) else set()
    quantity = float(decisions.qty.sum()) if len(decisions) else 0.0
    unit_miles = float((decisions.qty * decisions.distance).sum()) if len(decisions) else 0.0
    shipments = len(decisions.groupby(["don_id", "rec_id", "date"])) if len(decisions) else 0
    return {
        "recipients": len(recipients),
        "share_receiving": len(receiving) / len(recipients) if recipients else 0.0,
        "mean_fill": sum(fills) / len(fills) if fills else 0.0,
        "fill_gini": gini(fills),
        "quantity": quantity,
        "miles_per_unit": unit_miles / quantity if quantity else 0.0,
        "shipments_per_donor": shipments / decisions.don_id.nunique() if len(decisions) else 0.0,
    }


def run(name: str, args: argparse.Namespace) -> dict[str, Any]:
    chosen = {
        "pairaid": pairaid_strategy(args.cap, args.time_limit, args.nearest),
        "proximity": strategies.proximity_match_strategy,
        "fcfm": strategies.FCFM_strategy,
    }[name]
    timed = Timed(chosen)
    framework = TestingFramework(strategy=timed, interval=7)
    # The package reads its dates with `parse_dates`, which today's pandas leaves as text for
    # these offsets: parse them here, as the framework expects (UTC timestamps).
    for table in (framework.all_donors, framework.all_recipients):
        table["date"] = pd.to_datetime(table["date"], utc=True, format="ISO8601")
    framework.debug(False)
    started = time.perf_counter()
    framework.run()
    return {
        "strategy": name,
        **measures(framework),
        "strategy_s": timed.seconds,
        "whole_s": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategies", default="pairaid,proximity,fcfm")
    parser.add_argument("--cap", type=int, default=3, help="shipments per lot (the matcher)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per week")
    parser.add_argument("--nearest", type=int, default=50)
    args = parser.parse_args()
    import logging

    logging.getLogger("ppe_match.testing_framework").setLevel(logging.WARNING)
    rows = [run(name, args) for name in args.strategies.split(",")]
    print(f"machine: {platform.machine()}, Python {platform.python_version()}; "
          f"matcher: cap {args.cap} shipments per lot, {args.time_limit:g} s per week, "
          f"nearest {args.nearest}")  # fmt: skip
    print()
    print("| strategy | recipients receiving | mean fill | Gini of fill | quantity | "
          "miles per unit | shipments per donor | strategy s | whole s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['strategy']} | {r['share_receiving']:.1%} of {r['recipients']:,} | "
            f"{r['mean_fill']:.4f} | {r['fill_gini']:.3f} | {r['quantity']:,.0f} | "
            f"{r['miles_per_unit']:,.0f} | {r['shipments_per_donor']:.2f} | "
            f"{r['strategy_s']:.1f} | {r['whole_s']:.1f} |"
        )


if __name__ == "__main__":
    main()
