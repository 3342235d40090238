"""Reading the ledger: each request line's progress, gaps per recipient and resource, the
contribution rule per donor and year, and the league table. Queries are batched per page."""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import get_language, gettext, gettext_lazy

from pairaid.operations.models import (
    Deployment,
    Disbursement,
    FundCommitment,
    Pledge,
    Request,
    RequestLine,
    Shipment,
)
from pairaid.operations.services import is_expired, on_duty
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType

ZERO = Decimal(0)


def local_name(obj: Any) -> str:
    """A region's or indicator's name in the active language (Chinese where it has one)."""
    name_zh = getattr(obj, "name_zh", "")
    if (get_language() or "").startswith("zh") and name_zh:
        return str(name_zh)
    return str(obj.name_en)


@dataclass
class LineProgress:
    line: RequestLine
    requested: Decimal
    pledged: Decimal = ZERO
    in_transit: Decimal = ZERO
    received: Decimal = ZERO
    discrepancies: list[str] = field(default_factory=list)

    @property
    def open(self) -> Decimal:
        return max(ZERO, self.requested - self.pledged)


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _team_size(deployment: Deployment, resource: ResourceType) -> Decimal:
    """Members of a team who count for a resource: all personnel for the generic
    `medical_staff`, else those of that profession."""
    members = deployment.team.members.all()
    if resource.code == "medical_staff":
        return Decimal(sum(m.count for m in members))
    return Decimal(sum(m.count for m in members if m.resource_type_id == resource.pk))


def requests_with_progress(
    programme: Programme, on: datetime.date
) -> list[tuple[Request, bool, list[LineProgress]]]:
    """Every request with its lines' requested / pledged / in transit / received."""
    shipments = Shipment.objects.prefetch_related("discrepancies")
    disbursements = Disbursement.objects.prefetch_related("discrepancies")
    deployments = Deployment.objects.select_related("team").prefetch_related("team__members")
    pledges = Pledge.objects.select_related("donor__region").prefetch_related(
        Prefetch("shipments", shipments),
        Prefetch("disbursements", disbursements),
        Prefetch("deployments", deployments),
    )
    requests = (
        Request.objects.filter(programme=programme)
        .select_related("recipient__region")
        .prefetch_related(
            Prefetch(
                "lines",
                RequestLine.objects.select_related("resource_type").prefetch_related(
                    Prefetch("pledges", pledges)
                ),
            )
        )
        .order_by("-number")
    )
    out = []
    for request in requests:
        lines = [_progress(line) for line in request.lines.all()]
        out.append((request, is_expired(request, on), lines))
    return out


def _described(discrepancies: Any) -> list[str]:
    return [
        f"{d.get_kind_display()} {_quantity(d.quantity)}" + (f": {d.note}" if d.note else "")
        for d in discrepancies
    ]


def _progress(line: RequestLine) -> LineProgress:
    progress = LineProgress(line, line.quantity)
    for pledge in line.pledges.all():
        if pledge.status != Pledge.Status.PLEDGED:
            continue
        progress.pledged += pledge.quantity
        for shipment in pledge.shipments.all():
            if shipment.status == Shipment.Status.RECEIVED:
                progress.received += shipment.received_quantity or ZERO
                progress.discrepancies += _described(shipment.discrepancies.all())
            else:
                progress.in_transit += shipment.quantity
        # A funds pledge is fulfilled by disbursements: disbursed is in transit, confirmed received.
        for disbursement in pledge.disbursements.all():
            if disbursement.status == Disbursement.Status.RECEIVED:
                progress.received += disbursement.received_amount or ZERO
                progress.discrepancies += _described(disbursement.discrepancies.all())
            else:
                progress.in_transit += disbursement.amount
        for deployment in pledge.deployments.all():
            size = _team_size(deployment, line.resource_type)
            if deployment.status == Deployment.Status.DISPATCHED:
                progress.in_transit += size
            elif deployment.status in (Deployment.Status.ARRIVED, Deployment.Status.ENDED):
                progress.received += size
    return progress


