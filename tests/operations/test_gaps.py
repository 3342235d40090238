"""The gap analysis takes the need from the need figures and from the recipient's requests: a
request for a resource nobody assessed is a gap, and asking for more than the figure raises it.
Staff are measured on duty at the date, not cumulatively."""

import datetime
from decimal import Decimal

import pytest
from tests.operations.helpers import participant, resource

from pairaid.operations.models import Request
from pairaid.operations.queries import gaps as gap_queries
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services
from pairaid.programmes.models import NeedLine
from pairaid.registry.models import Source

pytestmark = pytest.mark.django_db


D = datetime.date


def gap_of(programme, code: str, on: datetime.date) -> gap_queries.Gap:  # type: ignore[no-untyped-def]
    found = [
        g
        for g in gap_queries.gaps(programme, on)
        if g.resource.code == code and g.recipient.region.code == "421100"
    ]
    assert len(found) == 1, found
    return found[0]


def ask(code: str, quantity: int, on: datetime.date | None = None) -> Request:
    return request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource(code), Decimal(quantity))],
        user=None,
        on=on or D(2020, 2, 12),
    )


def test_a_request_without_a_need_figure_is_a_gap(hubei):
    """Huanggang asks for 20,000 surgical masks (no need figure); Shandong ships 12,000, 11,500
    arrive: 8,500 are still missing."""
    assert not [
        g for g in gap_queries.gaps(hubei, D(2020, 2, 12)) if g.resource.code == "surgical_mask"
    ]
    request = ask("surgical_mask", 20000)
    pledge = request_services.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(12000), user=None
    )
    shipment = request_services.dispatch(pledge=pledge, quantity=Decimal(12000))
    in_transit = gap_of(hubei, "surgical_mask", D(2020, 2, 12))
    assert (in_transit.need, in_transit.in_transit, in_transit.gap) == (20000, 12000, 8000)
    assert in_transit.from_requests and in_transit.assessed is None
    request_services.confirm_receipt(
        shipment=shipment,
        received_quantity=Decimal(11500),
        discrepancies=[request_services.DiscrepancyIn("short", Decimal(500))],
    )
    received = gap_of(hubei, "surgical_mask", D(2020, 2, 12))
    assert (received.received, received.in_transit, received.gap) == (11500, 0, 8500)
    # Before the request was raised there was no gap.
    assert not [
        g for g in gap_queries.gaps(hubei, D(2020, 2, 11)) if g.resource.code == "surgical_mask"
    ]


def test_the_need_is_the_figure_or_the_requests_whichever_is_larger(hubei):
    NeedLine.objects.create(
        participant=participant("421100"),
        resource_type=resource("protective_suit"),
        quantity=20000,
        as_of=D(2020, 2, 10),
        source=Source.objects.create(key="t", title="test"),
    )
    ask("protective_suit", 15000)
    below = gap_of(hubei, "protective_suit", D(2020, 2, 12))
    assert (below.need, below.assessed, below.requested, below.from_requests) == (
        20000,
        20000,
        15000,
        False,
    )
    ask("protective_suit", 8000)
    above = gap_of(hubei, "protective_suit", D(2020, 2, 12))
    assert (above.need, above.requested, above.from_requests) == (23000, 23000, True)


def test_an_expired_request_counts_only_what_was_pledged(hubei, settings):
    request = ask("surgical_mask", 1000, on=D(2020, 2, 1))
    request_services.pledge(
        line=request.lines.get(),
        donor=participant("370000"),
        quantity=Decimal(400),
        user=None,
        on=D(2020, 2, 2),
    )
    live = gap_of(hubei, "surgical_mask", request.expires_on)
    assert (live.need, live.gap) == (1000, 1000)
    lapsed = gap_of(hubei, "surgical_mask", request.expires_on + datetime.timedelta(days=1))
    assert (lapsed.need, lapsed.gap) == (400, 400)


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
    team = team_services.register_team(
        donor=participant("370000"), name="T", members={resource("icu_nurse"): 30}
    )
    deployment = team_services.deploy(team=team, recipient=huanggang)
    team_services.dispatch_team(deployment=deployment, on=D(2020, 2, 12))
    team_services.confirm_arrival(deployment=deployment, on=D(2020, 2, 13))
    team_services.end_deployment(deployment=deployment, on=D(2020, 3, 1))
    request = request_services.raise_request(
        recipient=huanggang,
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(1000))],
        user=None,
    )
    pledge = request_services.pledge(
        line=request.lines.get(),
        donor=participant("430000"),
        quantity=Decimal(1200),
        user=None,
        note="extra",
    )
    request_services.dispatch(pledge=pledge, quantity=Decimal(1200), on=D(2020, 2, 13))
    on_feb_20 = {g.resource.code: g for g in gap_queries.gaps(hubei, D(2020, 2, 20))}
    assert on_feb_20["icu_nurse"].gap == 20
    assert on_feb_20["n95_mask"].gap == -200 and on_feb_20["n95_mask"].over_supplied
    assert {g.resource.code: g.gap for g in gap_queries.gaps(hubei, D(2020, 3, 5))}[
        "icu_nurse"
    ] == 50
