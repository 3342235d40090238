"""Benchmark: forecasting all 16 recipients of hubei-2020 for one origin (issue 20: under 2 s),
the renewal model against the persistence baseline in the same run; and the value of a plan,
1,000 sample paths x 3 plans x 16 recipients (issue 20: under 10 s), against forecasting the
same recipients alone (the baseline: what valuing adds to it).

    python benchmarks/forecast.py [--origins 2020-02-05,2020-02-12,2020-02-20,2020-03-01]
                                  [--repeats 5] [--paths 1000]

One forecast = 1,000 joint sample paths over 14 days, and the 23 quantiles of both targets at
both horizons. Each origin is timed `--repeats` times (wall clock, perf_counter); prints a
Markdown table for docs/benchmarks.md. Not part of CI.

The value benchmark gives every recipient the same synthetic beds and staff (hubei-2020 has
none sourced; the figures only make the model do its full work, and no result is read from
them): 3 plans of 0, 100 and 300 staff each, every setting of the sensitivity table.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time
from fractions import Fraction
from pathlib import Path

from pairaid import forecast
from pairaid.engine.staffing import CareRatio
from pairaid.forecast import value
from pairaid.forecast.backtest import HUBEI_2020_RECIPIENTS
from pairaid.forecast.records import read_series_file

# The bundle's daily record, read as a file: the forecast library needs no Django to run.
HUBEI_SERIES = (
    Path(__file__).resolve().parents[1] / "src/pairaid/scenarios/bundles/hubei-2020/case_counts.csv"
)


def all_recipients_once(series, origin: datetime.date, method: str, paths: int) -> float:
    started = time.perf_counter()
    for code, _ in HUBEI_2020_RECIPIENTS:
        sample_paths = forecast.forecast(series[code], origin, method, paths=paths, seed=0)
        forecast.quantile_forecasts(sample_paths, (7, 14))
    return time.perf_counter() - started


SYNTHETIC_CARE = value.LocalCare(
    {"general": 600, "oxygen": 200, "icu": 20, "icu_ventilated": 10},
    ventilators=12,
    staff={"doctor": 150, "nurse": 400, "icu_doctor": 10, "icu_nurse": 30},
    illustrative=True,
)
ICU_RATIOS = {t: CareRatio(Fraction(4, 5), Fraction(3)) for t in ("icu", "icu_ventilated")}
AID_MIX = value.AidMix(1003 / 2897, 1681 / 2897)  # the arrivals of 2020-02-12


def value_once(series, origin: datetime.date, paths: int, plans: int) -> float:
    started = time.perf_counter()
    arrival = origin + datetime.timedelta(days=2)
    value.value_plans(
        series,
        dict.fromkeys(series, SYNTHETIC_CARE),
        [
            value.PlanStaff(f"plan {n}", dict.fromkeys(series, 100 * n), arrival)
            for n in range(plans)
        ],
        AID_MIX,
        ICU_RATIOS,
        origin=origin,
        paths=paths,
    )
    return time.perf_counter() - started


def forecast_paths_once(series, origin: datetime.date, paths: int) -> float:
    """The baseline of the value benchmark: the same forecasts, nothing valued."""
    started = time.perf_counter()
    for code in series:
        forecast.forecast(series[code], origin, "renewal", paths=paths, seed=0)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--origins", default="2020-02-05,2020-02-12,2020-02-20,2020-03-01")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--paths", type=int, default=forecast.SAMPLE_PATHS)
    options = parser.parse_args()
    every_place = read_series_file(HUBEI_SERIES)
    series = {code: every_place[code].series for code, _ in HUBEI_2020_RECIPIENTS}
    all_recipients_once(series, datetime.date(2020, 2, 5), "renewal", 10)  # imports, caches
    print(f"load average {os.getloadavg()[0]:.1f}; {options.paths} paths; {options.repeats} runs")
    print("| origin | method | median s (16 recipients) | max s | per recipient, ms |")
    print("|---|---|---:|---:|---:|")
    for text in options.origins.split(","):
        origin = datetime.date.fromisoformat(text)
        for method in ("renewal", "persistence"):
            runs = [
                all_recipients_once(series, origin, method, options.paths)
                for _ in range(options.repeats)
            ]
            median = statistics.median(runs)
            print(
                f"| {origin} | {method} | {median:.3f} | {max(runs):.3f} "
                f"| {1000 * median / len(series):.1f} |"
            )
    print()
    print(f"Value of a plan: {options.paths} paths x 3 plans x {len(series)} recipients")
    print("| origin | what | median s | max s |")
    print("|---|---|---:|---:|")
    for text in options.origins.split(","):
        origin = datetime.date.fromisoformat(text)
        for what, run in (
            (
                "forecast alone (baseline)",
                lambda origin=origin: forecast_paths_once(series, origin, options.paths),
            ),
            (
                "forecast + value, 3 plans x 3 settings",
                lambda origin=origin: value_once(series, origin, options.paths, 3),
            ),
        ):
            runs = [run() for _ in range(options.repeats)]
            print(f"| {origin} | {what} | {statistics.median(runs):.3f} | {max(runs):.3f} |")


if __name__ == "__main__":
    main()
