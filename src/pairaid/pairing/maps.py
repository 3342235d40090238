"""The data of the programme map, one shape for every page that draws pairs on it (the overview,
a plan run, and later the transfers): who takes part and where, one or more plans (the pairs
and the coverage each gives), the views to fit and the provinces to show in detail.

    {"participants": [{"id", "code", "name_en", "name_zh", "coord": [lon, lat] or null,
                       "approximate": the coord is the parent region's, "role"}],
     "plans": [{"key": "in_force" | "proposed", "pairs": [[donor id, recipient id]],
                "coverage": {recipient id: value}}],
     "views": {"recipients": [west, south, east, north] or null, "all": [...] or null},
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
            {
                "id": key,
                "code": p.region.code,
                "name_en": p.region.name_en,
                "name_zh": p.region.name_zh,
                "coord": located[key],
                "approximate": _approximate(p),
                "role": p.role,
            }
            for key, p in sorted(participants.items())
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
            "recipients": view_box([located[key] for key in recipients]),
            "all": view_box(list(located.values())),
        },
        "detail_provinces": sorted(
            {
                participants[key].region.code[:2] + "0000"
                for key in recipients
                if participants[key].region.code
            }
        ),
    }


def _coord(participant: Participant) -> list[float] | None:
    """Where the participant is drawn: its region's point, or for an area without one (a
    code-less area such as Shaanxi's seriously affected areas) its parent's, marked
    `approximate` in the data."""
    region = participant.region
    for place in (region, region.parent):
        if place is not None and place.latitude is not None and place.longitude is not None:
            return [float(place.longitude), float(place.latitude)]
    return None


def _approximate(participant: Participant) -> bool:
    region = participant.region
    return region.latitude is None or region.longitude is None


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
