"""Why the placement is as it is, as structured messages (`engine.messages`).

Each claim is checked on the final placement rather than assumed from the levels: a patient
escalated to tier t is explained as "nothing closer" only when every facility at a lower tier in
the patient's reach has no free compatible bed left after placement (levels 1–2 guarantee it —
such a bed would lower the escalation count — and the check keeps the message honest).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.messages import Message, cut_messages, message
from pairaid.engine.placement.evaluate import received
from pairaid.engine.placement.model import (
    ACUITY_PRIORITY,
    BedCount,
    Placement,
    PlacementProblem,
    compatible,
    within_limit,
)
from pairaid.engine.tiers import tier_between


def explain(problem: PlacementProblem, placements: Sequence[Placement]) -> list[Message]:
    free_after = _free_after(problem, placements)
    reach = _reach(problem)
    messages = _escalations(problem, placements, free_after, reach)
    messages += _unplaced(problem, placements, free_after, reach)
    return messages


def _free_after(
    problem: PlacementProblem, placements: Sequence[Placement]
) -> dict[tuple[str, str], int]:
    filled = received(placements)
    return {
        (f.id, bed_type): count.free - filled[f.id, bed_type]
        for f in problem.facilities
        for bed_type, count in f.beds.items()
    }


def _reach(problem: PlacementProblem) -> dict[str, list[tuple[str, float]]]:
    """Facilities by site with their travel hours."""
    reach: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (site, facility), hours in problem.travel().items():
        reach[site].append((facility, hours))
    return reach


def _has_free_bed(free_after: dict[tuple[str, str], int], facility: str, acuity: str) -> bool:
    return any(
        free_after.get((facility, bed_type), 0) > 0
        for bed_type in BED_TYPES
        if compatible(acuity, bed_type)
    )


def _takes(beds: Mapping[str, BedCount], acuity: str) -> bool:
    """Whether a facility has staffed beds an `acuity` patient may take (free or not)."""
    return any(count.staffed > 0 and compatible(acuity, t) for t, count in beds.items())


def _escalations(
    problem: PlacementProblem,
    placements: Sequence[Placement],
    free_after: dict[tuple[str, str], int],
    reach: dict[str, list[tuple[str, float]]],
) -> list[Message]:
    """Patients going two tiers up or more (tier 3 or 4): why nothing closer took them."""
    places = problem.region_places()
    facility_region = {f.id: f.region for f in problem.facilities}
    site_region = {s.id: s.region for s in problem.sites}
    grouped: Counter[tuple[str, str, str, int]] = Counter()
    for p in placements:
        if p.tier >= 3:
            grouped[p.site, p.acuity, p.facility, p.tier] += p.patients
    beds = {f.id: f.beds for f in problem.facilities}
    messages = []
    for (site, acuity, facility, tier), patients in sorted(grouped.items()):
        origin = places[site_region[site]]
        closer = [
            f
            for f, hours in reach[site]
            if within_limit(problem, acuity, hours)
            and tier_between(origin, places[facility_region[f]]) < tier
            and _takes(beds[f], acuity)
        ]
        if any(_has_free_bed(free_after, f, acuity) for f in closer):
            continue  # not the reason here; the claim would be false
        messages.append(
            message(
                "placed_beyond",
                patients=patients,
                acuity=acuity,
                site=site,
                facility=facility,
                tier=tier,
                limit=problem.max_travel_hours.get(acuity, "any"),
                closer=len(closer),
            )
        )
    return cut_messages(messages, "placed_beyond_cut")


def _unplaced(
    problem: PlacementProblem,
    placements: Sequence[Placement],
    free_after: dict[tuple[str, str], int],
    reach: dict[str, list[tuple[str, float]]],
) -> list[Message]:
    """What binds for the patients left without a bed: transport, beds, or no bed in reach."""
    placed: Counter[tuple[str, str]] = Counter()
    moved: Counter[str] = Counter()
    site_region = {s.id: s.region for s in problem.sites}
    for p in placements:
        placed[p.site, p.acuity] += p.patients
        moved[site_region[p.site]] += p.patients
    region_unplaced: Counter[str] = Counter()
    beds_bound: Counter[str] = Counter()
    beds_facilities: dict[str, set[str]] = defaultdict(set)
    beds = {f.id: f.beds for f in problem.facilities}
    messages = []
    for site in problem.sites:
        for acuity in ACUITY_PRIORITY:
            left = site.waiting.get(acuity, 0) - placed[site.id, acuity]
            if left <= 0:
                continue
            region_unplaced[site.region] += left
            in_reach = [
                f
                for f, hours in reach[site.id]
                if within_limit(problem, acuity, hours) and _takes(beds[f], acuity)
            ]
            if not in_reach:
                messages.append(
                    message(
                        "no_bed_in_reach",
                        patients=left,
                        acuity=acuity,
                        site=site.id,
                        limit=problem.max_travel_hours.get(acuity, "any"),
                    )
                )
            elif not any(_has_free_bed(free_after, f, acuity) for f in in_reach):
                beds_bound[acuity] += left
                beds_facilities[acuity].update(in_reach)
    messages = cut_messages(messages, "no_bed_in_reach_cut")
    for acuity in ACUITY_PRIORITY:
        if beds_bound[acuity]:
            messages.append(
                message(
                    "beds_binding",
                    unplaced=beds_bound[acuity],
                    acuity=acuity,
                    limit=problem.max_travel_hours.get(acuity, "any"),
                    facilities=len(beds_facilities[acuity]),
                )
            )
    for region, capacity in sorted(problem.transport_capacity.items()):
        if region_unplaced[region] and moved[region] >= capacity:
            messages.append(
                message(
                    "transport_binding",
                    region=region,
                    capacity=capacity,
                    unplaced=region_unplaced[region],
                )
            )
    return messages
