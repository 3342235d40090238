"""The league table of donors: staff pledged and deployed, days to first arrival, fulfilment,
lead time and the coverage of their recipients."""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from pairaid.assessment import queries as assessment_queries
from pairaid.operations.common import ZERO
from pairaid.operations.models import Deployment, Pledge
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType


@dataclass
class LeagueRow:
    donor: Participant
    staff_pledged: Decimal
    staff_deployed: Decimal
    days_to_first_arrival: int | None
    already_present: bool
    fulfilment_rate: float | None
    median_lead_days: float | None
    coverage: float | None
    # The donor's published score in the latest annual assessment (pairaid.assessment), if any.
    assessment_score: Decimal | None = None
    assessment_year: int | None = None


LEAGUE_FORMULA = gettext_lazy(
    "staff deployed = members of the donor's teams that arrived; staff pledged = staff pledged "
    "against requests; days to first arrival = first team arrival − pairing start (0, 'already "
    "present', where a team arrived before the pairing); fulfilment = received ÷ pledged over the "
    "donor's pledges; lead time = days from pledge to receipt or arrival (median); coverage = mean "
    "coverage of the donor's recipients (paired capacity ÷ need, capped at 100 %)"
)
ASSESSMENT_FORMULA = gettext_lazy(
    "assessment = the donor's published score in the latest annual assessment (0–100; the mean "
    "over its pairings)"
)


def league_table(
    programme: Programme, on: datetime.date, coverage: dict[str, float] | None = None
) -> list[LeagueRow]:
    from pairaid.pairing import translate

    coverage = coverage or {}
    published = assessment_queries.published_scores(programme)
    in_force = list(translate.live_pairings(programme, on))
    rows = []
    donors = (
        programme.participants.filter(role=Participant.Role.DONOR)
        .select_related("region")
        .order_by("region__code")
    )
    pledges_by_donor: dict[int, list[Pledge]] = defaultdict(list)
    for p in (
        Pledge.objects.filter(donor__programme=programme, status=Pledge.Status.PLEDGED)
        .select_related("line__resource_type")
        .prefetch_related("shipments", "disbursements", "deployments__team__members")
    ):
        pledges_by_donor[p.donor_id].append(p)
    deployments_by_donor: dict[int, list[Deployment]] = defaultdict(list)
    for d in (
        Deployment.objects.filter(team__programme=programme)
        .select_related("team")
        .prefetch_related("team__members")
    ):
        deployments_by_donor[d.team.donor_id].append(d)
    for donor in donors:
        pledges = pledges_by_donor[donor.pk]
        deployments = deployments_by_donor[donor.pk]
        staff_pledged = sum(
            (
                p.quantity
                for p in pledges
                if p.line.resource_type.kind == ResourceType.Kind.PERSONNEL
            ),
            ZERO,
        )
        arrived = [d for d in deployments if d.arrived_on is not None and d.arrived_on <= on]
        staff_deployed = Decimal(sum(m.count for d in arrived for m in d.team.members.all()))
        starts = [p.valid_from for p in in_force if p.donor_id == donor.pk and p.valid_from]
        first_arrival = min((d.arrived_on for d in arrived if d.arrived_on), default=None)
        days = None
        already = False
        if first_arrival is not None and starts:
            delta = (first_arrival - min(starts)).days
            already = delta < 0
            days = max(0, delta)
        received = ZERO
        pledged_total = ZERO
        leads: list[int] = []
        for p in pledges:
            pledged_total += p.quantity
            for s in p.shipments.all():
                if s.received_on:
                    received += s.received_quantity or ZERO
                    leads.append((s.received_on - p.pledged_on).days)
            for money in p.disbursements.all():
                if money.received_on:
                    received += money.received_amount or ZERO
                    leads.append((money.received_on - p.pledged_on).days)
            for d in p.deployments.all():
                if d.arrived_on:
                    received += Decimal(sum(m.count for m in d.team.members.all()))
                    leads.append((d.arrived_on - p.pledged_on).days)
        recipients = [translate.engine_id(p.recipient) for p in in_force if p.donor_id == donor.pk]
        values = [coverage[r] for r in recipients if r in coverage]
        rows.append(
            LeagueRow(
                donor=donor,
                staff_pledged=staff_pledged,
                staff_deployed=staff_deployed,
                days_to_first_arrival=days,
                already_present=already,
                fulfilment_rate=float(min(received, pledged_total) / pledged_total)
                if pledged_total
                else None,
                median_lead_days=statistics.median(leads) if leads else None,
                coverage=sum(values) / len(values) if values else None,
                assessment_score=published[donor.pk].score if donor.pk in published else None,
                assessment_year=published[donor.pk].year if donor.pk in published else None,
            )
        )
    return rows


def as_rows(table: list[LeagueRow]) -> list[dict[str, Any]]:
    return [
        {
            "donor_code": row.donor.region.code,
            "donor": row.donor.region.name_en,
            "staff_pledged": float(row.staff_pledged),
            "staff_deployed": float(row.staff_deployed),
            "days_to_first_arrival": row.days_to_first_arrival,
            "already_present": row.already_present,
            "fulfilment_rate": row.fulfilment_rate,
            "median_lead_days": row.median_lead_days,
            "coverage": row.coverage,
            "assessment_score": (
                float(row.assessment_score) if row.assessment_score is not None else None
            ),
            "assessment_year": row.assessment_year,
        }
        for row in table
    ]
