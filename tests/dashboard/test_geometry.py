"""Boundary geometry cut to a map view: clipping to a box, Douglas–Peucker, rounding."""

import itertools
import math

import pytest

from pairaid.dashboard import geometry
from pairaid.dashboard.geometry import Box

SQUARE = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]


def _area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring))) / 2


def test_a_ring_is_cut_to_the_box_and_stays_closed() -> None:
    cut = geometry.clip(SQUARE, Box(2, 1, 10, 3))
    assert cut[0] == cut[-1]
    assert all(2 <= x <= 10 and 1 <= y <= 3 for x, y in cut)
    assert _area(cut) == pytest.approx(2 * 2)  # x 2..4, y 1..3


def test_a_ring_inside_the_box_is_unchanged_and_one_outside_is_gone() -> None:
    assert geometry.clip(SQUARE, Box(-1, -1, 5, 5)) == SQUARE
    assert geometry.clip(SQUARE, Box(10, 10, 20, 20)) == []


def test_an_edge_crossing_the_box_gets_a_point_where_it_crosses() -> None:
    triangle = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0), (0.0, 0.0)]
    cut = geometry.clip(triangle, Box(0, 0, 4, 10))
    assert (4.0, 0.0) in cut and (4.0, 6.0) in cut
    assert _area(cut) == pytest.approx(4 * 10 - 4 * 4 / 2)


def test_douglas_peucker_drops_the_bends_within_the_tolerance() -> None:
    wavy = [(x / 10, 0.01 * math.sin(x)) for x in range(101)]
    assert geometry.simplify(wavy, 0.05) == [wavy[0], wavy[-1]]
    kept = geometry.simplify(wavy, 0.001)
    assert 2 < len(kept) < len(wavy)
    corner = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (2.0, 2.0)]
    assert geometry.simplify(corner, 0.1) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)]


def test_a_closed_ring_keeps_its_far_side() -> None:
    """A ring starts and ends at one point: the farthest point from it is kept, not lost to a
    zero-length segment."""
    assert geometry.simplify(SQUARE, 0.1) == SQUARE


def test_rounding_drops_the_repeats_it_makes() -> None:
    line = [(1.0001, 2.0), (1.0002, 2.0), (1.5, 2.25)]
    assert geometry.quantise(line, 2) == [(1.0, 2.0), (1.5, 2.25)]


def test_the_decimals_follow_the_pixel_size() -> None:
    assert geometry.decimals(0.01) == 3  # a pixel of 0.01°: 0.001° keeps within a quarter
    assert geometry.decimals(0.1) == 2
    assert geometry.pixel_degrees(Box(100, 20, 120, 30), 800) == pytest.approx(20 / 800)


def test_fit_keeps_the_features_in_the_box_and_their_properties() -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "1", "name": "in"},
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in SQUARE]]},
            },
            {
                "type": "Feature",
                "properties": {"code": "2", "name": "out"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[50, 50], [51, 50], [51, 51], [50, 50]]]],
                },
            },
            {
                "type": "Feature",
                "properties": {"code": "3", "name": "half"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [[list(p) for p in SQUARE]],
                        [[[60, 60], [61, 60], [61, 61], [60, 60]]],
                    ],
                },
            },
        ],
    }
    fitted = geometry.fit(collection, Box(1, 1, 3, 3), 100)
    assert [f["properties"] for f in fitted["features"]] == [
        {"code": "1", "name": "in"},
        {"code": "3", "name": "half"},
    ]
    assert {f["geometry"]["type"] for f in fitted["features"]} == {"Polygon"}
    ring = fitted["features"][0]["geometry"]["coordinates"][0]
    assert sorted(map(tuple, ring[:-1])) == [(1, 1), (1, 3), (3, 1), (3, 3)]


def test_an_island_smaller_than_a_pixel_is_dropped() -> None:
    speck = [[10.0, 10.0], [10.001, 10.0], [10.001, 10.001], [10.0, 10.0]]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [speck]},
            }
        ],
    }
    assert geometry.fit(collection, Box(0, 0, 20, 20), 200)["features"] == []


@pytest.mark.parametrize(
    "text", ["1,2,3", "1,2,3,x", "5,0,1,1", "0,5,1,1", "-200,0,1,1", "nan,0,1,1"]
)
def test_a_box_must_be_four_numbers_in_order(text: str) -> None:
    with pytest.raises(ValueError):
        Box.parse(text)


def test_a_box_reads_and_writes_the_query_form() -> None:
    box = Box.parse("108.2,29,116.2,33.3")
    assert box == Box(108.2, 29, 116.2, 33.3)
    assert Box.parse(box.text()) == box
