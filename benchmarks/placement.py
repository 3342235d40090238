"""Benchmark: the placement recommender against the dispatchers' nearest-free-bed rule and, at
the small sizes, a direct MIP of the same model (issue 19, item 5).

    python benchmarks/placement.py [--sizes 0,1,2,3] [--mip-sizes 0,1] [--mip-limit 300]

Generated instances (engine/placement/generate.py, seeded, sparse: each site reaches its 100
nearest facilities). Each method runs in its own process so that its peak memory (max RSS) is its
own. Targets: the recommender lexicographically no worse than the rule on every instance; levels
1 and 2 proven at the largest size within 60 s. Prints Markdown for docs/benchmarks.md. Not CI.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

from pairaid.engine.placement import objectives
from pairaid.engine.placement.direct import direct_mip
from pairaid.engine.placement.generate import generate_placement
from pairaid.engine.placement.nearest import nearest_bed_placement
from pairaid.engine.placement.solve import solve_placement

SIZES = ((100, 3_000), (300, 10_000), (1_000, 33_000), (3_000, 100_000))
SEED = 1


def measure(size: int, method: str, mip_limit: float) -> dict[str, Any]:
    facilities, patients = SIZES[size]
    problem = generate_placement(facilities, patients, seed=SEED)
    started = time.perf_counter()
    record: dict[str, Any] = {"routes": len(problem.routes), "sites": len(problem.sites)}
    if method == "recommender":
        solution = solve_placement(problem)
        placements = list(solution.placements)
        record["setup_s"] = solution.setup_seconds
        record["columns"] = solution.network.columns
        record["levels"] = [
            {
                "name": lv.name,
                "value": lv.value,
                "bound": lv.bound,
                "status": lv.status,
                "s": lv.seconds,
            }
            for lv in solution.levels
        ]
    elif method == "mip":
        placements, levels = direct_mip(problem, time_limit_seconds=mip_limit)
        record["levels"] = [
            {
                "name": lv.name,
                "value": lv.value,
                "bound": lv.bound,
                "status": lv.status,
                "s": lv.seconds,
            }
            for lv in levels
        ]
    else:
        placements = nearest_bed_placement(problem)
    record["seconds"] = time.perf_counter() - started
    value = objectives(problem, placements)
    record["key"] = [float(x) for x in value.key()]
    record["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return record


def run(size: int, method: str, mip_limit: float) -> dict[str, Any]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--method",
            method,
            "--mip-limit",
            str(mip_limit),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def figures(key: list[float]) -> str:
    unplaced = "/".join(str(int(x)) for x in key[:4])
    tiers = "/".join(str(int(x)) for x in key[4:7])
    return f"{unplaced} | {tiers} | {key[7]:.4f} | {key[8]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="0,1,2,3")
    parser.add_argument("--mip-sizes", default="0,1")
    parser.add_argument("--mip-limit", type=float, default=300.0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--method", default="recommender", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.method, args.mip_limit)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    mip_sizes = {int(s) for s in args.mip_sizes.split(",") if s}
    print(
        "| facilities | patients | routes | method | unplaced vent/icu/O2/gen | tier 4/3/2 "
        "| peak share | patient-h | total s | levels 1–2 s | max RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    details = []
    for size in sizes:
        facilities, _ = SIZES[size]
        methods = ["recommender", "nearest"] + (["mip"] if size in mip_sizes else [])
        records = {m: run(size, m, args.mip_limit) for m in methods}
        for method, r in records.items():
            first_two = (
                f"{r.get('setup_s', 0) + sum(lv['s'] for lv in r['levels'][:7]):.1f}"
                if "levels" in r
                else "–"
            )
            print(
                f"| {facilities:,} | {SIZES[size][1]:,} | {r['routes']:,} | {method} | {figures(r['key'])} "
                f"| {r['seconds']:.1f} | {first_two} | {r['max_rss_mb']:.0f} |",
                flush=True,
            )
        no_worse = records["recommender"]["key"] <= records["nearest"]["key"]
        details.append((facilities, no_worse, records))
    print()
    for facilities, no_worse, records in details:
        print(
            f"{facilities:,} facilities: recommender no worse than the nearest-bed rule: {no_worse}"
        )
        for method in ("recommender", "mip"):
            if method in records:
                levels = ", ".join(
                    f"{lv['name']} {lv['value']} [{lv['status']}, bound {lv['bound']}, {lv['s']:.1f} s]"
                    for lv in records[method]["levels"]
                )
                print(f"  {method}: {levels}")


if __name__ == "__main__":
    main()
