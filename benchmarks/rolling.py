"""Benchmark: a 4-step rolling re-plan of hubei-2020 (19 donors x 16 recipients; issue 20: under
30 s), against the static plan's solve in the same run (the baseline: one max-min solve of the
first step's instance, the same time limit and seed).

    python benchmarks/rolling.py [--steps 4] [--every 7] [--repeats 3] [--paths 200]
                                 [--time-limit 10]

One rolling re-plan = each step's instance built as of its date, its 16 forecasts (renewal,
`--paths` sample paths), the staff need at the 0.8 quantile of the projected peak, and a
deterministic max-min solve under the churn budget (`pairaid.pairing.rolling.rolling_of`, the
code `pairaid forecast rolling` runs). The valuation beside the static plan is timed apart.
Sets up its own SQLite database in a temporary folder (migrate, load hubei-2020 and its
illustrative overlay), so it needs a few minutes before the timed part. Wall clock
(perf_counter). Prints a Markdown table for docs/benchmarks.md. Not part of CI.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = datetime.date(2020, 2, 3)


def _pairaid(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pairaid", *args], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--every", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--paths", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PAIRAID_DATA_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        os.environ["DJANGO_SETTINGS_MODULE"] = "pairaid.settings"
        _pairaid("migrate", "-v0")
        _pairaid("scenario", "load", "hubei-2020")
        _pairaid("scenario", "load", "hubei-2020-demo")
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from pairaid import engine
    from pairaid.forecast import rolling
    from pairaid.forecast.need import ForecastNeedBasis
    from pairaid.pairing import rolling as programme_rolling
    from pairaid.pairing import runs
    from pairaid.programmes.models import Programme

    programme = Programme.objects.get(slug="hubei-2020")
    schedule = rolling.Schedule(FIRST, args.steps, args.every)
    static, rolled, valued = [], [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        build = runs.build(
            programme,
            programme_rolling.step_options(FIRST, 0, args.time_limit),
            store_derived_needs=False,
        )
        engine.solve(build.problem, time_limit_seconds=args.time_limit, deterministic=True)
        static.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = programme_rolling.rolling_of(
            programme,
            schedule,
            basis=ForecastNeedBasis(),
            paths=args.paths,
            time_limit_seconds=args.time_limit,
        )
        rolled.append(time.perf_counter() - started)
        started = time.perf_counter()
        programme_rolling.compare(programme, result, paths=args.paths)
        valued.append(time.perf_counter() - started)
    statuses = ", ".join(step.plan.status for step in result.plan.steps)
    print(f"steps: {statuses}; {os.cpu_count()} CPUs")
    print("| what | median s | max s |")
    print("|---|---:|---:|")
    for name, seconds in (
        ("static plan: build + one max-min solve (baseline)", static),
        (f"rolling re-plan: {args.steps} steps every {args.every} days", rolled),
        ("valuation of both on the observed record", valued),
    ):
        print(f"| {name} | {statistics.median(seconds):.2f} | {max(seconds):.2f} |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
