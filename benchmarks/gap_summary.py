"""Summarise tables printed by `engine_gap.py` against the issue's targets for the GAP families.

    python benchmarks/gap_summary.py RUN.md [MORE.md ...]

For every instance: how far PairAid is behind the better of the two direct models, in
percentage points of the best-known value (target: never more than 0.1), and, where both direct
models fall short of the best-known value, whether PairAid is strictly better than both (target:
always). Also how many reach the best-known value, and the range of seconds to the best plan.
Reads the Markdown rows only; prints plain text for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

TOLERANCE = 1e-6
"""Relative: values closer than this to each other are equal."""


@dataclass(frozen=True)
class Row:
    instance: str
    best: float
    pairaid: float | None
    seconds_to_best: float | None
    highs: float | None
    cpsat: float | None


def _number(text: str) -> float | None:
    head = text.strip().split(" ")[0]
    try:
        return float(head)
    except ValueError:
        return None


def read_rows(path: Path) -> list[Row]:
    """The instance rows of an `engine_gap.py` table (header and rule lines skipped)."""
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 10 or cells[0] in ("instance", "---"):
            continue
        best = _number(cells[1])
        if best is None:
            raise SystemExit(
                f"{path}:{number}: best known value: expected a number, got {cells[1]!r}"
            )
        rows.append(
            Row(
                cells[0],
                best,
                _number(cells[2]),
                _number(cells[4]),
                _number(cells[6]),
                _number(cells[8]),
            )
        )
    return rows


def _equal(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def summarise(rows: list[Row]) -> list[str]:
    lines = []
    behind = []
    both_short = []
    better = []
    at_best = [r.instance for r in rows if r.pairaid is not None and _equal(r.pairaid, r.best)]
    for row in rows:
        peers = [v for v in (row.highs, row.cpsat) if v is not None]
        if row.pairaid is None or not peers:
            continue
        leader = min(peers)
        if row.pairaid > leader and not _equal(row.pairaid, leader):
            behind.append(
                (row.instance, 100 * (row.pairaid - leader) / row.best, row.pairaid, leader)
            )
        if all(v > row.best and not _equal(v, row.best) for v in peers) and len(peers) == 2:
            both_short.append(row.instance)
            if row.pairaid < leader and not _equal(row.pairaid, leader):
                better.append(row.instance)
    worst = max((points for _, points, _, _ in behind), default=0.0)
    lines.append(f"instances: {len(rows)}; at the best-known value: {len(at_best)}")
    for name, peer in (("direct HiGHS", "highs"), ("direct CP-SAT", "cpsat")):
        reached = sum(
            1 for r in rows if getattr(r, peer) is not None and _equal(getattr(r, peer), r.best)
        )
        lines.append(f"  {name} at the best-known value: {reached}")
    lines.append(
        f"behind the better direct model: {len(behind)} (largest {worst:.3f} points; "
        f"target: none by more than 0.1) {'met' if worst <= 0.1 else 'MISSED'}"
    )
    for instance, points, mine, leader in behind:
        lines.append(f"  {instance}: {mine:g} against {leader:g}, {points:.3f} points")
    missed = [name for name in both_short if name not in better]
    lines.append(
        f"both direct models short of the best known: {len(both_short)}; PairAid better than "
        f"both on {len(better)} {'(met)' if not missed else '(missed on ' + ', '.join(missed) + ')'}"
    )
    times = [r.seconds_to_best for r in rows if r.seconds_to_best is not None]
    if times:
        lines.append(f"seconds to the best plan: {min(times):.1f}–{max(times):.1f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tables", nargs="+", type=Path)
    args = parser.parse_args()
    rows = [row for path in args.tables for row in read_rows(path)]
    if not rows:
        sys.exit("no instance rows found in " + ", ".join(map(str, args.tables)))
    print("\n".join(summarise(rows)))


if __name__ == "__main__":
    main()