@dataclass
class Gap:
    recipient: Participant
    resource: ResourceType
    need: Decimal
    received: Decimal
    in_transit: Decimal
    on_duty: Decimal
    # What the need is made of: the need figure at the date (None where there is none) and the
    # quantity the recipient's requests ask for; `need` is the larger of the two.
    assessed: Decimal | None = None
    requested: Decimal = ZERO

    @property
    def from_requests(self) -> bool:
        """The recipient's requests ask for more than the need figure (or there is none)."""
        return self.assessed is None or self.requested > self.assessed

    @property
    def gap(self) -> Decimal:
        if self.resource.kind == ResourceType.Kind.PERSONNEL:
            return self.need - self.on_duty
        return self.need - self.received - self.in_transit

    @property
    def over_supplied(self) -> bool:
        return self.gap < 0


def requested_as_of(programme: Programme, on: datetime.date) -> dict[tuple[int, str], Decimal]:
    """What each recipient's requests ask for at the date, per resource: a live request (open,
    not expired) counts what it asks for; one expired, closed or withdrawn counts only what
    donors had pledged against it, so that what they deliver is never taken for over-supply."""
    asked: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    pledges = Pledge.objects.filter(status=Pledge.Status.PLEDGED, pledged_on__lte=on)
    lines = (
        RequestLine.objects.filter(request__programme=programme, request__raised_on__lte=on)
        .select_related("request", "resource_type")
        .prefetch_related(Prefetch("pledges", pledges))
    )
    for line in lines:
        live = line.request.status == Request.Status.OPEN and not is_expired(line.request, on)
        pledged = sum((p.quantity for p in line.pledges.all()), ZERO)
        asked[(line.request.recipient_id, line.resource_type.code)] += (
            line.quantity if live else min(line.quantity, pledged)
        )
    return asked


def gaps(programme: Programme, on: datetime.date) -> list[Gap]:
    """Need − received − in transit (goods, funds); need − staff on duty (staff); largest first.

    The need is the recipient's need figure at the date or, where its requests ask for more (or
    there is no figure for the resource), what its requests ask for: a request raised for a
    resource nobody assessed is a gap too."""
    needs = programme_services.needs_as_of(programme=programme, on=on)
    assessed = {(k.participant_id, k.resource_code): p.line.quantity for k, p in needs.items()}
    requested = requested_as_of(programme, on)
    recipients = {
        p.pk: p for p in programme.participants.filter(role="recipient").select_related("region")
    }
    resources = {r.code: r for r in ResourceType.objects.all()}
    received: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    in_transit: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    shipments = Shipment.objects.filter(
        pledge__line__request__programme=programme, dispatched_on__lte=on
    ).select_related("pledge__line__request", "pledge__line__resource_type")
    for shipment in shipments:
        key = (shipment.pledge.line.request.recipient_id, shipment.pledge.line.resource_type.code)
        if (
            shipment.status == Shipment.Status.RECEIVED
            and shipment.received_on
            and shipment.received_on <= on
        ):
            received[key] += shipment.received_quantity or ZERO
        else:
            in_transit[key] += shipment.quantity
    for key, amount, arrived in _cash_flows(programme, on):
        (received if arrived else in_transit)[key] += amount
    staff: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    deployments = (
        Deployment.objects.filter(recipient__programme=programme)
        .select_related("team")
        .prefetch_related("team__members__resource_type", "replaced_by")
    )
    for deployment in deployments:
        if not on_duty(deployment, on):
            continue
        for member in deployment.team.members.all():
            staff[(deployment.recipient_id, member.resource_type.code)] += member.count
            staff[(deployment.recipient_id, "medical_staff")] += member.count
    rows = []
    for k in sorted(assessed.keys() | requested.keys()):
        recipient = recipients.get(k[0])
        if recipient is None:
            continue
        figure = assessed.get(k)
        asked = requested.get(k, ZERO)
        rows.append(
            Gap(
                recipient,
                resources[k[1]],
                max(figure or ZERO, asked),
                received[k],
                in_transit[k],
                staff[k],
                assessed=figure,
                requested=asked,
            )
        )
    return sorted(rows, key=lambda g: g.gap, reverse=True)


