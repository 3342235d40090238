"""Benchmark: max-min fairness on synthetic instances (engine.generate) — PairAid's pipeline
against greedy and the direct HiGHS and CP-SAT models at equal time, in the same run.

    python benchmarks/engine_maxmin.py --sizes 19x16@0.5,100x80,1000x800 [--seconds 60] [--seed 0]
    python benchmarks/engine_maxmin.py --sizes 3000x2500@0.02 --seconds 300

A size may carry its own density (`@share`); otherwise `--density` applies.

Each size runs in its own process so its peak memory (ru_maxrss) is its own. Prints a Markdown
table for docs/benchmarks.md. Not part of CI.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def one(size: str, seconds: float, seed: int, density: float) -> dict[str, object]:
    from peers import maxmin_cpsat, maxmin_highs

    from pairaid import engine
    from pairaid.engine.generate import generate

    donors, recipients = (int(n) for n in size.split("x"))
    size = f"{size}@{density:g}"
    started = time.perf_counter()
    problem = generate(donors, recipients, seed=seed, density=density)
    built = time.perf_counter() - started
    result = engine.solve(problem, time_limit_seconds=seconds)
    level = result.levels[0] if result.levels else None
    greedy = engine.solve(problem, backend="greedy", time_limit_seconds=seconds)
    greedy_value = greedy.levels[0].value if greedy.levels else None
    row: dict[str, object] = {
        "size": size,
        "build_s": round(built, 2),
        "status": result.status,
        "value": level.value if level else None,
        "bound": level.bound if level else None,
        "gap": level.gap if level else None,
        "seconds": round(result.seconds, 2),
        "process_seconds": round(result.process_seconds, 2),
        "greedy": greedy_value,
    }
    if donors * recipients <= 1_000_000:  # the direct models of the largest size do not fit in time
        for name, peer in (("highs", maxmin_highs), ("cpsat", maxmin_cpsat)):
            found = peer(problem, seconds)
            row[name] = found.value
            row[f"{name}_bound"] = found.bound
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="19x16,100x80")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--density", type=float, default=0.1, help="share of donors eligible per recipient"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.seconds, args.seed, args.density)))
        return
    print(
        "| size | status | max-min value | bound | gap | s (process s) | greedy | direct HiGHS (bound) | direct CP-SAT (bound) | peak MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for entry in args.sizes.split(","):
        size, _, own_density = entry.partition("@")
        density = float(own_density) if own_density else args.density
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                size,
                "--seconds",
                str(args.seconds),
                "--seed",
                str(args.seed),
                "--density",
                str(density),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        fmt = lambda v: "—" if v is None else f"{v:.4f}" if isinstance(v, float) else str(v)  # noqa: E731
        print(
            f"| {r['size']} | {r['status']} | {fmt(r['value'])} | {fmt(r['bound'])} | {fmt(r['gap'])} "
            f"| {r['seconds']} ({r['process_seconds']}) | {fmt(r['greedy'])} "
            f"| {fmt(r.get('highs'))} ({fmt(r.get('highs_bound'))}) | {fmt(r.get('cpsat'))} ({fmt(r.get('cpsat_bound'))}) "
            f"| {r['peak_mb']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
