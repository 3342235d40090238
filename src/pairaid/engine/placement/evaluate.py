"""The four objectives of a placement, measured the same way for the recommender, the
nearest-bed rule, the direct MIP and the tests' brute-force oracle."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.placement.model import (
    ACUITY_PRIORITY,
    Placement,
    PlacementProblem,
    upgrade_steps,
)
from pairaid.engine.tiers import CLUSTER, PARENT, PROGRAMME

ESCALATION_TIERS = (PROGRAMME, CLUSTER, PARENT)
"""Tiers counted by level 2, the farthest first (tier 1 stays in the region: no escalation)."""


@dataclass(frozen=True)
class Objectives:
    """A placement's value at each level; smaller is better, compared lexicographically."""

    unplaced: tuple[int, ...]  # by ACUITY_PRIORITY
    escalations: tuple[int, ...]  # by ESCALATION_TIERS
    peak_share: Fraction
    patient_hours: float  # travel plus `upgrade_hours` per type above the patient's own

    def key(self) -> tuple[int | Fraction | float, ...]:
        return (*self.unplaced, *self.escalations, self.peak_share, self.patient_hours)


def received(placements: Sequence[Placement]) -> Counter[tuple[str, str]]:
    """Patients placed by (facility, bed type)."""
    counts: Counter[tuple[str, str]] = Counter()
    for p in placements:
        counts[p.facility, p.bed_type] += p.patients
    return counts


def peak_share(problem: PlacementProblem, placements: Sequence[Placement]) -> Fraction:
    """The highest occupancy share after placement over the (facility, bed type) pairs that
    receive patients, staffed beds as denominator; 0 when no one is placed."""
    beds = {f.id: f.beds for f in problem.facilities}
    shares = [
        Fraction(beds[facility][bed_type].occupied + count, beds[facility][bed_type].staffed)
        for (facility, bed_type), count in received(placements).items()
        if count > 0
    ]
    return max(shares, default=Fraction(0))


def objectives(problem: PlacementProblem, placements: Sequence[Placement]) -> Objectives:
    placed: Counter[str] = Counter()
    tiers: Counter[int] = Counter()
    hours = 0.0
    for p in placements:
        placed[p.acuity] += p.patients
        tiers[p.tier] += p.patients
        hours += p.patients * (
            p.travel_hours + problem.upgrade_hours * upgrade_steps(p.acuity, p.bed_type)
        )
    waiting: Counter[str] = Counter()
    for site in problem.sites:
        waiting.update(site.waiting)
    return Objectives(
        unplaced=tuple(waiting[a] - placed[a] for a in ACUITY_PRIORITY),
        escalations=tuple(tiers[t] for t in ESCALATION_TIERS),
        peak_share=peak_share(problem, placements),
        patient_hours=hours,
    )


def metrics(problem: PlacementProblem, placements: Sequence[Placement]) -> dict[str, object]:
    value = objectives(problem, placements)
    travel = sum(p.patients * p.travel_hours for p in placements)
    return {
        "unplaced": dict(zip(ACUITY_PRIORITY, value.unplaced, strict=True)),
        "placed": sum(p.patients for p in placements),
        "escalations": {
            f"tier_{tier}": sum(p.patients for p in placements if p.tier == tier)
            for tier in (1, *reversed(ESCALATION_TIERS))
        },
        "peak_occupancy_share": float(value.peak_share),
        "patient_hours": value.patient_hours,
        "travel_hours": travel,
        "upgraded": {
            bed_type: sum(
                p.patients for p in placements if p.bed_type == bed_type and p.acuity != bed_type
            )
            for bed_type in BED_TYPES[1:]
        },
    }