def _cash_flows(
    programme: Programme, on: datetime.date
) -> list[tuple[tuple[int, str], Decimal, bool]]:
    """Cash disbursed to each recipient by the date: ((recipient, funds resource), amount, whether
    received by then). One row per disbursement, whether it fulfils a pledge or draws on a
    commitment directly, so that nothing is counted twice; in-kind commitments are valued aid,
    not money, and stay out of the funds gap."""
    currency = (
        ResourceType.objects.filter(kind=ResourceType.Kind.FUNDS, unit__iexact=programme.currency)
        .order_by("code")
        .first()
    )
    flows = []
    disbursements = Disbursement.objects.filter(
        commitment__programme=programme,
        commitment__kind=FundCommitment.Kind.CASH,
        date__lte=on,
    ).select_related("commitment", "pledge__line__resource_type")
    for d in disbursements:
        resource = d.pledge.line.resource_type if d.pledge else currency
        if resource is None:
            continue  # no funds resource in the programme's currency: no gap to fill
        key = (d.commitment.recipient_id, resource.code)
        if d.status == Disbursement.Status.RECEIVED and d.received_on and d.received_on <= on:
            flows.append((key, d.received_amount or ZERO, True))
        else:
            flows.append((key, d.amount, False))
    return flows


def duplicate_requests(
    programme: Programme, on: datetime.date
) -> list[tuple[Request, Request, str]]:
    """Open requests of one recipient asking for the same resource twice."""
    seen: dict[tuple[int, str], Request] = {}
    found = []
    for request in (
        Request.objects.filter(programme=programme)
        .filter(status="open")
        .prefetch_related("lines__resource_type")
        .order_by("number")
    ):
        if is_expired(request, on):
            continue
        for line in request.lines.all():
            key = (request.recipient_id, line.resource_type.code)
            if key in seen and seen[key].pk != request.pk:
                found.append((seen[key], request, line.resource_type.code))
            seen.setdefault(key, request)
    return found


@dataclass
class ContributionCheck:
    donor: Participant
    year: int
    required: Decimal | None
    contributed: Decimal
    basis: str

    @property
    def status(self) -> str:
        if self.required is None:
            return "unknown"
        return "compliant" if self.contributed >= self.required else "short"

    @property
    def short_by(self) -> Decimal | None:
        if self.required is None:
            return None
        return max(ZERO, self.required - self.contributed)


def contribution_checks(programme: Programme, year: int) -> list[ContributionCheck]:
    """The programme's minimum contribution rule (e.g. Wenchuan: in-kind aid of at least 1 % of
    the previous year's local fiscal revenue) per donor for one year; unknown without the figure."""
    if programme.min_contribution_share is None or programme.min_contribution_indicator is None:
        return []
    checks = []
    indicator = programme.min_contribution_indicator
    # Indicators in CNY 100 million; contributions in the programme currency (CNY).
    scale = Decimal(100_000_000) if "100 million" in indicator.unit else Decimal(1)
    for donor in programme.participants.filter(role="donor").select_related("region"):
        previous = (
            donor.region.indicators.filter(indicator=indicator, as_of__year=year - 1)
            .order_by("-as_of")
            .first()
        )
        required = previous.value * scale * programme.min_contribution_share if previous else None
        paid = [
            _contributed(d)
            for d in Disbursement.objects.filter(commitment__donor=donor, date__year=year)
        ]
        in_kind = Shipment.objects.filter(
            pledge__donor=donor, received_on__year=year, value_cny__isnull=False
        ).values_list("value_cny", flat=True)
        basis = gettext("%(share)s %% of %(indicator)s %(year)s") % {
            "share": f"{programme.min_contribution_share * 100:g}",
            "indicator": local_name(indicator),
            "year": year - 1,
        }
        checks.append(
            ContributionCheck(
                donor,
                year,
                required,
                sum(paid, ZERO) + sum((v or ZERO for v in in_kind), ZERO),
                basis,
            )
        )
    return checks


