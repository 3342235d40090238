"""Funds pledges are fulfilled by disbursements (IATI: pledge → commitment → disbursement):
disbursed = in transit, confirmed by the recipient = received, a shortfall kept as a
discrepancy; the line, the gaps, the contribution rule and the league count each once."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from pairaid.errors import Conflict, ValidationFailed
from pairaid.operations import ledger
from pairaid.operations import services as ops
from pairaid.operations.models import Disbursement, Discrepancy, FundCommitment, Shipment
from pairaid.programmes.models import NeedLine, Participant
from pairaid.registry.models import ResourceType, Source

pytestmark = pytest.mark.django_db
D = datetime.date


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code)


def progress(line):  # type: ignore[no-untyped-def]
    p = ledger._progress(line)
    return (p.requested, p.pledged, p.in_transit, p.received)


def test_a_funds_pledge_is_disbursed_then_confirmed_short(funds_pledge):
    line = funds_pledge.line
    money = ops.disburse_pledge(
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
    ops.confirm_disbursement(
        disbursement=money, received_amount=Decimal(390_000), note="bank fee", on=D(2020, 2, 13)
    )
    assert progress(line) == (1_000_000, 600_000, 0, 390_000)
    short = Discrepancy.objects.get(disbursement=money)
    assert (short.kind, short.quantity, short.note) == ("short", 10_000, "bank fee")
    assert ledger._progress(line).discrepancies == ["short 10000: bank fee"]
    assert [h.status for h in money.history.order_by("history_date")] == ["disbursed", "received"]
    # The second disbursement raises the same commitment instead of opening another.
    ops.disburse_pledge(pledge=funds_pledge, amount=Decimal(200_000), on=D(2020, 2, 20))
    assert FundCommitment.objects.get().amount == 600_000
    assert progress(line) == (1_000_000, 600_000, 200_000, 390_000)


def test_an_existing_commitment_with_room_is_drawn_on(funds_pledge):
    existing = ops.commit_funds(
        donor=participant("370000"),
        recipient=participant("421100"),
        year=2020,
        amount=Decimal(5_000_000),
    )
    money = ops.disburse_pledge(pledge=funds_pledge, amount=Decimal(600_000))
    assert money.commitment == existing and FundCommitment.objects.get().amount == 5_000_000


def test_the_state_machine_refuses_what_the_ledger_forbids(funds_pledge):
    with pytest.raises(Conflict, match="disbursed against the pledge, not shipped"):
        ops.dispatch(pledge=funds_pledge, quantity=Decimal(1))
    with pytest.raises(ValidationFailed, match="amount <= 600000"):
        ops.disburse_pledge(pledge=funds_pledge, amount=Decimal(600_001))
    with pytest.raises(ValidationFailed, match="whole cents"):
        ops.disburse_pledge(pledge=funds_pledge, amount=Decimal("0.001"))
    money = ops.disburse_pledge(pledge=funds_pledge, amount=Decimal(600_000), on=D(2020, 2, 12))
    with pytest.raises(ValidationFailed, match="amount <= 0"):
        ops.disburse_pledge(pledge=funds_pledge, amount=Decimal(1))
    with pytest.raises(ValidationFailed, match="before it was disbursed"):
        ops.confirm_disbursement(
            disbursement=money, received_amount=Decimal(600_000), on=D(2020, 2, 11)
        )
    with pytest.raises(ValidationFailed, match="what was disbursed"):
        ops.confirm_disbursement(disbursement=money, received_amount=Decimal(600_001))
    ops.confirm_disbursement(disbursement=money, received_amount=Decimal(600_000))
    assert not Discrepancy.objects.exists()  # nothing short, nothing recorded
    with pytest.raises(Conflict, match="not edited"):
        ops.confirm_disbursement(disbursement=money, received_amount=Decimal(1))
    assert Disbursement.objects.get().received_amount == 600_000


def test_goods_pledges_are_not_disbursed(hubei):
    request = ops.raise_request(
        recipient=participant("421100"),
        lines=[ops.LineIn(ResourceType.objects.get(code="n95_mask"), Decimal(100))],
        user=None,
    )
    masks = ops.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(100), user=None
    )
    with pytest.raises(Conflict, match="only a funds pledge is disbursed"):
        ops.disburse_pledge(pledge=masks, amount=Decimal(100))


def test_gaps_count_every_cash_disbursement_once(funds_pledge, hubei):
    huanggang, shandong = participant("421100"), participant("370000")
    NeedLine.objects.create(
        participant=huanggang,
        resource_type=ResourceType.objects.get(code="cny"),
        quantity=2_000_000,
        as_of=D(2020, 2, 10),
        source=Source.objects.create(key="t", title="test"),
    )
    pledged = ops.disburse_pledge(pledge=funds_pledge, amount=Decimal(600_000), on=D(2020, 2, 12))
    ops.confirm_disbursement(
        disbursement=pledged, received_amount=Decimal(500_000), on=D(2020, 2, 14)
    )
    budget = ops.commit_funds(
        donor=shandong, recipient=huanggang, year=2020, amount=Decimal(300_000)
    )
    ops.disburse(commitment=budget, amount=Decimal(300_000), on=D(2020, 2, 13))
    in_kind = ops.commit_funds(
        donor=shandong, recipient=huanggang, year=2020, amount=Decimal(9_000_000), kind="in_kind"
    )
    ops.disburse(commitment=in_kind, amount=Decimal(9_000_000), on=D(2020, 2, 13))

    def cny(on: datetime.date) -> ledger.Gap:
        return {g.resource.code: g for g in ledger.gaps(hubei, on)}["cny"]

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
    request = ops.raise_request(
        recipient=beichuan,
        lines=[ops.LineIn(ResourceType.objects.get(code="cny"), Decimal(1_000_000))],
        user=None,
        on=D(2009, 3, 1),
    )
    pledge = ops.pledge(
        line=request.lines.get(),
        donor=shandong,
        quantity=Decimal(1_000_000),
        user=None,
        on=D(2009, 3, 1),
    )
    money = ops.disburse_pledge(pledge=pledge, amount=Decimal(800_000), on=D(2009, 3, 2))

    def contributed() -> Decimal:
        checks = {c.donor.region.code: c for c in ledger.contribution_checks(wenchuan, 2009)}
        return checks["370000"].contributed

    assert contributed() == 800_000
    ops.confirm_disbursement(disbursement=money, received_amount=Decimal(750_000), on=D(2009, 3, 5))
    assert contributed() == 750_000


def test_the_league_counts_confirmed_money_as_fulfilment(funds_pledge, hubei):
    money = ops.disburse_pledge(pledge=funds_pledge, amount=Decimal(300_000), on=D(2020, 2, 12))
    ops.confirm_disbursement(
        disbursement=money, received_amount=Decimal(300_000), on=D(2020, 2, 14)
    )
    row = next(
        r for r in ledger.league_table(hubei, D(2020, 2, 20)) if r.donor.region.code == "370000"
    )
    assert row.fulfilment_rate == 0.5 and row.median_lead_days == 2


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
