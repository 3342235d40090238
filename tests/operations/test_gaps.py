"""The gap analysis takes the need from the need figures and from the recipient's requests: a
request for a resource nobody assessed is a gap, and asking for more than the figure raises it."""

import datetime
from decimal import Decimal

import pytest

from pairaid.operations import ledger
from pairaid.operations import services as ops
from pairaid.operations.models import Request
from pairaid.programmes.models import NeedLine, Participant
from pairaid.registry.models import ResourceType, Source

pytestmark = pytest.mark.django_db
D = datetime.date


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code)


def resource(code: str) -> ResourceType:
    return ResourceType.objects.get(code=code)


def gap_of(programme, code: str, on: datetime.date) -> ledger.Gap:  # type: ignore[no-untyped-def]
    found = [
        g
        for g in ledger.gaps(programme, on)
        if g.resource.code == code and g.recipient.region.code == "421100"
    ]
    assert len(found) == 1, found
    return found[0]


def ask(code: str, quantity: int, on: datetime.date | None = None) -> Request:
    return ops.raise_request(
        recipient=participant("421100"),
        lines=[ops.LineIn(resource(code), Decimal(quantity))],
        user=None,
        on=on or D(2020, 2, 12),
    )


def test_a_request_without_a_need_figure_is_a_gap(hubei):
    """Huanggang asks for 20,000 surgical masks (no need figure); Shandong ships 12,000, 11,500
    arrive: 8,500 are still missing."""
    assert not [g for g in ledger.gaps(hubei, D(2020, 2, 12)) if g.resource.code == "surgical_mask"]
    request = ask("surgical_mask", 20000)
    pledge = ops.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(12000), user=None
    )
    shipment = ops.dispatch(pledge=pledge, quantity=Decimal(12000))
    in_transit = gap_of(hubei, "surgical_mask", D(2020, 2, 12))
    assert (in_transit.need, in_transit.in_transit, in_transit.gap) == (20000, 12000, 8000)
    assert in_transit.from_requests and in_transit.assessed is None
    ops.confirm_receipt(
        shipment=shipment,
        received_quantity=Decimal(11500),
        discrepancies=[ops.DiscrepancyIn("short", Decimal(500))],
    )
    received = gap_of(hubei, "surgical_mask", D(2020, 2, 12))
    assert (received.received, received.in_transit, received.gap) == (11500, 0, 8500)
    # Before the request was raised there was no gap.
    assert not [g for g in ledger.gaps(hubei, D(2020, 2, 11)) if g.resource.code == "surgical_mask"]


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
    ops.pledge(
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
