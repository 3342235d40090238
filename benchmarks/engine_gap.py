"""Benchmark: every GAP instance of a family at N seconds each — PairAid's engine against one
direct HiGHS model and one direct CP-SAT model given the same wall time, in the same run.

    python benchmarks/engine_gap.py cattrysse1994 [--seconds 60] [--limit N] [--only a,b] [--no-peers]

The peers are given the same total wall time as the pipeline: building their models counts
against it, as checks and model building count against the pipeline's limit.

Prints a Markdown table (value, gap to the known optimum or best-known value in %, seconds to
the best plan and in all) for docs/benchmarks.md. Not part of CI; run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
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


def recorder(found: list[tuple[float, float]]) -> dict[str, Any]:
    """The keyword that makes `engine.solve` record each better plan (value, seconds since the
    run began) in `found`: `progress` payloads, or with an engine from before they existed
    (`--engine-src`), its `on_improvement` callback."""
    if hasattr(engine, "Progress"):

        def step(progress: Any) -> None:
            if progress.stage == "improved":
                found.append((progress.value, progress.seconds))

        return {"progress": step}

    def improved(level: str, value: float, bound: float | None, seconds: float) -> None:
        found.append((value, seconds))

    return {"on_improvement": improved}


def time_to_best(found: list[tuple[float, float]], value: float | None) -> str:
    """Seconds from the start of the run to the first plan as cheap as the one returned (the
    engine reports its warm start and every cheaper plan as progress)."""
    if value is None:
        return "none"
    times = [seconds for cost, seconds in found if cost <= value + 1e-6 * max(1.0, abs(value))]
    return f"{min(times):.1f}" if times else "not reported"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("family", choices=["cattrysse1994", "chu1997", "yagiura2004"])
    parser.add_argument("--seconds", type=float, default=60.0)
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
    args = parser.parse_args()
    best = known()
    files = instances(args.family, args.instances)
    if args.types:
        files = [f for f in files if f.name[0] in args.types]
    if args.only:
        files = [f for f in files if f.name in args.only.split(",")]
    if args.limit:
        files = files[: args.limit]
    print(
        "| instance | best known | PairAid | gap % | s to best | s "
        "| direct HiGHS | gap % | direct CP-SAT | gap % |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in files:
        problem = engine.read_gap(path)
        found: list[tuple[float, float]] = []
        result = engine.solve(
            problem, time_limit_seconds=args.seconds, relative_gap=0.0, **recorder(found)
        )
        value = result.levels[0].value if result.levels else None
        skipped = PeerResult("not run", None, None, 0.0)
        highs = skipped if args.no_peers else gap_highs(problem, args.seconds)
        cpsat = skipped if args.no_peers else gap_cpsat(problem, args.seconds)
        reference = best[f"{args.family}/{path.name}"]
        print(
            f"| {path.name} | {reference:g} | {value if value is not None else 'none'} ({result.status}) "
            f"| {gap_percent(value, reference)} | {time_to_best(found, value)} | {result.seconds:.1f} "
            f"| {highs.value if highs.value is not None else 'none'} | {gap_percent(highs.value, reference)} "
            f"| {cpsat.value if cpsat.value is not None else 'none'} | {gap_percent(cpsat.value, reference)} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
