"""Boundary data for the map: vendored files, or a deployment's approved base map (审图号).

A deployment replaces the base map by pointing PAIRAID_BASEMAP_DIR at a folder with files of the
same names (`china-provinces.json`, and `<province code>.json` with its prefectures/counties),
each a GeoJSON FeatureCollection whose features carry `properties.code` (GB/T 2260).
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

VENDORED = (
    Path(__file__).resolve().parent.parent / "web" / "static" / "pairaid" / "vendor" / "boundaries"
)


def boundary_dir() -> Path:
    custom = getattr(settings, "PAIRAID_BASEMAP_DIR", "")
    return Path(custom) if custom else VENDORED


@lru_cache(maxsize=32)
def _load(path: Path, modified: float) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _read(name: str) -> dict[str, Any] | None:
    path = boundary_dir() / name
    if not path.is_file():
        return None
    return _load(path, path.stat().st_mtime)


def merged(detail_provinces: list[str]) -> dict[str, Any]:
    """China's provinces, with each listed province replaced by its own units where available."""
    base = _read("china-provinces.json") or {"type": "FeatureCollection", "features": []}
    features: list[dict[str, Any]] = []
    detailed = {code: _read(f"{code}.json") for code in detail_provinces}
    for feature in base["features"]:
        code = str(feature.get("properties", {}).get("code", ""))
        inner = detailed.get(code)
        features.extend(inner["features"] if inner else [feature])
    return {"type": "FeatureCollection", "features": features}


def tag(detail_provinces: list[str]) -> str:
    """A tag (ETag) that changes when any file behind `merged(detail_provinces)` changes."""
    folder = boundary_dir()
    names = ["china-provinces.json", *(f"{code}.json" for code in sorted(detail_provinces))]
    stamps = [
        f"{name}:{path.stat().st_mtime_ns}" if (path := folder / name).is_file() else name
        for name in names
    ]
    return hashlib.sha256("|".join([str(folder), *stamps]).encode()).hexdigest()[:32]
