"""Benchmark: whole runs against the time limit on synthetic max-min instances, two engines back
to back (issue 16: "whole runs take at most the limit plus max(5 %, 2 s)").

    python benchmarks/engine_on_time.py --size 300x250 --donor-nearest 20 --recipient-max 4 \\
        --seeds 0,1,2,4 --seconds 60 --before /tmp/engine-before/src
    python benchmarks/engine_on_time.py --size 1000x800 --seeds 0 --seconds 60 --before …

Each instance is written once by this checkout's generator (`engine.generate`, the options of
`pairaid generate`), then solved by the `--before` engine (another checkout's `src/`, e.g. a git
worktree of an older commit) and by this one, each in a fresh process, back to back
(`before_after.py`). A run is the whole `engine.solve` call with its defaults, explanations
included. Prints a Markdown table for docs/benchmarks.md with the 1-minute load average beside
every figure: on a shared machine the seconds are only comparable within a row. Not part of CI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from before_after import run_solve

from pairaid import engine


def grace(seconds: float) -> float:
    """What a whole run may take past its limit: max(5 %, 2 s)."""
    return max(0.05 * seconds, 2.0)


def _cells(row: dict[str, Any], seconds: float) -> list[str]:
    value, bound, gap = row["value"], row["bound"], row["gap"]
    over = row["whole_seconds"] - seconds
    on_time = "yes" if over <= grace(seconds) else "**no**"
    return [
        row["status"],
        "—" if value is None else f"{value:.4f}",
        "—" if bound is None else f"{bound:.4f}",
        "—" if gap is None else f"{100 * gap:.2f}",
        f"{row['whole_seconds']:.1f}",
        f"{over:+.1f} ({on_time})",
        f"{row['load_before']:.1f}–{row['load_after']:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="300x250", help="DONORSxRECIPIENTS")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--density", type=float, default=0.1)
    parser.add_argument("--donor-nearest", type=int, default=2)
    parser.add_argument("--recipient-max", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--before", type=Path, metavar="SRC", help="another checkout's src/")
    args = parser.parse_args()
    donors, recipients = (int(n) for n in args.size.split("x"))
    print(
        "| instance | engine | status | max-min | bound | gap % | whole s | past the limit (on time) "
        "| 1-min load |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for seed in (int(s) for s in args.seeds.split(",")):
            problem = engine.generate(
                donors,
                recipients,
                seed=seed,
                density=args.density,
                donor_nearest=args.donor_nearest,
                recipient_max=args.recipient_max,
            )
            path = Path(folder) / f"{args.size}-seed{seed}.json"
            engine.write_problem(problem, path)
            name = (
                f"{args.size} seed {seed} (k {args.donor_nearest}, U {args.recipient_max}, "
                f"density {args.density:g}, {len(problem.pairs)} pairs)"
            )
            engines = ([("before", args.before)] if args.before else []) + [("this", None)]
            for label, src in engines:
                row = run_solve(path, args.seconds, kind="problem", src=src)
                print(
                    f"| {name} | {label} | " + " | ".join(_cells(row, args.seconds)) + " |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
