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

from pairaid.dashboard import geometry

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


def for_view(detail_provinces: list[str], box: geometry.Box, px: int) -> bytes:
    """`merged(detail_provinces)` cut to a view: clipped to its box and simplified to its pixel
    size (`geometry.fit`), as JSON. Kept per files, box and size: a page asks for the same
    view again and again, and fitting a national collection takes a good part of a second."""
    return _fitted(tag(detail_provinces, box, px), tuple(sorted(detail_provinces)), box, snap(px))


def snap(px: int) -> int:
    """The pixel size rounded up to a hundred, within the bounds the fitting takes: screens
    differ by a few pixels, and each size would be a view of its own to fit and cache."""
    px = min(max(px, geometry.MIN_PX), geometry.MAX_PX)
    return min(geometry.MAX_PX, -(-px // 100) * 100)


@lru_cache(maxsize=32)
def _fitted(files_tag: str, detail_provinces: tuple[str, ...], box: geometry.Box, px: int) -> bytes:
    fitted = geometry.fit(merged(list(detail_provinces)), box, px)
    return json.dumps(fitted, ensure_ascii=False, separators=(",", ":")).encode()


def tag(detail_provinces: list[str], box: geometry.Box | None = None, px: int = 0) -> str:
    """A tag (ETag) that changes when any file behind `merged(detail_provinces)` changes, or
    the view it is cut to (`for_view`)."""
    folder = boundary_dir()
    names = ["china-provinces.json", *(f"{code}.json" for code in sorted(detail_provinces))]
    stamps = [
        f"{name}:{path.stat().st_mtime_ns}" if (path := folder / name).is_file() else name
        for name in names
    ]
    view = [box.text(), str(snap(px))] if box else []
    return hashlib.sha256("|".join([str(folder), *stamps, *view]).encode()).hexdigest()[:32]
