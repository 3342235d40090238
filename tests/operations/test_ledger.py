"""The one ledger: requests → pledges → shipments → receipts (goods), deployments (staff),
with their state machines enforced; line progress, gaps, duplicates and the contribution rule."""

import datetime
from decimal import Decimal

import pytest

from pairaid.errors import Conflict, ValidationFailed
from pairaid.operations import ledger
from pairaid.operations import services as ops
from pairaid.operations.models import Disbursement, Discrepancy, FundCommitment
from pairaid.programmes.models import NeedLine, Participant
from pairaid.registry.models import IndicatorType, RegionalIndicator, ResourceType, Source

pytestmark = pytest.mark.django_db
D = datetime.date


def participant(code: str, role: str = "") -> Participant:
    found = Participant.objects.filter(programme__slug="hubei-2020", region__code=code)
    return found.get(role=role) if role else found.get()


def resource(code: str) -> ResourceType:
    return ResourceType.objects.get(code=code)


@pytest.fixture
def masks(hubei):  # type: ignore[no-untyped-def]
    request = ops.raise_request(
        recipient=participant("421100"),
        lines=[ops.LineIn(resource("n95_mask"), Decimal(10000), "urgent", D(2020, 2, 15))],
        user=None,
    )
    return request.lines.get()


def test_a_request_defaults_to_the_programme_date_and_expires(hubei, settings):
    request = ops.raise_request(
        recipient=participant("421100"),
        lines=[ops.LineIn(resource("ventilator"), Decimal(5))],
        user=None,
    )
    assert request.raised_on == D(2020, 2, 12)
    assert request.expires_on == D(2020, 2, 12) + datetime.timedelta(
        days=settings.PAIRAID_REQUEST_EXPIRY_DAYS
    )
    late = request.expires_on + datetime.timedelta(days=1)
    assert ledger.is_expired(request, late)
    with pytest.raises(Conflict, match="expired"):
        ops.pledge(
            line=request.lines.get(),
            donor=participant("370000"),
            quantity=Decimal(1),
            user=None,
            on=late,
        )
    ops.renew_request(request=request, on=late)
    assert not ledger.is_expired(request, late)


def test_goods_flow_with_a_short_receipt(masks):
    shandong = participant("370000")
    pledge = ops.pledge(line=masks, donor=shandong, quantity=Decimal(6000), user=None)
    shipment = ops.dispatch(pledge=pledge, quantity=Decimal(6000), reference="SD-001")
    ops.mark_in_transit(shipment=shipment)
    progress = ledger._progress(masks)
    assert (progress.requested, progress.pledged, progress.in_transit, progress.received) == (
        10000,
        6000,
        6000,
        0,
    )
    ops.confirm_receipt(shipment=shipment, received_quantity=Decimal(5800))
    discrepancy = Discrepancy.objects.get(shipment=shipment)
    assert (discrepancy.kind, discrepancy.quantity) == ("short", 200)
    progress = ledger._progress(masks)
    assert (progress.in_transit, progress.received) == (0, 5800)
    assert progress.discrepancies == ["short 200: recorded at receipt"]
    with pytest.raises(Conflict, match="already received"):
        ops.confirm_receipt(shipment=shipment, received_quantity=Decimal(6000))
    assert shipment.history.count() >= 3  # every transition is in the history


def test_no_pledge_beyond_the_line_without_a_note(masks):
    hunan = participant("430000")
    ops.pledge(line=masks, donor=hunan, quantity=Decimal(9000), user=None)
    with pytest.raises(ValidationFailed, match="beyond what the line still needs"):
        ops.pledge(line=masks, donor=participant("370000"), quantity=Decimal(2000), user=None)
    ops.pledge(
        line=masks,
        donor=participant("370000"),
        quantity=Decimal(2000),
        user=None,
        note="spare stock",
    )


def test_no_receipt_without_dispatch_and_no_overshipping(masks):
    pledge = ops.pledge(line=masks, donor=participant("370000"), quantity=Decimal(100), user=None)
    with pytest.raises(ValidationFailed):
        ops.dispatch(pledge=pledge, quantity=Decimal(101))
    shipment = ops.dispatch(pledge=pledge, quantity=Decimal(100))
    ops.confirm_receipt(shipment=shipment, received_quantity=Decimal(100))
    with pytest.raises(Conflict):
        ops.mark_in_transit(shipment=shipment)


