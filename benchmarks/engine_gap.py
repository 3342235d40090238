"""Benchmark: every GAP instance of a family at N seconds each — PairAid's engine against one
direct HiGHS model and one direct CP-SAT model given the same wall time, in the same run.

    python benchmarks/engine_gap.py cattrysse1994 [--seconds 60] [--limit N] [--only a,b] [--no-peers]
    python benchmarks/engine_gap.py chu1997 --types d --no-peers --before /tmp/engine-before/src

The peers are given the same total wall time as the pipeline: building their models counts
against it, as checks and model building count against the pipeline's limit. With `--before`,
each instance is solved by the other checkout's engine and then by this one, back to back, each
in a fresh process (`before_after.py`).

Prints a Markdown table (value, gap to the known optimum or best-known value in %, seconds to
the best plan, the whole run's seconds with the 1-minute load before and after it) for
docs/benchmarks.md. Not part of CI; run it on an otherwise idle machine, or say how loaded it was.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from before_after import run_solve
from peers import PeerResult, gap_cpsat, gap_highs

from pairaid import engine

REPO = Path(__file__).resolve().parents[1]
# The sets the tests use are carried in tests/data/gap (with known_values.csv for every set); the
# larger Yagiura instances in benchmarks/data/gap. An instance is looked for in each, in order.
GAP_FOLDERS = (REPO / "tests" / "data" / "gap", REPO / "benchmarks" / "data" / "gap")
KNOWN_VALUES = GAP_FOLDERS[0] / "known_values.csv"


def known() -> dict[str, float]:
    with KNOWN_VALUES.open() as handle:
        rows = csv.DictReader(handle)
        return {
            row["Path"]: float(row["Optimum"] or row["Best known solution value"] or "nan")
            for row in rows
        }


def instances(family: str, folders: list[Path] | None) -> list[Path]:
    """The family's instance files, from the given folders or the carried ones, by name."""
    found: dict[str, Path] = {}
    for folder in folders or GAP_FOLDERS:
        if (folder / family).is_dir():
            for path in (folder / family).iterdir():
                found.setdefault(path.name, path)
    if not found:
        raise SystemExit(
            f"no instances of {family} in {', '.join(map(str, folders or GAP_FOLDERS))}"
        )
    return [found[name] for name in sorted(found)]


def gap_percent(value: float | None, best: float) -> str:
    if value is None:
        return "none"
    return f"{100 * (value - best) / best:.3f}"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _value(row: dict[str, Any]) -> str:
    value = row["value"]
    shown = "none" if value is None else f"{value:g}"
    return f"{shown} ({row['status']})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("family", choices=["cattrysse1994", "chu1997", "yagiura2004"])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0, help="the solver's seed")
    parser.add_argument(
        "--instances",
        type=Path,
        action="append",
        help="a folder holding FAMILY/ (repeatable); default: the carried tests/data/gap and "
        "benchmarks/data/gap",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N instances")
    parser.add_argument("--types", default="", help="chu1997: instance types to run, e.g. abc")
    parser.add_argument("--only", default="", help="comma-separated instance names to run")
    parser.add_argument(
        "--no-peers", action="store_true", help="PairAid only (where a peer is known optimal)"
    )
    parser.add_argument(
        "--before",
        type=Path,
        metavar="SRC",
        help="also run the engine of another checkout's src/ on each instance, just before this "
        "one (e.g. a git worktree of an older commit)",
    )
    args = parser.parse_args()
    best = known()
    files = instances(args.family, args.instances)
    if args.types:
        files = [f for f in files if f.name[0] in args.types]
    if args.only:
        files = [f for f in files if f.name in args.only.split(",")]
    if args.limit:
        files = files[: args.limit]
    before = "| before | gap % | s (load) " if args.before else ""
    print(
        f"| instance | best known {before}| PairAid | gap % | s to best | s (load) "
        "| direct HiGHS | gap % | direct CP-SAT | gap % |"
    )
    print(
        "|---|---|" + ("---|---|---|" if args.before else "") + "---|---|---|---|---|---|---|---|"
    )
    for path in files:
        reference = best[f"{args.family}/{path.name}"]
        cells = [path.name, f"{reference:g}"]
        engines = ([args.before] if args.before else []) + [None]
        for src in engines:  # the older engine first, then this one, back to back
            row = run_solve(path, args.seconds, kind="gap", src=src, seed=args.seed)
            cells += [_value(row), gap_percent(row["value"], reference)]
            if src is None:
                cells.append(_number(row["to_best"]))
            load = f"{row['load_before']:.1f}–{row['load_after']:.1f}"
            cells.append(f"{row['whole_seconds']:.1f} ({load})")
        problem = engine.read_gap(path)
        skipped = PeerResult("not run", None, None, 0.0)
        highs = skipped if args.no_peers else gap_highs(problem, args.seconds)
        cpsat = skipped if args.no_peers else gap_cpsat(problem, args.seconds)
        for peer in (highs, cpsat):
            cells += [
                "none" if peer.value is None else f"{peer.value:g}",
                gap_percent(peer.value, reference),
            ]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
