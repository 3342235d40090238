"""Brute force for tiny placement problems: every assignment of every patient to a compatible
bed in reach (or to no bed), checked for beds and transport, the lexicographic best kept.
Written without the network so that it checks the recommender's model, not its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.placement import Placement, PlacementProblem, compatible, objectives
from pairaid.engine.placement.evaluate import Objectives
from pairaid.engine.tiers import tier_between


def best_objectives(problem: PlacementProblem) -> Objectives:
    patients = [
        (site, acuity)
        for site in problem.sites
        for acuity in BED_TYPES
        for _ in range(site.waiting.get(acuity, 0))
    ]
    travel = problem.travel()
    places = problem.region_places()
    facilities = {f.id: f for f in problem.facilities}
    options: list[list[Placement | None]] = []
    for site, acuity in patients:
        choices: list[Placement | None] = [None]
        for (site_id, facility_id), hours in travel.items():
            limit = problem.max_travel_hours.get(acuity)
            if site_id != site.id or (limit is not None and hours > limit):
                continue
            facility = facilities[facility_id]
            tier = tier_between(places[site.region], places[facility.region])
            choices += [
                Placement(site.id, acuity, facility_id, bed_type, 1, hours, tier)
                for bed_type, count in facility.beds.items()
                if compatible(acuity, bed_type) and count.free > 0
            ]
        options.append(choices)
    best: list[Objectives] = []
    _walk(problem, options, 0, [], Counter(), Counter(), best)
    return best[0]


def _walk(
    problem: PlacementProblem,
    options: Sequence[Sequence[Placement | None]],
    index: int,
    chosen: list[Placement],
    beds: Counter[tuple[str, str]],
    moved: Counter[str],
    best: list[Objectives],
) -> None:
    if index == len(options):
        value = objectives(problem, chosen)
        if not best or value.key() < best[0].key():
            best[:] = [value]
        return
    free = {(f.id, t): c.free for f in problem.facilities for t, c in f.beds.items()}
    region = {s.id: s.region for s in problem.sites}
    for choice in options[index]:
        if choice is None:
            _walk(problem, options, index + 1, chosen, beds, moved, best)
            continue
        bed = (choice.facility, choice.bed_type)
        sender = region[choice.site]
        capacity = problem.transport_capacity.get(sender)
        if beds[bed] >= free[bed] or (capacity is not None and moved[sender] >= capacity):
            continue
        beds[bed] += 1
        moved[sender] += 1
        chosen.append(choice)
        _walk(problem, options, index + 1, chosen, beds, moved, best)
        chosen.pop()
        beds[bed] -= 1
        moved[sender] -= 1
