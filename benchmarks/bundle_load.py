"""Benchmark: load a generated national-scale scenario bundle, against a bare bulk insert.

    python benchmarks/bundle_load.py [--regions 3000] [--indicators 30] [--out docs/...]

Generates a bundle of about REGIONS regions (country → 31 provinces → prefectures → counties),
INDICATORS dated indicator values per region, every county a participant and half of them
paired, then times `pairaid scenario load` (validation, history, one transaction) on a fresh
SQLite database, and — in the same run — a baseline that inserts the same regions and indicator
rows with plain `bulk_create` (no validation, no history). Prints a Markdown row for
docs/benchmarks.md. Not part of CI.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(folder: Path, *, regions: int, indicators: int, seed: int = 7) -> dict[str, int]:
    """Write a synthetic national bundle; returns its row counts."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    provinces = [f"{p:02d}0000" for p in range(11, 11 + 31)]
    per_province = max(1, -(-(regions - 32) // 31))
    prefectures_per_province = max(1, per_province // 10)
    rows = [["CN", "", "country", "中国", "China", "", "", "", "gen"]]
    counties: list[str] = []
    for province in provinces:
        rows.append(
            [province, "CN", "province", "", f"Province {province}", "30.0", "110.0", "gen", "gen"]
        )
        for p in range(1, prefectures_per_province + 1):
            prefecture = f"{province[:2]}{p:02d}00"
            rows.append(
                [
                    prefecture,
                    province,
                    "prefecture",
                    "",
                    f"Prefecture {prefecture}",
                    "30",
                    "110",
                    "gen",
                    "gen",
                ]
            )
            counties_here = -(
                -(per_province - prefectures_per_province) // prefectures_per_province
            )
            for c in range(1, counties_here + 1):
                county = f"{prefecture[:4]}{c:02d}"
                rows.append(
                    [
                        county,
                        prefecture,
                        "county",
                        "",
                        f"County {county}",
                        f"{rng.uniform(20, 45):.4f}",
                        f"{rng.uniform(80, 125):.4f}",
                        "gen",
                        "gen",
                    ]
                )
                counties.append(county)
    _write(
        folder / "regions.csv",
        [
            "code",
            "parent",
            "level",
            "name_zh",
            "name_en",
            "latitude",
            "longitude",
            "coordinates_source",
            "source",
        ],
        rows,
    )
    _write(
        folder / "sources.csv",
        ["key", "title", "kind", "method"],
        [["gen", "generated for a benchmark", "derived", "random.Random(7)"]],
    )
    codes = [r[0] for r in rows[1:]]
    indicator_rows = [
        [
            code,
            "confirmed_cases",
            str(rng.randint(0, 5000)),
            f"2020-{1 + day // 28:02d}-{1 + day % 28:02d}",
            "gen",
            "derived",
        ]
        for code in codes
        for day in range(indicators)
    ]
    _write(
        folder / "indicators.csv",
        ["region", "indicator", "value", "as_of", "source", "certainty"],
        indicator_rows,
    )
    donors, recipients = counties[: len(counties) // 2], counties[len(counties) // 2 :]
    _write(
        folder / "participants.csv",
        ["region", "role"],
        [[c, "donor"] for c in donors] + [[c, "recipient"] for c in recipients],
    )
    _write(
        folder / "capacities.csv",
        ["region", "resource_type", "quantity", "as_of", "source", "certainty"],
        [
            [c, "medical_staff", str(rng.randint(10, 900)), "2020-02-10", "gen", "derived"]
            for c in donors
        ],
    )
    _write(
        folder / "needs.csv",
        ["region", "resource_type", "quantity", "as_of", "source", "certainty"],
        [
            [c, "medical_staff", str(rng.randint(10, 900)), "2020-02-10", "gen", "derived"]
            for c in recipients
        ],
    )
    pairs = list(zip(donors, recipients, strict=False))
    _write(
        folder / "pairings.csv",
        ["donor", "recipient", "status", "valid_from", "origin", "source"],
        [[d, r, "active", "2020-02-10", "manual", "gen"] for d, r in pairs],
    )
    manifest = {
        "format_version": 1,
        "kind": "programme",
        "data_version": "1",
        "country": "CN",
        "programme": {
            "slug": "national-benchmark",
            "name_en": "Generated national programme (benchmark)",
            "kind": "medical_emergency",
            "period_start": "2020-02-10",
            "currency": "CNY",
            "status": "active",
            "rules": {"max_donors_per_recipient": 2, "max_recipients_per_donor": 3},
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return {
        "regions": len(rows),
        "indicators": len(indicator_rows),
        "participants": len(counties),
        "pairings": len(pairs),
    }


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


BASELINE = """
import csv, datetime, sys, time
from decimal import Decimal
import django
django.setup()
from pairaid.registry.models import Region, RegionalIndicator, IndicatorType, Source
folder = sys.argv[1]
started = time.perf_counter()
source = Source.objects.create(key="gen", title="generated", kind="derived")
by_code = {}
for row in csv.DictReader(open(f"{folder}/regions.csv", encoding="utf-8")):
    parent = by_code.get(row["parent"]) if row["parent"] else None
    region = Region(
        country="CN", code=row["code"], parent=parent, level=row["level"],
        name_en=row["name_en"], source=source,
    )
    by_code[row["code"]] = region
    if row["level"] == "country" or parent is not None:
        Region.objects.bulk_create([region])
cases = IndicatorType.objects.get(code="confirmed_cases")
values = [
    RegionalIndicator(
        region=by_code[r["region"]], indicator=cases, value=Decimal(r["value"]),
        as_of=datetime.date.fromisoformat(r["as_of"]), source=source,
    )
    for r in csv.DictReader(open(f"{folder}/indicators.csv", encoding="utf-8"))
]
RegionalIndicator.objects.bulk_create(values, batch_size=500)
print(time.perf_counter() - started)
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(
        os.environ, PAIRAID_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="pairaid.settings"
    )
    env.pop("DATABASE_URL", None)
    return env


def _pairaid(*args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pairaid", *args], check=True, env=env, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        counts = generate(root / "bundle", regions=args.regions, indicators=args.indicators)
        ours_env, base_env = _env(root / "ours"), _env(root / "base")
        for env in (ours_env, base_env):
            Path(env["PAIRAID_DATA_DIR"]).mkdir()
            _pairaid("migrate", "-v0", env=env)
        load = _pairaid("scenario", "load", str(root / "bundle"), env=ours_env)
        reload = _pairaid("scenario", "load", str(root / "bundle"), env=ours_env)
        baseline = subprocess.run(
            [sys.executable, "-c", BASELINE, str(root / "bundle")],
            check=True,
            env=base_env,
            capture_output=True,
            text=True,
        )
        base_seconds = float(baseline.stdout.strip().splitlines()[-1])
    print(f"rows: {counts}")
    print(
        "| bundle | load (validate + history, one transaction) | reload (no-op) "
        "| baseline: bulk_create of regions + indicators only |"
    )
    print("|---|---|---|---|")
    print(
        f"| {counts['regions']:,} regions, {counts['indicators']:,} indicator values, "
        f"{counts['participants']:,} participants, {counts['pairings']:,} pairings "
        f"| {load:.1f} s | {reload:.1f} s | {base_seconds:.1f} s |"
    )


if __name__ == "__main__":
    main()