def _contributed(disbursement: Disbursement) -> Decimal:
    """What a disbursement adds to the donor's contribution, in the year it was disbursed: the
    amount confirmed once the recipient confirms it (a shortfall is not aid), else the amount."""
    if disbursement.status == Disbursement.Status.RECEIVED:
        return disbursement.received_amount or ZERO
    return disbursement.amount


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


LEAGUE_FORMULA = gettext_lazy(
    "staff deployed = members of the donor's teams that arrived; staff pledged = staff pledged "
    "against requests; days to first arrival = first team arrival − pairing start (0, 'already "
    "present', where a team arrived before the pairing); fulfilment = received ÷ pledged over the "
    "donor's pledges; lead time = days from pledge to receipt or arrival (median); coverage = mean "
    "coverage of the donor's recipients (DESIGN.md §4)"
)


def league_table(
    programme: Programme, on: datetime.date, coverage: dict[str, float] | None = None
) -> list[LeagueRow]:
    from pairaid.pairing import translate

    coverage = coverage or {}
    in_force = list(translate.live_pairings(programme, on))
    rows = []
    donors = (
        programme.participants.filter(role="donor")
        .select_related("region")
        .order_by("region__code")
    )
    pledges_by_donor: dict[int, list[Pledge]] = defaultdict(list)
    for p in (
        Pledge.objects.filter(donor__programme=programme, status="pledged")
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
            (p.quantity for p in pledges if p.line.resource_type.kind == "personnel"), ZERO
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
        }
        for row in table
    ]


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
    from pairaid.operations.models import Facility

    facilities = (
        Facility.objects.filter(programme=programme)
        .select_related("recipient__region")
        .order_by("recipient__region__code", "name")
    )
    deployments = (
        Deployment.objects.filter(facility__programme=programme)
        .exclude(status="ended")
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


@dataclass
class ReportSummary:
    recipient: str
    reports: int
    patients_seen: int
    admitted: int
    severe: int
    critical: int
    recovered: int
    deaths: int
    staff_on_duty: int


def report_summary(
    programme: Programme, on: datetime.date
) -> tuple[list[ReportSummary], list[str]]:
    """Daily reports of the date aggregated per recipient, and the teams on duty that have not
    reported (overdue)."""
    from pairaid.operations.models import DailyReport

    on_duty_deployments = [
        d
        for d in Deployment.objects.filter(team__programme=programme)
        .select_related("team", "recipient__region")
        .prefetch_related("replaced_by")
        if on_duty(d, on)
    ]
    reports = {r.team_id: r for r in DailyReport.objects.filter(team__programme=programme, date=on)}
    totals: dict[str, ReportSummary] = {}
    for d in on_duty_deployments:
        report = reports.get(d.team_id)
        if report is None:
            continue
        name = local_name(d.recipient.region)
        row = totals.setdefault(name, ReportSummary(name, 0, 0, 0, 0, 0, 0, 0, 0))
        row.reports += 1
        for figure in (
            "patients_seen",
            "admitted",
            "severe",
            "critical",
            "recovered",
            "deaths",
            "staff_on_duty",
        ):
            setattr(row, figure, getattr(row, figure) + getattr(report, figure))
    overdue = sorted(
        f"{d.team.name} ({local_name(d.recipient.region)})"
        for d in on_duty_deployments
        if d.team_id not in reports
    )
    return sorted(totals.values(), key=lambda r: r.recipient), overdue
