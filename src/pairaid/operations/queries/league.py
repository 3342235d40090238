"""The league table of donors: staff pledged and deployed, days to first arrival, fulfilment,
lead time and the coverage of their recipients."""

import datetime
import statistics
from dataclasses import dataclass, field
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
    # The donor it gives through (Guangdong for Zhuhai): its figures are part of that row's.
    parent: Participant | None = None


LEAGUE_FORMULA = gettext_lazy(
    "staff deployed = members of the donor's teams that arrived; staff pledged = staff pledged "
    "against requests; days to first arrival = first team arrival − pairing start (0, 'already "
    "present', where a team arrived before the pairing); fulfilment = received ÷ pledged over the "
    "donor's pledges; lead time = days from pledge to receipt or arrival (median); coverage = mean "
    "coverage of the donor's recipients (paired capacity ÷ need, capped at 100 %)"
)
FAMILY_FORMULA = gettext_lazy(
    "a donor giving inside another donor's pairing (↳, e.g. a city inside its province's) is "
    "listed beneath it, and its figures are part of that donor's, counted once"
)
ASSESSMENT_FORMULA = gettext_lazy(
    "assessment = the donor's published score in the latest annual assessment (0–100; the mean "
    "over its pairings)"
)


@dataclass
class _Record:
    """What one donor's own pledges and teams give the league, before its family is summed."""

    staff_pledged: Decimal = ZERO
    staff_deployed: Decimal = ZERO
    received: Decimal = ZERO
    pledged: Decimal = ZERO
    arrivals: list[datetime.date] = field(default_factory=list)
    starts: list[datetime.date] = field(default_factory=list)
    leads: list[int] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)


def league_table(
    programme: Programme, on: datetime.date, coverage: dict[str, float] | None = None
) -> list[LeagueRow]:
    """One row per donor. A donor that gives only at the child level (Zhuhai inside Guangdong →
    Wenchuan) follows its parent donor (`parent`), whose figures include its own, each record
    counted once (`levels.donor_parents`, summed by `levels.rolled_up`); the rates, days and
    coverage of a parent are computed over its family's records, not averaged over rows."""
    from pairaid.pairing import levels

    coverage = coverage or {}
    published = assessment_queries.published_scores(programme)
    donors = list(
        programme.participants.filter(role=Participant.Role.DONOR)
        .select_related("region")
        .order_by("region__code")
    )
    records = _records(programme, on, donors)
    gives_through = levels.donor_parents(programme.pk)
    parent_of = {d.pk: gives_through.get(d.pk) for d in donors}
    family = levels.descendants(parent_of)
    sums = {
        name: levels.rolled_up(parent_of, {pk: getattr(r, name) for pk, r in records.items()})
        for name in ("staff_pledged", "staff_deployed", "received", "pledged")
    }
    by_pk = {d.pk: d for d in donors}
    rows = []
    for donor in donors:
        members = [records[pk] for pk in (donor.pk, *sorted(family[donor.pk]))]
        starts = [s for r in members for s in r.starts]
        first_arrival = min((a for r in members for a in r.arrivals), default=None)
        days = None
        already = False
        if first_arrival is not None and starts:
            delta = (first_arrival - min(starts)).days
            already = delta < 0
            days = max(0, delta)
        received, pledged = sums["received"][donor.pk], sums["pledged"][donor.pk]
        leads = [lead for r in members for lead in r.leads]
        recipients = dict.fromkeys(c for r in members for c in r.recipients)  # each once
        values = [coverage[r] for r in recipients if r in coverage]
        parent = parent_of[donor.pk]
        rows.append(
            LeagueRow(
                donor=donor,
                staff_pledged=sums["staff_pledged"][donor.pk],
                staff_deployed=sums["staff_deployed"][donor.pk],
                days_to_first_arrival=days,
                already_present=already,
                fulfilment_rate=float(min(received, pledged) / pledged) if pledged else None,
                median_lead_days=statistics.median(leads) if leads else None,
                coverage=sum(values) / len(values) if values else None,
                assessment_score=published[donor.pk].score if donor.pk in published else None,
                assessment_year=published[donor.pk].year if donor.pk in published else None,
                parent=by_pk.get(parent) if parent is not None else None,
            )
        )
    return rows


def _records(
    programme: Programme, on: datetime.date, donors: list[Participant]
) -> dict[int, _Record]:
    """Each donor's own figures: its pledges, its teams' arrivals and the pairings in force."""
    from pairaid.pairing import translate

    records = {d.pk: _Record() for d in donors}
    for p in (
        Pledge.objects.filter(donor__programme=programme, status=Pledge.Status.PLEDGED)
        .select_related("line__resource_type")
        .prefetch_related("shipments", "disbursements", "deployments__team__members")
    ):
        if (record := records.get(p.donor_id)) is not None:
            _add_pledge(record, p)
    for d in (
        Deployment.objects.filter(team__programme=programme, arrived_on__lte=on)
        .select_related("team")
        .prefetch_related("team__members")
    ):
        if (record := records.get(d.team.donor_id)) is not None and d.arrived_on is not None:
            record.staff_deployed += Decimal(sum(m.count for m in d.team.members.all()))
            record.arrivals.append(d.arrived_on)
    for pairing in translate.live_pairings(programme, on):
        if (record := records.get(pairing.donor_id)) is not None:
            if pairing.valid_from:
                record.starts.append(pairing.valid_from)
            record.recipients.append(translate.engine_id(pairing.recipient))
    return records


def _add_pledge(record: _Record, p: Pledge) -> None:
    """A pledge's staff, what of it was received, and how long each delivery took."""
    if p.line.resource_type.kind == ResourceType.Kind.PERSONNEL:
        record.staff_pledged += p.quantity
    record.pledged += p.quantity
    for s in p.shipments.all():
        if s.received_on:
            record.received += s.received_quantity or ZERO
            record.leads.append((s.received_on - p.pledged_on).days)
    for money in p.disbursements.all():
        if money.received_on:
            record.received += money.received_amount or ZERO
            record.leads.append((money.received_on - p.pledged_on).days)
    for d in p.deployments.all():
        if d.arrived_on:
            record.received += Decimal(sum(m.count for m in d.team.members.all()))
            record.leads.append((d.arrived_on - p.pledged_on).days)


def as_rows(table: list[LeagueRow]) -> list[dict[str, Any]]:
    return [
        {
            "donor_code": row.donor.region.code,
            "donor": row.donor.region.name_en,
            "parent_donor_code": row.parent.region.code if row.parent else None,
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
