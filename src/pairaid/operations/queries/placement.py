"""A programme's placement problem now (`engine.placement`, docs/problem-format.md): where the
patients waiting today could go, built from the figures the Facilities and Transfers pages show.

- **Beds:** each facility's staffed beds per type on the date (`queries.staffing`) and its
  beds occupied now, with beds held for accepted transfers counted as taken
  (`queries.transfers`). A type whose staffed or occupied figure is unknown offers no bed.
- **Who waits:** each region's community queue now, and at each facility the patients above
  its staffed beds of a type: they lie in beds its staff cannot run, so they wait for a bed
  elsewhere.
- **Travel:** PairAid holds no road times. A move takes the straight line between the two
  regions' coordinates, lengthened by a road factor, at a road speed: both are assumptions the
  coordinator states with each recommendation, never facts. Each site reaches its nearest
  facilities only (`NEAREST_FACILITIES`).
- **Tiers:** region, parent region and the programme's cluster (`engine.tiers`).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, Final

from pairaid.operations.models import Facility
from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.queries import staffing as staffing_queries
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.pairing.translate import great_circle_km
from pairaid.programmes.models import ClusterMember, Participant, Programme
from pairaid.registry.models import Region

# Each site reaches this many of its nearest facilities: enough for any acceptable travel
# limit in a province, and it keeps the network sparse at national size (docs/algorithms.md).
NEAREST_FACILITIES: Final = 100
# Engine ids: a facility "F12", the patients waiting at it "F12-waiting", a region's community
# queue "Q34" (its recipient participant). Letters first, so that naming them in explanations
# (labels.IdNames) never touches a count.
FACILITY: Final = "F"
WAITING: Final = "-waiting"
QUEUE: Final = "Q"


@dataclass(frozen=True)
class Assumptions:
    """What the coordinator states with a recommendation: how fast patients travel, and how far
    each acuity may go. None as a limit: no limit for that acuity."""

    road_kmh: float
    road_factor: float
    max_travel_hours: dict[str, float | None]

    def hours(self, km: float) -> float:
        return round(km * self.road_factor / self.road_kmh, 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "road_kmh": self.road_kmh,
            "road_factor": self.road_factor,
            "max_travel_hours": dict(self.max_travel_hours),
        }


@dataclass
class Built:
    """The problem document, and what was left out of it and why (shown with the result)."""

    document: dict[str, Any]
    facilities: dict[str, Facility]  # engine id -> facility
    origins: dict[str, Facility | Participant]  # site id -> where the patients wait
    left_out: list[str] = field(default_factory=list)  # facility names without coordinates


def facility_id(facility: Facility) -> str:
    return f"{FACILITY}{facility.pk}"


def facility_pk(engine_id: str) -> int:
    """The database id of a facility's engine id (`facility_id`); ValueError for another."""
    if not engine_id.startswith(FACILITY):
        raise ValueError(engine_id)
    return int(engine_id[len(FACILITY) :])


def origin_of(site: str) -> tuple[str, int]:
    """A site id's origin: ("facility", facility id) or ("queue", recipient participant id);
    ValueError for an id this module did not make."""
    if site.startswith(FACILITY) and site.endswith(WAITING):
        return "facility", int(site[len(FACILITY) : -len(WAITING)])
    if site.startswith(QUEUE):
        return "queue", int(site[len(QUEUE) :])
    raise ValueError(site)


def _coordinates(region: Region) -> tuple[float, float] | None:
    if region.latitude is None or region.longitude is None:
        return None
    return float(region.latitude), float(region.longitude)


def _tier_regions(programme: Programme, recipients: list[Participant]) -> list[dict[str, Any]]:
    cluster_of = dict(
        ClusterMember.objects.filter(cluster__programme=programme).values_list(
            "recipient_id", "cluster_id"
        )
    )
    regions = []
    for recipient in recipients:
        entry: dict[str, Any] = {"id": recipient.region.reference}
        if recipient.region.parent is not None:
            entry["parent"] = recipient.region.parent.reference
        if recipient.pk in cluster_of:
            entry["cluster"] = f"cluster-{cluster_of[recipient.pk]}"
        regions.append(entry)
    return regions


