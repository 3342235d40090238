"""Funds per pair and year, and funds pledges fulfilled by disbursements (IATI: pledge →
commitment → disbursement): disbursed = in transit, confirmed by the recipient = received, a
shortfall kept as a discrepancy; never beyond what was committed or pledged; the line, the gaps
and the contribution rule count each disbursement once."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from tests.operations.helpers import participant, pk

from pairaid.errors import Conflict, ValidationFailed
from pairaid.operations.models import Disbursement, Discrepancy, FundCommitment, Shipment
from pairaid.operations.queries import contributions
from pairaid.operations.queries import gaps as gap_queries
from pairaid.operations.queries import requests as request_queries
from pairaid.operations.services import funds as fund_services
from pairaid.operations.services import requests as request_services
from pairaid.programmes.models import NeedLine, Participant
from pairaid.registry.models import IndicatorType, RegionalIndicator, ResourceType, Source

pytestmark = pytest.mark.django_db


D = datetime.date


def progress(line):  # type: ignore[no-untyped-def]
    p = request_queries.line_progress(line)
    return (p.requested, p.pledged, p.in_transit, p.received)


def test_a_funds_pledge_is_disbursed_then_confirmed_short(funds_pledge):
    line = funds_pledge.line
    money = fund_services.disburse_pledge(
        pledge=funds_pledge, amount=Decimal(400_000), reference="TR-1", on=D(2020, 2, 12)
    )
    assert money.status == "disbursed" and money.pledge == funds_pledge
    commitment = money.commitment
    assert (commitment.donor, commitment.recipient, commitment.year, commitment.kind) == (
        participant("370000"),
        participant("421100"),
        2020,
        "cash",
    )
    assert commitment.amount == 400_000  # created to cover the disbursement
    assert progress(line) == (1_000_000, 600_000, 400_000, 0)
    fund_services.confirm_disbursement(
        disbursement=money, received_amount=Decimal(390_000), note="bank fee", on=D(2020, 2, 13)
    )
    assert progress(line) == (1_000_000, 600_000, 0, 390_000)
    short = Discrepancy.objects.get(disbursement=money)
    assert (short.kind, short.quantity, short.note) == ("short", 10_000, "bank fee")
    assert request_queries.line_progress(line).discrepancies == ["short 10000: bank fee"]
    assert [h.status for h in money.history.order_by("history_date")] == ["disbursed", "received"]
    # The second disbursement raises the same commitment instead of opening another.
    fund_services.disburse_pledge(pledge=funds_pledge, amount=Decimal(200_000), on=D(2020, 2, 20))
    assert FundCommitment.objects.get().amount == 600_000
    assert progress(line) == (1_000_000, 600_000, 200_000, 390_000)


def test_an_existing_commitment_with_room_is_drawn_on(funds_pledge):
    existing = fund_services.commit_funds(
        donor=participant("370000"),
        recipient=participant("421100"),
        year=2020,
        amount=Decimal(5_000_000),
    )
    money = fund_services.disburse_pledge(pledge=funds_pledge, amount=Decimal(600_000))
    assert money.commitment == existing and FundCommitment.objects.get().amount == 5_000_000


def test_the_state_machine_refuses_what_the_ledger_forbids(funds_pledge):
    with pytest.raises(Conflict, match="disbursed against the pledge, not shipped"):
        request_services.dispatch(pledge=funds_pledge, quantity=Decimal(1))
    with pytest.raises(ValidationFailed, match="amount <= 600000"):
        fund_services.disburse_pledge(pledge=funds_pledge, amount=Decimal(600_001))
    with pytest.raises(ValidationFailed, match="whole cents"):
        fund_services.disburse_pledge(pledge=funds_pledge, amount=Decimal("0.001"))
    money = fund_services.disburse_pledge(
        pledge=funds_pledge, amount=Decimal(600_000), on=D(2020, 2, 12)
    )
    with pytest.raises(ValidationFailed, match="amount <= 0"):
        fund_services.disburse_pledge(pledge=funds_pledge, amount=Decimal(1))
    with pytest.raises(ValidationFailed, match="before it was disbursed"):
        fund_services.confirm_disbursement(
            disbursement=money, received_amount=Decimal(600_000), on=D(2020, 2, 11)
        )
    with pytest.raises(ValidationFailed, match=r"must be from 0 to the .* disbursed"):
        fund_services.confirm_disbursement(disbursement=money, received_amount=Decimal(600_001))
    fund_services.confirm_disbursement(disbursement=money, received_amount=Decimal(600_000))
    assert not Discrepancy.objects.exists()  # nothing short, nothing recorded
    with pytest.raises(Conflict, match="not edited"):
        fund_services.confirm_disbursement(disbursement=money, received_amount=Decimal(1))
    assert Disbursement.objects.get().received_amount == 600_000


def test_goods_pledges_are_not_disbursed(hubei):
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(ResourceType.objects.get(code="n95_mask"), Decimal(100))],
        user=None,
    )
    masks = request_services.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(100), user=None
    )
    with pytest.raises(Conflict, match="only a funds pledge is disbursed"):
        fund_services.disburse_pledge(pledge=masks, amount=Decimal(100))


def test_funds_only_flow_along_a_pair(hubei):
    with pytest.raises(ValidationFailed, match="not paired"):
        fund_services.commit_funds(
            donor=Participant.objects.get(pk=pk("370000")),
            recipient=Participant.objects.get(pk=pk("420900")),
            year=2020,
            amount=Decimal(1),
        )


def test_gaps_count_every_cash_disbursement_once(funds_pledge, hubei):
    huanggang, shandong = participant("421100"), participant("370000")
    NeedLine.objects.create(
        participant=huanggang,
        resource_type=ResourceType.objects.get(code="cny"),
        quantity=2_000_000,
        as_of=D(2020, 2, 10),
        source=Source.objects.create(key="t", title="test"),
    )
    pledged = fund_services.disburse_pledge(
        pledge=funds_pledge, amount=Decimal(600_000), on=D(2020, 2, 12)
    )
    fund_services.confirm_disbursement(
        disbursement=pledged, received_amount=Decimal(500_000), on=D(2020, 2, 14)
    )
    budget = fund_services.commit_funds(
        donor=shandong, recipient=huanggang, year=2020, amount=Decimal(300_000)
    )
    fund_services.disburse(commitment=budget, amount=Decimal(300_000), on=D(2020, 2, 13))
    in_kind = fund_services.commit_funds(
        donor=shandong, recipient=huanggang, year=2020, amount=Decimal(9_000_000), kind="in_kind"
    )
    fund_services.disburse(commitment=in_kind, amount=Decimal(9_000_000), on=D(2020, 2, 13))

    def cny(on: datetime.date) -> gap_queries.Gap:
        return {g.resource.code: g for g in gap_queries.gaps(hubei, on)}["cny"]

    before_receipt = cny(D(2020, 2, 13))
    assert (before_receipt.received, before_receipt.in_transit) == (0, 900_000)
    after = cny(D(2020, 2, 20))
    assert (after.received, after.in_transit, after.gap) == (500_000, 300_000, 1_200_000)


def test_the_contribution_rule_counts_what_arrived_once(db):
    from pairaid.programmes.models import Programme
    from pairaid.registry.models import IndicatorType, RegionalIndicator
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("wenchuan-2008")
    wenchuan = Programme.objects.get(slug="wenchuan-2008")
    shandong = Participant.objects.get(programme=wenchuan, region__code="370000")
    beichuan = Participant.objects.get(programme=wenchuan, role="recipient", region__code="510726")
    RegionalIndicator.objects.create(
        region=shandong.region,
        indicator=IndicatorType.objects.get(code="local_fiscal_revenue"),
        value=Decimal(1),
        as_of=D(2008, 12, 31),
        source=Source.objects.create(key="t2", title="test figure"),
    )
    request = request_services.raise_request(
        recipient=beichuan,
        lines=[request_services.LineIn(ResourceType.objects.get(code="cny"), Decimal(1_000_000))],
        user=None,
        on=D(2009, 3, 1),
    )
    pledge = request_services.pledge(
        line=request.lines.get(),
        donor=shandong,
        quantity=Decimal(1_000_000),
        user=None,
        on=D(2009, 3, 1),
    )
    money = fund_services.disburse_pledge(pledge=pledge, amount=Decimal(800_000), on=D(2009, 3, 2))

    def contributed() -> Decimal:
        checks = _year_checks(wenchuan, 2009)
        return checks["370000"].contributed.amount

    assert contributed() == 800_000
    fund_services.confirm_disbursement(
        disbursement=money, received_amount=Decimal(750_000), on=D(2009, 3, 5)
    )
    assert contributed() == 750_000


def test_wenchuan_contribution_rule_is_unknown_without_revenue_then_evaluated(db):
    from pairaid.programmes.models import Programme
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("wenchuan-2008")
    wenchuan = Programme.objects.get(slug="wenchuan-2008")
    checks = _year_checks(wenchuan, 2009)
    assert checks["370000"].status == "unknown"
    shandong = Participant.objects.get(programme=wenchuan, region__code="370000")
    beichuan = Participant.objects.get(programme=wenchuan, role="recipient", region__code="510726")
    RegionalIndicator.objects.create(
        region=shandong.region,
        indicator=IndicatorType.objects.get(code="local_fiscal_revenue"),
        value=Decimal(1957),
        as_of=D(2008, 12, 31),
        source=Source.objects.create(key="t2", title="test figure"),
    )
    commitment = FundCommitment.objects.create(
        programme=wenchuan,
        donor=shandong,
        recipient=beichuan,
        year=2009,
        kind="in_kind",
        amount=Decimal(2_000_000_000),
    )
    Disbursement.objects.create(
        commitment=commitment, date=D(2009, 6, 1), amount=Decimal(1_500_000_000)
    )
    check = _year_checks(wenchuan, 2009)["370000"]
    assert check.required.amount == Decimal("1957") * 100_000_000 * Decimal("0.01")
    assert check.status == "short" and check.short_by == Decimal(1_957_000_000) - Decimal(
        1_500_000_000
    )


def test_the_migration_turns_funds_shipments_into_disbursements(funds_pledge):
    """Data written before disbursements existed: a funds pledge 'shipped' as a transfer."""
    shipment = Shipment.objects.create(
        pledge=funds_pledge,
        quantity=Decimal(100_000),
        status="received",
        dispatched_on=D(2020, 2, 10),
        received_on=D(2020, 2, 11),
        received_quantity=Decimal(90_000),
        reference="OLD-1",
    )
    Discrepancy.objects.create(shipment=shipment, kind="short", quantity=Decimal(10_000))
    migration = importlib.import_module(
        "pairaid.operations.migrations.0003_funds_shipments_become_disbursements"
    )
    migration.forwards(apps, None)
    assert not Shipment.objects.exists()
    money = Disbursement.objects.get()
    assert (money.pledge, money.amount, money.status, money.received_amount, money.reference) == (
        funds_pledge,
        100_000,
        "received",
        90_000,
        "OLD-1",
    )
    assert Discrepancy.objects.get().disbursement == money
    assert money.commitment.amount == 100_000 and money.commitment.year == 2020
    line = funds_pledge.line
    assert progress(line) == (1_000_000, 600_000, 0, 90_000)


def _year_checks(programme, year):
    """The rule's checks of one year, by donor code (the whole programme's rows left out)."""
    return {
        c.donor.region.code: c
        for c in contributions.contribution_checks(programme, year)
        if c.period == str(year)
    }
