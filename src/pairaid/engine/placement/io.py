"""Reading placement problems: the JSON format of docs/problem-format.md ("Placement"), every
input error collected with its path, as `engine.io` does for pairing problems."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.errors import ProblemInvalid
from pairaid.engine.io import _Reader
from pairaid.engine.placement.model import BedCount, Facility, PlacementProblem, Route, Site
from pairaid.engine.tiers import TierPlace

PLACEMENT_KIND = "placement"
_TOP_FIELDS = {
    "kind",
    "schema_version",
    "name",
    "regions",
    "facilities",
    "sites",
    "travel",
    "max_travel_hours",
    "transport_capacity",
    "upgrade_hours",
    "options",
}


class _PlacementReader(_Reader):
    def count(self, value: Any, path: str) -> int:
        number = self.integer(value, path)
        if number < 0:
            self.error("too_small", path=path, minimum=0, value=number)
        return max(0, number)

    def bed_type(self, name: str, path: str) -> bool:
        if name in BED_TYPES:
            return True
        self.error("unknown_bed_type", path=path, name=name, expected=", ".join(BED_TYPES))
        return False

    def known(self, value: str, known: Mapping[str, Any] | set[str], path: str, what: str) -> None:
        if value not in known:
            self.error("unknown_reference", path=path, what=what, id=value)


def placement_from_dict(document: Any) -> PlacementProblem:
    """Build a `PlacementProblem`; raises `ProblemInvalid` listing every input error."""
    reader = _PlacementReader()
    top = reader.obj(document, "(document)")
    reader.known_fields(top, "", _TOP_FIELDS)
    for name in ("regions", "facilities", "sites", "max_travel_hours"):
        if name not in top:
            reader.error("required", path=name)
    regions = [
        _region(reader, item, i)
        for i, item in enumerate(reader.array(top.get("regions", []), "regions"))
    ]
    reader.unique([r.region for r in regions], "regions")
    region_ids = {r.region for r in regions}
    facilities = [
        _facility(reader, item, i, region_ids)
        for i, item in enumerate(reader.array(top.get("facilities", []), "facilities"))
    ]
    reader.unique([f.id for f in facilities], "facilities")
    facility_regions = {f.id: f.region for f in facilities}
    sites = [
        _site(reader, item, i, region_ids, facility_regions)
        for i, item in enumerate(reader.array(top.get("sites", []), "sites"))
    ]
    reader.unique([s.id for s in sites], "sites")
    routes = _routes(reader, top.get("travel", []), {s.id for s in sites}, facility_regions)
    problem = PlacementProblem(
        name=reader.text(top.get("name", ""), "name"),
        regions=regions,
        facilities=facilities,
        sites=sites,
        routes=routes,
        max_travel_hours=_travel_limits(reader, top.get("max_travel_hours", {})),
        transport_capacity=_transport(reader, top.get("transport_capacity", {}), region_ids),
        upgrade_hours=_non_negative(reader, top.get("upgrade_hours", 1.0), "upgrade_hours"),
        time_limit_seconds=_options(reader, top.get("options", {})),
    )
    if reader.errors:
        raise ProblemInvalid(reader.errors)
    return problem


def _region(reader: _PlacementReader, item: Any, index: int) -> TierPlace[str]:
    path = f"regions[{index}]"
    data = reader.obj(item, path)
    reader.known_fields(data, path, {"id", "name", "parent", "cluster"})
    if "id" not in data:
        reader.error("required", path=f"{path}.id")
    optional = {
        name: None if data.get(name) is None else reader.text(data[name], f"{path}.{name}")
        for name in ("parent", "cluster")
    }
    return TierPlace(reader.text(data.get("id", ""), f"{path}.id"), **optional)


def _facility(reader: _PlacementReader, item: Any, index: int, regions: set[str]) -> Facility:
    path = f"facilities[{index}]"
    data = reader.obj(item, path)
    reader.known_fields(data, path, {"id", "name", "region", "beds"})
    for name in ("id", "region"):
        if name not in data:
            reader.error("required", path=f"{path}.{name}")
    region = reader.text(data.get("region", ""), f"{path}.region")
    if "region" in data:
        reader.known(region, regions, f"{path}.region", "region")
    beds = {}
    for bed_type, count in reader.obj(data.get("beds", {}), f"{path}.beds").items():
        bed_path = f"{path}.beds.{bed_type}"
        if not reader.bed_type(bed_type, bed_path):
            continue
        counts = reader.obj(count, bed_path)
        reader.known_fields(counts, bed_path, {"staffed", "occupied"})
        if "staffed" not in counts:
            reader.error("required", path=f"{bed_path}.staffed")
        beds[bed_type] = BedCount(
            staffed=reader.count(counts.get("staffed", 0), f"{bed_path}.staffed"),
            occupied=reader.count(counts.get("occupied", 0), f"{bed_path}.occupied"),
        )
    return Facility(
        id=reader.text(data.get("id", ""), f"{path}.id"),
        name=reader.text(data.get("name", ""), f"{path}.name"),
        region=region,
        beds=beds,
    )


def _site(
    reader: _PlacementReader,
    item: Any,
    index: int,
    regions: set[str],
    facility_regions: Mapping[str, str],
) -> Site:
    path = f"sites[{index}]"
    data = reader.obj(item, path)
    reader.known_fields(data, path, {"id", "name", "region", "facility", "waiting"})
    if "id" not in data:
        reader.error("required", path=f"{path}.id")
    facility = (
        None if data.get("facility") is None else reader.text(data["facility"], f"{path}.facility")
    )
    if facility is not None:
        reader.known(facility, facility_regions, f"{path}.facility", "facility")
    # A facility's queue sends from the facility's region; a community queue names its own.
    region = facility_regions.get(facility or "", "")
    if "region" in data:
        region = reader.text(data["region"], f"{path}.region")
        reader.known(region, regions, f"{path}.region", "region")
        if facility is not None and facility_regions.get(facility, region) != region:
            reader.error(
                "site_region_mismatch",
                path=f"{path}.region",
                region=region,
                facility=facility,
                facility_region=facility_regions.get(facility),
            )
    elif facility is None:
        reader.error("required", path=f"{path}.region")
    waiting = {}
    for acuity, count in reader.obj(data.get("waiting", {}), f"{path}.waiting").items():
        if reader.bed_type(acuity, f"{path}.waiting.{acuity}"):
            waiting[acuity] = reader.count(count, f"{path}.waiting.{acuity}")
    return Site(
        id=reader.text(data.get("id", ""), f"{path}.id"),
        region=region,
        facility=facility,
        waiting=waiting,
    )


def _routes(
    reader: _PlacementReader, value: Any, sites: set[str], facilities: Mapping[str, str]
) -> list[Route]:
    routes = []
    first: dict[tuple[str, str], int] = {}
    for index, item in enumerate(reader.array(value, "travel")):
        path = f"travel[{index}]"
        data = reader.obj(item, path)
        reader.known_fields(data, path, {"site", "facility", "hours"})
        for name in ("site", "facility", "hours"):
            if name not in data:
                reader.error("required", path=f"{path}.{name}")
        site = reader.text(data.get("site", ""), f"{path}.site")
        facility = reader.text(data.get("facility", ""), f"{path}.facility")
        if "site" in data:
            reader.known(site, sites, f"{path}.site", "site")
        if "facility" in data:
            reader.known(facility, facilities, f"{path}.facility", "facility")
        if (site, facility) in first:
            reader.error(
                "duplicate_route",
                path=path,
                site=site,
                facility=facility,
                first=f"travel[{first[site, facility]}]",
            )
        first.setdefault((site, facility), index)
        hours = _non_negative(reader, data.get("hours", 0.0), f"{path}.hours")
        routes.append(Route(site, facility, hours))
    return routes


def _non_negative(reader: _PlacementReader, value: Any, path: str) -> float:
    number = reader.number(value, path)
    if number < 0:
        reader.error("too_small", path=path, minimum=0, value=number)
    return number


def _travel_limits(reader: _PlacementReader, value: Any) -> dict[str, float]:
    limits = {}
    for acuity, hours in reader.obj(value, "max_travel_hours").items():
        path = f"max_travel_hours.{acuity}"
        if reader.bed_type(acuity, path):
            limits[acuity] = _non_negative(reader, hours, path)
    return limits


def _transport(reader: _PlacementReader, value: Any, regions: set[str]) -> dict[str, int]:
    capacity = {}
    for region, patients in reader.obj(value, "transport_capacity").items():
        path = f"transport_capacity.{region}"
        reader.known(region, regions, path, "region")
        capacity[region] = reader.count(patients, path)
    return capacity


def _options(reader: _PlacementReader, value: Any) -> float | None:
    data = reader.obj(value, "options")
    reader.known_fields(data, "options", {"time_limit_seconds"})
    limit = data.get("time_limit_seconds")
    if limit is None:
        return None
    seconds = reader.number(limit, "options.time_limit_seconds")
    if seconds <= 0:
        reader.error("not_positive", path="options.time_limit_seconds", value=seconds)
    return seconds