def test_staff_flow_through_deployments_and_rotation(hubei):
    shandong, huanggang = participant("370000"), participant("421100")
    request = ops.raise_request(
        recipient=huanggang, lines=[ops.LineIn(resource("icu_nurse"), Decimal(40))], user=None
    )
    pledge = ops.pledge(line=request.lines.get(), donor=shandong, quantity=Decimal(30), user=None)
    team = ops.register_team(
        donor=shandong,
        name="Shandong ICU team 1",
        members={resource("icu_nurse"): 30, resource("icu_doctor"): 5},
    )
    with pytest.raises(Conflict, match="deployment, not a shipment"):
        ops.dispatch(pledge=pledge, quantity=Decimal(30))
    deployment = ops.deploy(team=team, recipient=huanggang, pledge=pledge)
    with pytest.raises(Conflict):
        ops.confirm_arrival(deployment=deployment)  # no arrival without dispatch
    ops.dispatch_team(deployment=deployment, on=D(2020, 2, 12))
    assert ledger._progress(request.lines.get()).in_transit == 30
    ops.confirm_arrival(deployment=deployment, on=D(2020, 2, 13))
    assert ledger._progress(request.lines.get()).received == 30
    # Rotation: team 2 replaces team 1 with 2 days of overlap.
    team2 = ops.register_team(
        donor=shandong, name="Shandong ICU team 2", members={resource("icu_nurse"): 30}
    )
    relief = ops.deploy(
        team=team2, recipient=huanggang, replaces=deployment, overlap_days=2, start=D(2020, 3, 1)
    )
    ops.dispatch_team(deployment=relief, on=D(2020, 3, 1))
    ops.confirm_arrival(deployment=relief, on=D(2020, 3, 2))
    deployment.refresh_from_db()
    assert deployment.planned_end == D(2020, 3, 4)
    assert ops.on_duty(deployment, D(2020, 3, 3)) and not ops.on_duty(deployment, D(2020, 3, 4))


def test_gaps_count_staff_on_duty_not_cumulatively(hubei):
    huanggang = participant("421100")
    source = Source.objects.create(key="t", title="test")
    NeedLine.objects.create(
        participant=huanggang,
        resource_type=resource("icu_nurse"),
        quantity=50,
        as_of=D(2020, 2, 10),
        source=source,
    )
    NeedLine.objects.create(
        participant=huanggang,
        resource_type=resource("n95_mask"),
        quantity=1000,
        as_of=D(2020, 2, 10),
        source=source,
    )
    team = ops.register_team(
        donor=participant("370000"), name="T", members={resource("icu_nurse"): 30}
    )
    deployment = ops.deploy(team=team, recipient=huanggang)
    ops.dispatch_team(deployment=deployment, on=D(2020, 2, 12))
    ops.confirm_arrival(deployment=deployment, on=D(2020, 2, 13))
    ops.end_deployment(deployment=deployment, on=D(2020, 3, 1))
    request = ops.raise_request(
        recipient=huanggang, lines=[ops.LineIn(resource("n95_mask"), Decimal(1000))], user=None
    )
    pledge = ops.pledge(
        line=request.lines.get(),
        donor=participant("430000"),
        quantity=Decimal(1200),
        user=None,
        note="extra",
    )
    ops.dispatch(pledge=pledge, quantity=Decimal(1200), on=D(2020, 2, 13))
    on_feb_20 = {g.resource.code: g for g in ledger.gaps(hubei, D(2020, 2, 20))}
    assert on_feb_20["icu_nurse"].gap == 20
    assert on_feb_20["n95_mask"].gap == -200 and on_feb_20["n95_mask"].over_supplied
    assert {g.resource.code: g.gap for g in ledger.gaps(hubei, D(2020, 3, 5))}["icu_nurse"] == 50


def test_duplicate_requests_are_flagged(hubei):
    huanggang = participant("421100")
    first = ops.raise_request(
        recipient=huanggang, lines=[ops.LineIn(resource("ventilator"), Decimal(5))], user=None
    )
    second = ops.raise_request(
        recipient=huanggang, lines=[ops.LineIn(resource("ventilator"), Decimal(3))], user=None
    )
    assert [
        (a.number, b.number, code)
        for a, b, code in ledger.duplicate_requests(hubei, D(2020, 2, 12))
    ] == [(first.number, second.number, "ventilator")]


def test_wenchuan_contribution_rule_is_unknown_without_revenue_then_evaluated(db):
    from pairaid.programmes.models import Programme
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("wenchuan-2008")
    wenchuan = Programme.objects.get(slug="wenchuan-2008")
    checks = {c.donor.region.code: c for c in ledger.contribution_checks(wenchuan, 2009)}
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
    check = {c.donor.region.code: c for c in ledger.contribution_checks(wenchuan, 2009)}["370000"]
    assert check.required == Decimal("1957") * 100_000_000 * Decimal("0.01")
    assert check.status == "short" and check.short_by == Decimal(1_957_000_000) - Decimal(
        1_500_000_000
    )
