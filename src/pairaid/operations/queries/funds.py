"""Money as it reaches recipients and counts towards donors' contributions: cash flows for the
gaps, and the programme's minimum contribution rule per donor and year."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from pairaid.labels import local_name
from pairaid.operations.common import ZERO
from pairaid.operations.models import Disbursement, FundCommitment, Shipment
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType


def cash_flows(
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
    disbursements = (
        Disbursement.objects.filter(
            commitment__programme=programme,
            commitment__kind=FundCommitment.Kind.CASH,
            date__lte=on,
        )
        .order_by("pk")
        .values_list(
            "commitment__recipient_id",
            "pledge__line__resource_type__code",
            "status",
            "received_on",
            "received_amount",
            "amount",
        )
    )
    for recipient, pledged_resource, status, received_on, received_amount, amount in disbursements:
        resource = pledged_resource or (currency.code if currency else None)
        if resource is None:
            continue  # no funds resource in the programme's currency: no gap to fill
        key = (recipient, resource)
        if status == Disbursement.Status.RECEIVED and received_on and received_on <= on:
            flows.append((key, received_amount or ZERO, True))
        else:
            flows.append((key, amount, False))
    return flows


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
    for donor in programme.participants.filter(role=Participant.Role.DONOR).select_related(
        "region"
    ):
        previous = (
            donor.region.indicators.filter(indicator=indicator, as_of__year=year - 1)
            .order_by("-as_of")
            .first()
        )
        required = previous.value * scale * programme.min_contribution_share if previous else None
        # An illustrative figure never feeds a verdict (DESIGN.md §2): only facts count.
        paid = [
            _contributed(d)
            for d in Disbursement.objects.filter(
                commitment__donor=donor, date__year=year, illustrative=False
            )
        ]
        in_kind = Shipment.objects.filter(
            pledge__donor=donor, received_on__year=year, value_cny__isnull=False, illustrative=False
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
