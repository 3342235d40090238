"""Synthetic placement problems, seeded, for tests and the benchmark (all figures made up).

Facilities are scattered over a square map split into a grid of regions; 2×2 blocks of regions
share a parent region and 2×2 blocks of parents a cluster, so a move can reach every tier. Beds
per facility are heavy-tailed, ICU and ventilated beds scarce, and most beds already occupied.
Patients wait at facilities and at each region's community queue, concentrated around a few
outbreak centres so that local beds run out and placement must escalate. Each site may reach
its `nearest` nearest facilities (sparse travel, as a real routing matrix would be cut).
"""

from __future__ import annotations

import math

import numpy as np

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.placement.model import BedCount, Facility, PlacementProblem, Route, Site
from pairaid.engine.tiers import TierPlace

KM_PER_FACILITY = 25.0
"""The map's side is this times √facilities: the density of a populous province."""
FACILITIES_PER_REGION = 10
SPEED_KMH = 60.0
ROAD_FACTOR = 1.3
LOADING_HOURS = 0.25
BED_SHARE = {"general": 1.0, "oxygen": 0.35, "icu": 0.08, "icu_ventilated": 0.03}
ACUITY_MIX = {"general": 0.5, "oxygen": 0.3, "icu": 0.15, "icu_ventilated": 0.05}
MAX_TRAVEL_HOURS = {"general": 2.0, "oxygen": 3.0, "icu": 4.0, "icu_ventilated": 4.0}
OUTBREAKS = 3
OUTBREAK_SPREAD = 0.12
"""Outbreak radius as a share of the map's side."""


def generate_placement(
    facilities: int,
    patients: int,
    *,
    seed: int = 0,
    nearest: int = 100,
    transport_share: float = 0.8,
) -> PlacementProblem:
    """A placement problem with `facilities` facilities and `patients` waiting patients."""
    rng = np.random.default_rng(seed)
    side = KM_PER_FACILITY * math.sqrt(facilities)
    grid = max(1, math.ceil(math.sqrt(facilities / FACILITIES_PER_REGION)))
    regions = [
        TierPlace(f"r{x}-{y}", f"p{x // 2}-{y // 2}", f"c{x // 4}-{y // 4}")
        for x in range(grid)
        for y in range(grid)
    ]
    where = rng.uniform(0, side, size=(facilities, 2))
    facility_cell = _cell(where, side, grid)
    facility_list = [
        Facility(f"f{i}", regions[facility_cell[i]].region, _beds(rng)) for i in range(facilities)
    ]
    # Sites: every facility's own queue, then each region's community queue at its centre.
    centres = (
        (
            np.stack(np.meshgrid(np.arange(grid), np.arange(grid), indexing="ij"), -1).reshape(
                -1, 2
            )
            + 0.5
        )
        * side
        / grid
    )
    site_where = np.concatenate([where, centres])
    waiting = _waiting(rng, site_where, side, patients)
    sites = [
        Site(f"q{i}", facility_list[i].region, waiting[i], facility=f"f{i}")
        for i in range(facilities)
    ] + [
        Site(f"community-{place.region}", place.region, waiting[facilities + j])
        for j, place in enumerate(regions)
    ]
    routes = _routes(site_where, where, sites, min(nearest, facilities))
    sent = {place.region: 0 for place in regions}
    for site in sites:
        sent[site.region] += sum(site.waiting.values())
    transport = {r: math.ceil(n * transport_share) for r, n in sent.items() if n > 0}
    return PlacementProblem(
        name=f"generated {facilities} facilities, {patients} patients, seed {seed}",
        regions=regions,
        facilities=facility_list,
        sites=[s for s in sites if s.waiting],
        routes=routes,
        max_travel_hours=dict(MAX_TRAVEL_HOURS),
        transport_capacity=transport,
    )


def _cell(points: np.ndarray, side: float, grid: int) -> np.ndarray:
    cells = np.minimum((points / side * grid).astype(np.int64), grid - 1)
    return np.asarray(cells[:, 0] * grid + cells[:, 1])


def _beds(rng: np.random.Generator) -> dict[str, BedCount]:
    general = int(rng.pareto(1.5) * 40 + 20)
    beds = {}
    for bed_type in BED_TYPES:
        staffed = int(rng.poisson(general * BED_SHARE[bed_type]))
        if staffed > 0:
            occupied = int(rng.binomial(staffed, rng.uniform(0.6, 0.95)))
            beds[bed_type] = BedCount(staffed, occupied)
    return beds


def _waiting(
    rng: np.random.Generator, where: np.ndarray, side: float, patients: int
) -> list[dict[str, int]]:
    """Patients by site and acuity: most near the outbreak centres, some everywhere."""
    centres = rng.uniform(0.2 * side, 0.8 * side, size=(OUTBREAKS, 2))
    distance = np.min(np.linalg.norm(where[:, None, :] - centres[None], axis=2), axis=1)
    weight = 0.1 + np.exp(-((distance / (OUTBREAK_SPREAD * side)) ** 2))
    per_site = rng.multinomial(patients, weight / weight.sum())
    mix = np.array([ACUITY_MIX[a] for a in BED_TYPES])
    return [
        {a: int(n) for a, n in zip(BED_TYPES, rng.multinomial(total, mix), strict=True) if n}
        for total in per_site.tolist()
    ]


def _routes(
    site_where: np.ndarray, facility_where: np.ndarray, sites: list[Site], nearest: int
) -> list[Route]:
    """Each waiting site's `nearest` nearest facilities (its own is 0 h, implicit)."""
    routes = []
    for i, site in enumerate(sites):
        if not site.waiting:
            continue
        distance = np.linalg.norm(facility_where - site_where[i], axis=1)
        closest = np.argpartition(distance, nearest - 1)[:nearest]
        hours = distance[closest] * ROAD_FACTOR / SPEED_KMH + LOADING_HOURS
        routes += [
            Route(site.id, f"f{f}", round(float(h), 3))
            for f, h in zip(closest.tolist(), hours.tolist(), strict=True)
            if f"f{f}" != site.facility
        ]
    return routes
