"""The data of the programme map, one shape for every page that draws pairs on it (the overview,
a plan run, and later the transfers): who takes part and where, one or more plans (the pairs
and the coverage each gives), the views to fit and the provinces to show in detail.

    {"participants": [{"id", "code", "name" (in the active language), "coord": [lon, lat] or
                       null, "role", "approximate": true where the coord is the parent's}],
     "plans": [{"key": "in_force" | "proposed", "pairs": [[donor id, recipient id]],
                "coverage": {recipient id: value}}],
     "views": {"recipients": {"box": [west, south, east, north], "around": [...]} or null,
               "all": {...} or null},
     "detail_provinces": ["420000", ...]}

Ids are engine ids (`translate.engine_id`), so a code-less area (a county without a GB/T 2260
code) has one too; such an area has no boundary to shade and is drawn as its point (its
parent's where it has none of its own). The page's
script (`dashboard.js`) draws the map and writes the table beside it from this data, with the
names in the user's language.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pairaid.labels import local_name
from pairaid.programmes.models import Participant

IN_FORCE = "in_force"
PROPOSED = "proposed"

MARGIN = 0.12  # of a view's size, added on each side so that no point sits on its edge
LEAST_DEGREES = 0.5  # the narrowest view: a single county still shows its neighbours


@dataclass(frozen=True)
class Plan:
    """One plan drawn on the map: its pairs (engine ids) and each recipient's coverage."""

    key: str
    pairs: Iterable[tuple[str, str]]
    coverage: Mapping[str, float | None]


def map_data(participants: Mapping[str, Participant], plans: Sequence[Plan]) -> dict[str, Any]:
    """The map's data for the participants (engine id -> participant, region loaded) and the
    plans, in the order the page offers them."""
    located = {key: _coord(p) for key, p in participants.items()}
    recipients = [key for key, p in participants.items() if p.role == Participant.Role.RECIPIENT]
    return {
        "participants": [
            _participant(key, p, located[key]) for key, p in sorted(participants.items())
        ],
        "plans": [
            {
                "key": plan.key,
                "pairs": sorted(
                    [d, r] for d, r in plan.pairs if d in participants and r in participants
                ),
                "coverage": {
                    key: round(value, 6)
                    for key, value in plan.coverage.items()
                    if value is not None and key in participants
                },
            }
            for plan in plans
        ],
        "views": {
            "recipients": view(view_box([located[key] for key in recipients])),
            "all": view(view_box(list(located.values()))),
        },
        "detail_provinces": sorted(
            {
                participants[key].region.code[:2] + "0000"
                for key in recipients
                if participants[key].region.code
            }
        ),
    }


def _participant(key: str, participant: Participant, coord: list[float] | None) -> dict[str, Any]:
    """A participant on the map, named in the active language. Thousands of them at national
    scale: what is the same for most (not approximate) is said only where it differs."""
    region = participant.region
    shown: dict[str, Any] = {
        "id": key,
        "code": region.code,
        "name": local_name(region),
        "coord": coord,
        "role": participant.role,
    }
    if _approximate(participant):
        shown["approximate"] = True
    return shown


def _coord(participant: Participant) -> list[float] | None:
    """Where the participant is drawn: its region's point, or for an area without one (a
    code-less area such as Shaanxi's seriously affected areas) its parent's, marked
    `approximate` in the data."""
    region = participant.region
    for place in (region, region.parent):
        if place is not None and place.latitude is not None and place.longitude is not None:
            # Four decimals place a point within 11 m, far finer than any map shows.
            return [round(float(place.longitude), 4), round(float(place.latitude), 4)]
    return None


def _approximate(participant: Participant) -> bool:
    region = participant.region
    return region.latitude is None or region.longitude is None


def view(box: list[float] | None) -> dict[str, list[float]] | None:
    """A view: the box the map fits (`box`), and the one whose boundaries it asks for
    (`around`: half the box's size more on each side, so that the map fills its frame and a
    little panning shows no cut edge)."""
    if box is None:
        return None
    west, south, east, north = box
    half_x, half_y = (east - west) / 2, (north - south) / 2
    around = [
        max(-180.0, _floor(west - half_x)),
        max(-90.0, _floor(south - half_y)),
        min(180.0, _ceil(east + half_x)),
        min(90.0, _ceil(north + half_y)),
    ]
    return {"box": box, "around": around}


def view_box(coords: Sequence[list[float] | None]) -> list[float] | None:
    """The box `[west, south, east, north]` that fits the points, with a margin and at least
    `LEAST_DEGREES` wide and high; none without a located point."""
    points = [c for c in coords if c is not None]
    if not points:
        return None
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    pad_x = max((east - west) * MARGIN, (LEAST_DEGREES - (east - west)) / 2)
    pad_y = max((north - south) * MARGIN, (LEAST_DEGREES - (north - south)) / 2)
    # Rounded to a tenth of a degree outwards: the box keys the boundaries' cache.
    return [
        max(-180.0, _floor(west - pad_x)),
        max(-90.0, _floor(south - pad_y)),
        min(180.0, _ceil(east + pad_x)),
        min(90.0, _ceil(north + pad_y)),
    ]


def _floor(value: float) -> float:
    return float(int(value * 10 // 1)) / 10


def _ceil(value: float) -> float:
    return float(-int(-value * 10 // 1)) / 10
