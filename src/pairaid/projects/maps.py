"""The 3W on the map (projects/three_w.html, `pairaid/three_w_map.js`): each place with
projects, drawn at its own point or, for a township without one, its nearest located parent's
(marked approximate); each donor at its region; a line from a donor to each place it builds in.

    {"places": [{"id": region reference, "name" (active language), "coord": [lon, lat] or
                 null, "approximate": bool, "cells": [{"donor", "sector", "projects",
                 "budget"}]}],
     "donors": [{"id": region reference, "name", "coord"}],
     "lines": [[donor id, place id]],
     "view": {"box", "around"} or null (pairing.maps.view), "detail_provinces": [...]}
"""

from typing import Any

from pairaid.labels import local_name
from pairaid.pairing import maps
from pairaid.projects.queries import Cell
from pairaid.registry.models import Region


def located(region: Region) -> tuple[list[float] | None, bool]:
    """The region's point, or its nearest located parent's (then approximate)."""
    node: Region | None = region
    while node is not None:
        if node.latitude is not None and node.longitude is not None:
            return [round(float(node.longitude), 4), round(float(node.latitude), 4)], node != region
        node = node.parent
    return None, False


def _province_code(region: Region) -> str:
    node: Region | None = region
    while node is not None and not node.code:
        node = node.parent
    return node.code[:2] + "0000" if node is not None else ""


def map_data(cells: list[Cell]) -> dict[str, Any]:
    places: dict[str, dict[str, Any]] = {}
    donors: dict[str, dict[str, Any]] = {}
    lines: set[tuple[str, str]] = set()
    for cell in cells:
        place, donor = cell.place.reference, cell.donor.region.reference
        if place not in places:
            coord, approximate = located(cell.place)
            places[place] = {
                "id": place,
                "name": local_name(cell.place),
                "coord": coord,
                "approximate": approximate,
                "cells": [],
            }
        places[place]["cells"].append(
            {
                "donor": local_name(cell.donor.region),
                "sector": str(cell.sector.label),
                "projects": cell.projects,
                "budget": float(cell.budget),
            }
        )
        if donor not in donors:
            donors[donor] = {
                "id": donor,
                "name": local_name(cell.donor.region),
                "coord": located(cell.donor.region)[0],
            }
        lines.add((donor, place))
    regions = [cell.place for cell in cells]
    return {
        "places": list(places.values()),
        "donors": list(donors.values()),
        "lines": sorted([d, p] for d, p in lines),
        "view": maps.view(maps.view_box([p["coord"] for p in places.values()])),
        "detail_provinces": sorted({code for code in map(_province_code, regions) if code}),
    }
