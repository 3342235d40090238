"""Benchmark: Hubei-size (19×16) max-min and leximin solve times over several seeds.

    python benchmarks/engine_hubei_size.py [--seeds 10] [--leximin 4]

Target (issue 3): max-min proven optimal with solve time under 1 s at Hubei size; process time
reported apart; leximin's time per level recorded. The baseline in the same run is greedy (its
value and time). Prints Markdown for docs/benchmarks.md. Not part of CI.
"""

from __future__ import annotations

import argparse
import statistics
import time

from pairaid import engine
from pairaid.engine.generate import generate


def level_seconds(steps: list[engine.Progress]) -> list[float]:
    """Seconds per level from the progress payloads (seconds since the run began): the first
    level from the end of the warm start, each later one from the level before."""
    begun = [p.seconds for p in steps if p.stage == "warm_start"][:1]
    ends = [p.seconds for p in steps if p.stage == "level"]
    return [round(end - start, 2) for start, end in zip(begun + ends, ends, strict=False)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--leximin", type=int, default=4, help="levels for the leximin rows")
    parser.add_argument("--density", type=float, default=0.5)
    args = parser.parse_args()
    print("| seed | status | max-min | solve s | process s | levels s | greedy | greedy s |")
    print("|---|---|---|---|---|---|---|---|")
    walls = []
    for seed in range(args.seeds):
        problem = generate(19, 16, seed=seed, density=args.density)
        steps: list[engine.Progress] = []
        result = engine.solve(problem, explain=False, progress=steps.append)
        started = time.perf_counter()
        greedy = engine.solve(problem, backend="greedy", explain=False)
        greedy_seconds = time.perf_counter() - started
        value = result.levels[0].value if result.levels else None
        walls.append(result.seconds)
        print(
            f"| {seed} | {result.status} | {value if value is None else round(value, 4)} "
            f"| {result.seconds:.2f} | {result.process_seconds:.2f} | {level_seconds(steps)} "
            f"| {greedy.levels[0].value if greedy.levels else '—'} | {greedy_seconds:.2f} |",
            flush=True,
        )
    under = sum(1 for w in walls if w < 1.0)
    print(
        f"\nmax-min: median {statistics.median(walls):.2f} s, max {max(walls):.2f} s, "
        f"under 1 s on {under} of {len(walls)} seeds\n"
    )
    print("| seed | leximin levels | status | seconds per level | total s |")
    print("|---|---|---|---|---|")
    for seed in range(min(3, args.seeds)):
        problem = generate(
            19,
            16,
            seed=seed,
            density=args.density,
            objectives=(engine.Objective("leximin", args.leximin),),
        )
        steps = []
        result = engine.solve(problem, explain=False, time_limit_seconds=120, progress=steps.append)
        print(
            f"| {seed} | {args.leximin} | {result.status} | {level_seconds(steps)} | {result.seconds:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
