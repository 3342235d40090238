"""The map of a placement recommendation (operations/placement.html, `pairaid/placement_map.js`):
the regions its lines join, each receiving region's point with the farthest tier its patients
come at, and an arc per line from where its patients wait to the region that receives them.

    {"regions": [{"id": region reference, "code", "name" (active language), "coord": [lon, lat]
                  or null}],
     "receivers": [{"region": id, "tier": farthest tier, "patients": n}],
     "arcs": [{"line": 1-based line, "from": region id, "to": region id, "patients", "tier"}],
     "view": {"box": [...], "around": [...]} or null (pairing.maps.view),
     "detail_provinces": ["420000", ...]}

Facilities have no coordinates of their own: a facility is drawn at its recipient's region, as
the problem measures its travel (queries.placement)."""

from typing import Any

from pairaid.labels import local_name
from pairaid.operations.models import Facility, PlacementRecommendation
from pairaid.operations.queries import placement as placement_queries
from pairaid.pairing import maps
from pairaid.programmes.models import Participant
from pairaid.registry.models import Region

TIERS = (1, 2, 3, 4)  # engine.tiers: region, parent region, cluster, programme


def _regions_of(result: dict[str, Any]) -> dict[str, Region]:
    """Engine id (a facility, a waiting site) -> the region it stands in, for the result's lines."""
    facility_pks: set[int] = set()
    queue_pks: set[int] = set()
    for line in result.get("placements", []):
        facility_pks.add(placement_queries.facility_pk(line["facility"]))
        kind, pk = placement_queries.origin_of(line["site"])
        (facility_pks if kind == "facility" else queue_pks).add(pk)
    where: dict[str, Region] = {}
    for facility in Facility.objects.filter(pk__in=facility_pks).select_related(
        "recipient__region"
    ):
        key = placement_queries.facility_id(facility)
        where[key] = where[key + placement_queries.WAITING] = facility.recipient.region
    for participant in Participant.objects.filter(pk__in=queue_pks).select_related("region"):
        where[f"{placement_queries.QUEUE}{participant.pk}"] = participant.region
    return where


def _coord(region: Region) -> list[float] | None:
    if region.latitude is None or region.longitude is None:
        return None
    return [round(float(region.longitude), 4), round(float(region.latitude), 4)]


def map_data(recommendation: PlacementRecommendation) -> dict[str, Any]:
    """The map's data for a recommendation's lines (a line whose facility or site is gone since
    is left off the map; the lines' table still lists it)."""
    where = _regions_of(recommendation.result)
    arcs: list[dict[str, Any]] = []
    receivers: dict[str, dict[str, Any]] = {}
    for index, line in enumerate(recommendation.result.get("placements", [])):
        origin, destination = where.get(line["site"]), where.get(line["facility"])
        if origin is None or destination is None:
            continue
        arcs.append(
            {
                "line": index + 1,
                "from": origin.reference,
                "to": destination.reference,
                "patients": line["patients"],
                "tier": line["tier"],
            }
        )
        receiver = receivers.setdefault(
            destination.reference, {"region": destination.reference, "tier": 1, "patients": 0}
        )
        receiver["tier"] = max(receiver["tier"], line["tier"])
        receiver["patients"] += line["patients"]
    regions = {region.reference: region for region in where.values()}
    involved = {arc["from"] for arc in arcs} | {arc["to"] for arc in arcs}
    shown = [regions[key] for key in sorted(involved)]
    return {
        "regions": [
            {"id": r.reference, "code": r.code, "name": local_name(r), "coord": _coord(r)}
            for r in shown
        ],
        "receivers": sorted(receivers.values(), key=lambda r: r["region"]),
        "arcs": arcs,
        "view": maps.view(maps.view_box([_coord(r) for r in shown])),
        "detail_provinces": sorted({r.code[:2] + "0000" for r in shown if r.code}),
    }
