"""Which donor and team answer for each facility."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from pairaid.labels import local_name
from pairaid.operations.models import Deployment, Facility, FacilitySnapshot
from pairaid.programmes.models import Programme


@dataclass
class Responsibility:
    facility: Any
    # The deployments planned or on duty at the date that name the facility, by team name.
    deployments: list[Deployment] = field(default_factory=list)

    @property
    def donors(self) -> list[str]:
        """The answering donors' names in the active language."""
        return sorted({local_name(d.team.donor.region) for d in self.deployments})

    @property
    def donor_references(self) -> list[str]:
        """The answering donors' regions as references (CN:370000), for the API."""
        return sorted({d.team.donor.region.reference for d in self.deployments})

    @property
    def teams(self) -> list[str]:
        return [d.team.name for d in self.deployments]

    @property
    def latest_snapshot(self) -> FacilitySnapshot | None:
        """The facility's latest capacity (its snapshots come by date, `facilities`)."""
        return latest_snapshot(self.facility)

    @property
    def uncovered(self) -> bool:
        return not self.deployments

    @property
    def claimed_twice(self) -> bool:
        return len({d.team.donor_id for d in self.deployments}) > 1


def facilities(programme: Programme) -> Any:
    """The programme's facilities, by recipient and name, each with its snapshots by date (the
    last is the latest capacity)."""
    return (
        Facility.objects.filter(programme=programme)
        .select_related("recipient__region__parent")
        .prefetch_related(Prefetch("snapshots", FacilitySnapshot.objects.order_by("date")))
        .order_by("recipient__region__code", "name", "pk")
    )


def latest_snapshot(facility: Facility) -> FacilitySnapshot | None:
    """A facility of `facilities` at its latest capacity, if any was recorded."""
    snapshots = list(facility.snapshots.all())
    return snapshots[-1] if snapshots else None


def responsibility_matrix(programme: Programme, on: datetime.date) -> list[Responsibility]:
    """Which donor and team answer for each facility (deployments planned or on duty at the
    date); facilities nobody covers and facilities two donors claim are flagged."""
    deployments = (
        Deployment.objects.filter(facility__programme=programme)
        .exclude(status=Deployment.Status.ENDED)
        .select_related("team__donor__region__parent")
    )
    by_facility: dict[int, list[Deployment]] = defaultdict(list)
    for d in deployments:
        if d.facility_id and (d.planned_end is None or d.planned_end > on):
            by_facility[d.facility_id].append(d)
    return [
        Responsibility(f, sorted(by_facility[f.pk], key=lambda d: (d.team.name, d.pk)))
        for f in facilities(programme)
    ]
