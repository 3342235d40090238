"""Which donor and team answer for each facility."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pairaid.labels import local_name
from pairaid.operations.models import Deployment, Facility
from pairaid.programmes.models import Programme


@dataclass
class Responsibility:
    facility: Any
    donors: list[str]
    teams: list[str]

    @property
    def uncovered(self) -> bool:
        return not self.donors

    @property
    def claimed_twice(self) -> bool:
        return len(set(self.donors)) > 1


def responsibility_matrix(programme: Programme, on: datetime.date) -> list[Responsibility]:
    """Which donor and team answer for each facility (deployments planned or on duty at the
    date); facilities nobody covers and facilities two donors claim are flagged."""
    facilities = (
        Facility.objects.filter(programme=programme)
        .select_related("recipient__region")
        .order_by("recipient__region__code", "name")
    )
    deployments = (
        Deployment.objects.filter(facility__programme=programme)
        .exclude(status=Deployment.Status.ENDED)
        .select_related("team__donor__region")
    )
    by_facility: dict[int, list[Deployment]] = defaultdict(list)
    for d in deployments:
        if d.facility_id and (d.planned_end is None or d.planned_end > on):
            by_facility[d.facility_id].append(d)
    return [
        Responsibility(
            f,
            sorted({local_name(d.team.donor.region) for d in by_facility[f.pk]}),
            sorted(d.team.name for d in by_facility[f.pk]),
        )
        for f in facilities
    ]
