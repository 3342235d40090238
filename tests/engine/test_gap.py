"""Published GAP instances solved to their known optimum with a zero gap (DESIGN.md §8)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.engine.conftest import GAP

from pairaid.engine import read_gap, solve

KNOWN = GAP / "known_values.csv"


def _instances() -> list[tuple[str, int]]:
    # Read at collection time; a missing file fails collection loudly instead of skipping.
    with KNOWN.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    chosen = [
        (row["Path"], int(row["Optimum"]))
        for row in rows
        if row["Dataset"] == "cattrysse1994"
        or (row["Dataset"] == "chu1997" and Path(row["Path"]).name[0] in "abc")
    ]
    assert len(chosen) == 60 + 18
    return chosen


@pytest.mark.slow
@pytest.mark.parametrize(("path", "optimum"), _instances(), ids=lambda value: str(value))
def test_gap_instance_reaches_known_optimum(gap_dir: Path, path: str, optimum: int) -> None:
    problem = read_gap(gap_dir / path)

    result = solve(problem, relative_gap=0.0, deterministic=True)

    assert result.status == "optimal"
    (level,) = result.levels
    assert level.name == "min_cost"
    assert round(level.value or 0) == optimum
    assert level.gap is not None and level.gap < 1e-9
    assert result.metrics["total_cost"] == optimum
    assert len(result.pairs) == len(problem.donors)
