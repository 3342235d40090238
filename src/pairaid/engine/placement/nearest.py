"""The dispatchers' rule, the benchmark's baseline: each patient goes to the nearest facility
with a free compatible bed, the sickest first, under the same compatibility, travel and
transport rules as the recommender.

Order: acuities from ventilated to general; within an acuity, sites in the problem's order; at a
facility the patient takes the lowest compatible bed type free (its own type if free). Ties in
travel time go to the facility listed first.
"""

from __future__ import annotations

from collections import defaultdict

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.placement.model import (
    ACUITY_PRIORITY,
    Placement,
    PlacementProblem,
    compatible,
    within_limit,
)
from pairaid.engine.tiers import tier_between


def nearest_bed_placement(problem: PlacementProblem) -> list[Placement]:
    free = {(f.id, t): c.free for f in problem.facilities for t, c in f.beds.items()}
    transport = dict(problem.transport_capacity)
    places = problem.region_places()
    facility_region = {f.id: f.region for f in problem.facilities}
    reach: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for order, ((site_id, facility_id), hours) in enumerate(problem.travel().items()):
        reach[site_id].append((hours, order, facility_id))
    for routes in reach.values():
        routes.sort()
    placements = []
    for acuity in ACUITY_PRIORITY:
        bed_types = [t for t in BED_TYPES if compatible(acuity, t)]
        for site in problem.sites:
            left = site.waiting.get(acuity, 0)
            for hours, _, facility in reach[site.id]:
                if left == 0 or transport.get(site.region, left) == 0:
                    break
                if not within_limit(problem, acuity, hours):
                    continue
                for bed_type in bed_types:
                    taken = min(left, free.get((facility, bed_type), 0))
                    taken = min(taken, transport.get(site.region, taken))
                    if taken == 0:
                        continue
                    left -= taken
                    free[facility, bed_type] -= taken
                    if site.region in transport:
                        transport[site.region] -= taken
                    tier = tier_between(places[site.region], places[facility_region[facility]])
                    placements.append(
                        Placement(site.id, acuity, facility, bed_type, taken, hours, tier)
                    )
    return placements
