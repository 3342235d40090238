"""Benchmark: the bytes the programme map fetches, before and after its boundaries were cut to
the view (clipped to the box, simplified to the pixel size; `dashboard/geometry.py`).

    .venv/bin/python benchmarks/map_geometry.py [--regions 3100] [--src PATH]

1. generates the national bundle (`benchmarks/national_programme.py`, one indicator value per
   region: the map reads none), migrates a fresh SQLite database in a temporary folder and
   loads it with `pairaid scenario load`; hubei-2020 likewise, in a database of its own;
2. per programme, in a child process with this checkout's `src` (or another's, `--src`, e.g.
   `git worktree add /tmp/map-before 1bc8a4c` then `--src /tmp/map-before/src`; the
   database has no migration of this change), reads what the overview's script fetches:
   `map.json` (`dashboard.services.map_json`), then the boundaries. Before the change the page
   asked for `boundaries.json?detail=<the map data's provinces>`: China with those provinces in
   detail, whatever the view. After it, it asks for the recipients' view
   (`?detail=…&box=<the view's surroundings>&px=N`), N being twice the map's larger side in
   device pixels (the box asked for is twice the view's, `pairing/maps.py`): a desktop map
   800 px wide at ratio 1 (N = 1600) and a phone's 420 px high at ratio 2 (N = 1680). Both
   requests are answered by this checkout's endpoint (a request without a box is answered as
   before). The heaviest case the vendored files allow, every vendored province in detail
   (420000, 510000, 610000, 620000: "all detail"), is measured the same way;
3. prints a Markdown table for docs/benchmarks.md: bytes as sent, and gzipped (as a
   compressing proxy would send them). Not part of CI; takes about a minute.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))

from national_programme import SLUG, generate_national  # noqa: E402

VENDORED_DETAIL = ["420000", "510000", "610000", "620000"]
SCREENS = {"desktop": 1600, "phone": 1680}

# Run in the child, with the `src` measured on PYTHONPATH: prints one JSON line per programme.
CHILD = """
import gzip, json, sys
import django
django.setup()
from django.http import JsonResponse
from pairaid.dashboard import boundaries
from pairaid.dashboard import services as dashboard_services
from pairaid.programmes.models import Programme

slug, screens, vendored = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
sizes = {}

def measure(name, body):
    sizes[name] = [len(body), len(gzip.compress(body, 6))]

programme = Programme.objects.get(slug=slug)
body, _ = dashboard_services.map_json(programme)
measure("map.json", body)
data = json.loads(body)
for label, detail in (("", data["detail_provinces"]), (" (all detail)", vendored)):
    measure("boundaries, whole" + label, JsonResponse(boundaries.merged(detail)).content)
    view = (data.get("views") or {}).get("recipients")
    if view and hasattr(boundaries, "for_view"):
        from pairaid.dashboard.geometry import Box
        box = Box(*view["around"])
        for screen, px in screens.items():
            measure(f"boundaries, {screen} view{label}", boundaries.for_view(detail, box, px))
print(json.dumps({"programme": slug, "sizes": sizes, "view": data.get("views")}))
"""


def _env(data_dir: Path, src: Path) -> dict[str, str]:
    env = dict(
        os.environ,
        PAIRAID_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="pairaid.settings",
        PYTHONPATH=str(src),
    )
    env.pop("DATABASE_URL", None)
    return env


def _pairaid(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "pairaid", *args], check=True, env=env, stdout=subprocess.DEVNULL
    )


def measure(slug: str, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            slug,
            json.dumps(SCREENS),
            json.dumps(VENDORED_DETAIL),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    row: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return row


def _kib(n: int) -> str:
    return f"{n / 1024:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=3100)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="map-geometry-") as tmp:
        folder = Path(tmp) / "bundle"
        generate_national(folder, regions=args.regions, indicators=1)
        rows = []
        # One database each: the generated regions' names conflict with the real ones.
        for slug, bundle in ((SLUG, str(folder)), ("hubei-2020", "hubei-2020")):
            data_dir = Path(tmp) / slug
            data_dir.mkdir()
            setup = _env(data_dir, ROOT / "src")
            _pairaid("migrate", "-v0", env=setup)
            _pairaid("scenario", "load", bundle, env=setup)
            rows.append(measure(slug, _env(data_dir, args.src)))
    print(f"Measured: {args.src}\n")
    print("| programme | what is fetched | KiB | KiB gzipped |")
    print("|---|---|---:|---:|")
    for row in rows:
        sizes = row["sizes"]
        assert isinstance(sizes, dict)
        for name, (raw, packed) in sizes.items():
            print(f"| {row['programme']} | {name} | {_kib(raw)} | {_kib(packed)} |")
    for row in rows:
        print(f"\n{row['programme']} views: {json.dumps(row['view'])}")


if __name__ == "__main__":
    main()
