"""Benchmark: how much memory a plan run's solver uses, to size `PAIRAID_SOLVER_MEMORY_MB`.

    python benchmarks/solver_memory.py [--seconds 60]

Each instance is solved the way the task worker solves it (`solver_process.solve`: a spawned
child, watched), in a fresh process of this script, so the kernel's peak for its children
(`RUSAGE_CHILDREN`) is that one solver's. The instances are synthetic (`engine.generate`) from
Hubei size to national size, with the default objective and with the most leximin levels the
options allow (one per recipient, `engine.LIMITS`). Beside each, the baseline of the same run:
a spawned child that imports the engine and does nothing. Prints a Markdown table for
docs/benchmarks.md. Not part of CI.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import threading
import time
from typing import Any

from pairaid import engine
from pairaid.pairing import solver_process

# (label, donors, recipients, generate options, leximin levels; None: the generator's objective)
INSTANCES: list[tuple[str, int, int, dict[str, int], int | None]] = [
    ("Hubei size 19x16 (density 0.5)", 19, 16, {"density": 0.5}, None),
    ("Hubei size 19x16 (density 0.5), leximin 16 levels", 19, 16, {"density": 0.5}, 16),
    ("300x250 (k 20, U 4)", 300, 250, {"donor_nearest": 20, "recipient_max": 4}, None),
    ("300x250 (k 20, U 4), leximin 250 levels", 300, 250,
     {"donor_nearest": 20, "recipient_max": 4}, 250),
    ("1000x800", 1000, 800, {}, None),
    ("1000x800, leximin 800 levels", 1000, 800, {}, 800),
]  # fmt: skip


def problem_of(index: int, seconds: float) -> dict[str, Any]:
    _, donors, recipients, options, levels = INSTANCES[index]
    problem = engine.generate(donors, recipients, seed=0, **options)
    objectives = [engine.Objective("leximin", levels=levels)] if levels else problem.objectives
    return engine.problem_to_dict(
        dataclasses.replace(
            problem,
            objectives=objectives,
            options=dataclasses.replace(problem.options, time_limit_seconds=seconds),
        )
    )


def measure_one(index: int | None, seconds: float) -> dict[str, Any]:
    """Solve instance `index` (None: the baseline, a child that imports the engine and ends) in
    a watched child; the peak resident memory the kernel recorded for it."""
    problem = problem_of(index, seconds) if index is not None else None
    started = time.perf_counter()
    if problem is None:
        baseline = solver_process.multiprocessing.get_context("spawn").Process(
            target=solver_process.resident_mb, args=(0,)
        )
        baseline.start()
        baseline.join()
        row: dict[str, Any] = {"status": "-", "sampled_peak_mb": None}
    else:
        outcome = solver_process.solve(
            problem,
            memory_limit_mb=1 << 20,
            stop=threading.Event(),
            on_progress=lambda step: None,
            on_heartbeat=lambda: None,
        )
        status = outcome.result.status if outcome.result else f"failed: {outcome.failure}"
        row = {"status": status, "sampled_peak_mb": round(outcome.peak_mb)}
    # ru_maxrss is in KiB on Linux; the largest of any child, and this process has had one.
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="each run's time limit")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one measurement
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None or args.baseline:
        print(json.dumps(measure_one(None if args.baseline else args.one, args.seconds)))
        return
    baseline = _in_fresh_process(["--baseline"], args.seconds)
    print(f"Baseline (a spawned child that imports the engine): {baseline['peak_mb']} MB\n")
    print("| instance | status | peak resident MB (kernel) | peak seen by the watch MB | s |")
    print("|---|---|---|---|---|")
    for index, (label, *_) in enumerate(INSTANCES):
        row = _in_fresh_process(["--one", str(index)], args.seconds)
        print(
            f"| {label} | {row['status']} | {row['peak_mb']} | {row['sampled_peak_mb']} "
            f"| {row['seconds']} |",
            flush=True,
        )


def _in_fresh_process(flags: list[str], seconds: float) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *flags, "--seconds", str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    )
    row: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return row


if __name__ == "__main__":
    main()