def _beds(
    staffing: staffing_queries.Staffing | None, beds_now: list[transfer_queries.BedsNow]
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """A facility's beds for the engine (staffed, occupied now) and its patients above its
    staffed beds, per bed type."""
    staffed = {b.bed_type: b.staffed for b in staffing.beds} if staffing else {}
    beds: dict[str, dict[str, int]] = {}
    overflow: dict[str, int] = {}
    for now in beds_now:
        run = staffed.get(now.bed_type)
        if run is None or now.occupied is None:
            continue
        taken = now.occupied + now.reserved
        beds[now.bed_type] = {"staffed": run, "occupied": min(taken, run)}
        if now.occupied > run:
            overflow[now.bed_type] = now.occupied - run
    return beds, overflow


def build(programme: Programme, on: datetime.date, assumptions: Assumptions) -> Built:
    """The programme's placement problem at the date, now."""
    facilities = list(facility_queries.facilities(programme))
    staffing, _pools = staffing_queries.staffing(programme, on, facilities)
    beds_now = transfer_queries.occupancy(facilities)
    recipients = list(
        programme.participants.filter(role=Participant.Role.RECIPIENT)
        .select_related("region__parent")
        .order_by("region__code")
    )
    built = Built(document={}, facilities={}, origins={})
    engine_facilities, sites, located = [], [], []
    for facility in facilities:
        beds, overflow = _beds(staffing.get(facility.pk), beds_now[facility.pk])
        place = _coordinates(facility.recipient.region)
        if place is None:
            built.left_out.append(facility.name)
            continue
        key = facility_id(facility)
        built.facilities[key] = facility
        located.append((key, place))
        engine_facilities.append(
            {"id": key, "region": facility.recipient.region.reference, "beds": beds}
        )
        if overflow:
            site = key + WAITING
            built.origins[site] = facility
            sites.append((site, place, {"id": site, "facility": key, "waiting": overflow}))
    queues: dict[str, dict[str, Any]] = {}
    for queue in transfer_queries.community_queue(programme):
        place = _coordinates(queue.recipient.region)
        if queue.waiting <= 0 or place is None:
            continue
        site = f"{QUEUE}{queue.recipient.pk}"
        if site not in queues:
            region = queue.recipient.region.reference
            queues[site] = {"id": site, "region": region, "waiting": {}}
            built.origins[site] = queue.recipient
            sites.append((site, place, queues[site]))
        queues[site]["waiting"][queue.acuity] = queue.waiting
    built.document = {
        "kind": "placement",
        "name": f"{programme.slug} {on.isoformat()}",
        "regions": _tier_regions(programme, recipients),
        "facilities": engine_facilities,
        "sites": [entry for _, _, entry in sites],
        "travel": _travel(sites, located, assumptions),
        "max_travel_hours": {
            t: hours for t, hours in assumptions.max_travel_hours.items() if hours is not None
        },
    }
    return built


def _travel(
    sites: list[tuple[str, tuple[float, float], dict[str, Any]]],
    located: list[tuple[str, tuple[float, float]]],
    assumptions: Assumptions,
) -> list[dict[str, Any]]:
    """Each site's nearest facilities with the hours to reach them (its own facility is 0 h,
    as the engine takes it)."""
    travel = []
    for site, (lat, lon), entry in sites:
        own = entry.get("facility")
        distances = sorted(
            (great_circle_km(lat, lon, f_lat, f_lon), key)
            for key, (f_lat, f_lon) in located
            if key != own
        )
        for km, key in distances[:NEAREST_FACILITIES]:
            travel.append({"site": site, "facility": key, "hours": assumptions.hours(km)})
    return travel
