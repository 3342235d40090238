"""Synthetic pairing problems: seeded, with the shape of real programmes.

Donors and recipients are spread over a map; need is heavy-tailed (Pareto) and several times
higher near a stricken area at the centre; donor strength is heavy-tailed too. Each recipient may
be served by the nearest `density` share of donors by travel time (at least a few), and each donor
may serve its `donor_nearest` nearest recipients (2 unless asked), so nobody is left without a
possible partner; `recipient_max` caps the donors a recipient may have (the policy's U). Whole
donors: each serves exactly one recipient. Several resource types, counted in whole units
(personnel). Sizes from 19×16 (Hubei 2020) to 3,000×2,500.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from pairaid.engine.instance import (
    DegreeRange,
    Donor,
    Objective,
    PairData,
    Policy,
    Problem,
    Recipient,
)

MAP_KM = 2_000.0
STRICKEN_SPREAD_KM = 400.0
STRICKEN_FACTOR = 4.0
"""Need near the centre of the stricken area is up to 1 + this factor times need elsewhere."""
SPEED_KMH = 80.0
LOADING_HOURS = 1.0
STRENGTH_PARETO = 1.5
NEED_PARETO = 1.2
MINIMUM_PER_RECIPIENT = 3
"""Donors every recipient may take at least, whatever the density."""
SCARCITY = 1.3
"""Total need over total capacity: aid is short, as in every real programme."""


def generate(
    donors: int,
    recipients: int,
    *,
    seed: int = 0,
    resources: Sequence[str] = ("doctor", "nurse", "icu_nurse"),
    density: float = 0.1,
    recipient_max: int | None = 3,
    donor_nearest: int = 2,
    objectives: Sequence[Objective] = (Objective("max_min_coverage"),),
) -> Problem:
    """A synthetic problem; the same arguments always give the same problem.

    `density` 0 leaves each recipient only its few nearest donors beside the donors' own
    `donor_nearest`. The mid-size instances of docs/benchmarks.md are
    `generate(300, 250, seed=s, donor_nearest=20, recipient_max=4)`."""
    rng = np.random.default_rng(seed)
    donor_xy = rng.uniform(0.0, MAP_KM, size=(donors, 2))
    # Recipients spread like donors (so each has donors nearby), need concentrates at the centre.
    recipient_xy = rng.uniform(0.0, MAP_KM, size=(recipients, 2))
    centre_km = np.hypot(*(recipient_xy - MAP_KM / 2).T)
    stricken = 1.0 + STRICKEN_FACTOR * np.exp(-(centre_km**2) / (2 * STRICKEN_SPREAD_KM**2))
    capacity = _capacities(rng, donors, len(resources))
    need = _needs(rng, stricken, len(resources), capacity.sum(axis=0))
    pairs = _eligible_pairs(donor_xy, recipient_xy, density, donor_nearest)
    return Problem(
        name=f"synthetic {donors}x{recipients} seed {seed}",
        donors=[
            Donor(
                f"d{i}",
                capacity={k: float(capacity[i, n]) for n, k in enumerate(resources)},
                strength={"staff": float(capacity[i].sum())},
            )
            for i in range(donors)
        ],
        recipients=[
            Recipient(f"r{j}", need={k: float(need[j, n]) for n, k in enumerate(resources)})
            for j in range(recipients)
        ],
        pairs=pairs,
        policy=Policy(recipient_degree=DegreeRange(1, recipient_max), listed_pairs_only=True),
        objectives=objectives,
        integer_resources=frozenset(resources),
        strength_attribute="staff",
    )


def _capacities(rng: np.random.Generator, donors: int, kinds: int) -> np.ndarray:
    strength = (rng.pareto(STRENGTH_PARETO, size=donors) + 1.0) * 50.0
    shares = rng.dirichlet(np.ones(kinds) * 2.0, size=donors)
    capacities: np.ndarray = np.maximum(1.0, np.round(strength[:, None] * shares))
    return capacities


def _needs(
    rng: np.random.Generator, stricken: np.ndarray, kinds: int, total_capacity: np.ndarray
) -> np.ndarray:
    weight = (rng.pareto(NEED_PARETO, size=len(stricken)) + 1.0) * stricken
    shares = rng.dirichlet(np.ones(kinds) * 2.0, size=len(stricken))
    raw = weight[:, None] * shares
    scaled = raw / raw.sum(axis=0) * total_capacity * SCARCITY
    needs: np.ndarray = np.maximum(1.0, np.round(scaled))
    return needs


def _eligible_pairs(
    donor_xy: np.ndarray, recipient_xy: np.ndarray, density: float, donor_nearest: int
) -> list[PairData]:
    """Each recipient's nearest `density` share of donors (at least a few), plus each donor's
    `donor_nearest` nearest recipients, so that nobody is left without a possible partner."""
    donors = len(donor_xy)
    keep = min(donors, max(MINIMUM_PER_RECIPIENT, math.ceil(density * donors)))
    km = np.hypot(
        donor_xy[:, None, 0] - recipient_xy[None, :, 0],
        donor_xy[:, None, 1] - recipient_xy[None, :, 1],
    )  # donors × recipients; 3,000 × 2,500 floats is 60 MB
    eligible = np.zeros(km.shape, dtype=bool)
    nearest_donors = np.argpartition(km, keep - 1, axis=0)[:keep]
    eligible[nearest_donors, np.arange(km.shape[1])[None, :]] = True
    nearest = min(max(donor_nearest, 1), km.shape[1])
    nearest_recipients = np.argpartition(km, nearest - 1, axis=1)[:, :nearest]
    eligible[np.arange(donors)[:, None], nearest_recipients] = True
    pairs = []
    for i, j in zip(*np.nonzero(eligible), strict=True):
        distance = float(km[i, j])
        hours = round(distance / SPEED_KMH + LOADING_HOURS, 2)
        pairs.append(PairData(f"d{i}", f"r{j}", travel_hours=hours, travel_km=round(distance, 1)))
    return pairs
