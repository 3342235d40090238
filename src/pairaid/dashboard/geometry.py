"""Boundary geometry cut to what a map view shows: clipped to the view's box, simplified to its
pixel size, coordinates rounded to that precision.

A map of Hubei's sixteen cities needs Hubei in detail and the edges of its neighbours, not the
whole of China at the finest detail: what a view cannot show (shapes outside the box, bends
smaller than a pixel, digits finer than a pixel) is not sent. Pure Python, GeoJSON in and out.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Point = tuple[float, float]
Ring = list[Point]

MIN_PX = 50  # a view narrower than this is no map
MAX_PX = 4000  # wider than any screen at twice its density


@dataclass(frozen=True)
class Box:
    """A view's box in degrees: west, south, east, north."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> "Box":
        """`minlon,minlat,maxlon,maxlat`, as the boundaries endpoint takes it; ValueError if not
        four numbers of a box on the globe with its sides in order."""
        parts = [float(part) for part in text.split(",")]
        if len(parts) != 4 or not all(math.isfinite(part) for part in parts):
            raise ValueError("a box is four numbers: west, south, east, north")
        box = cls(*parts)
        if not (-180 <= box.west < box.east <= 180 and -90 <= box.south < box.north <= 90):
            raise ValueError("a box runs from west to east and south to north, in degrees")
        return box

    def as_list(self) -> list[float]:
        return [self.west, self.south, self.east, self.north]

    def text(self) -> str:
        return ",".join(f"{value:g}" for value in self.as_list())

    def meets(self, other: "Box") -> bool:
        return not (
            other.east < self.west
            or other.west > self.east
            or other.north < self.south
            or other.south > self.north
        )


def pixel_degrees(box: Box, px: int) -> float:
    """The degrees one pixel spans across the box's wider side, the view `px` pixels wide."""
    px = min(max(px, MIN_PX), MAX_PX)
    return max(box.east - box.west, box.north - box.south) / px


def fit(collection: dict[str, Any], box: Box, px: int) -> dict[str, Any]:
    """The features of a FeatureCollection that show in the box, clipped to it, simplified to
    a pixel and rounded to its precision; properties kept as they are."""
    tolerance = pixel_degrees(box, px)
    digits = decimals(tolerance)
    features = []
    for feature in collection.get("features", []):
        geometry = _fit_geometry(feature.get("geometry") or {}, box, tolerance, digits)
        if geometry is not None:
            features.append(
                {
                    "type": "Feature",
                    "properties": feature.get("properties", {}),
                    "geometry": geometry,
                }
            )
    return {"type": "FeatureCollection", "features": features}


def decimals(tolerance: float) -> int:
    """The decimals that keep a coordinate within a quarter of the tolerance (0 to 6)."""
    return min(6, max(0, math.ceil(-math.log10(tolerance / 4))))


def _fit_geometry(
    geometry: dict[str, Any], box: Box, tolerance: float, digits: int
) -> dict[str, Any] | None:
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return None
    kept = [
        polygon
        for polygon in (_fit_polygon(rings, box, tolerance, digits) for rings in polygons)
        if polygon
    ]
    if not kept:
        return None
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


def _fit_polygon(
    rings: list[list[list[float]]], box: Box, tolerance: float, digits: int
) -> list[list[list[float]]]:
    """A polygon's rings cut to the box; none if its outer ring falls outside or shrinks to
    less than a triangle (an island smaller than a pixel)."""
    fitted = []
    for index, ring in enumerate(rings):
        points = [(float(x), float(y)) for x, y, *_ in ring]
        if not points or not box.meets(_bounds(points)):
            if index == 0:
                return []
            continue
        shaped = quantise(simplify(clip(points, box), tolerance), digits)
        if len(shaped) < 4:
            if index == 0:
                return []
            continue
        fitted.append([[x, y] for x, y in shaped])
    return fitted


def _bounds(points: Sequence[Point]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def clip(ring: Ring, box: Box) -> Ring:
    """A closed ring clipped to the box (Sutherland–Hodgman: a polygon cut by each of the box's
    four sides in turn). The result is closed; a ring wholly outside gives an empty one."""
    edges: list[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]]] = [
        (lambda p: p[0] >= box.west, lambda a, b: _at_x(a, b, box.west)),
        (lambda p: p[0] <= box.east, lambda a, b: _at_x(a, b, box.east)),
        (lambda p: p[1] >= box.south, lambda a, b: _at_y(a, b, box.south)),
        (lambda p: p[1] <= box.north, lambda a, b: _at_y(a, b, box.north)),
    ]
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    for inside, cross in edges:
        if not points:
            break
        cut: Ring = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    cut.append(cross(previous, point))
                cut.append(point)
            elif inside(previous):
                cut.append(cross(previous, point))
            previous = point
        points = cut
    return [*points, points[0]] if points else []


def _at_x(a: Point, b: Point, x: float) -> Point:
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def simplify(line: Ring, tolerance: float) -> Ring:
    """Douglas–Peucker: the fewest of the line's points that keep it within `tolerance` of the
    original; the ends are kept (a ring stays closed). Iterative: a national border has tens
    of thousands of points, too deep for recursion."""
    if len(line) < 3:
        return list(line)
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = 0, 0.0
        for index in range(first + 1, last):
            gap = _distance(line[index], line[first], line[last])
            if gap > distance:
                farthest, distance = index, gap
        if distance > tolerance:
            keep[farthest] = True
            stack.extend([(first, farthest), (farthest, last)])
    return [point for point, kept in zip(line, keep, strict=True) if kept]


def _distance(point: Point, start: Point, end: Point) -> float:
    """How far the point lies from the segment start–end (from `start` if they coincide, as
    the two ends of a closed ring do)."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(point[0] - start[0], point[1] - start[1])
    t = max(0.0, min(1.0, ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length))
    return math.hypot(point[0] - start[0] - t * dx, point[1] - start[1] - t * dy)


def quantise(line: Ring, digits: int) -> Ring:
    """The points rounded to `digits` decimals, without the repeats rounding makes."""
    rounded: Ring = []
    for x, y in line:
        point = (round(x, digits), round(y, digits))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded
