"""Requests, pledges, shipments and receipts (goods) with their state machines enforced: expiry
and renewal, a line's progress, no pledge beyond the line without a note, no receipt without a
dispatch, duplicates flagged."""

import datetime
from decimal import Decimal

import pytest
from tests.operations.helpers import participant, resource

from pairaid.errors import Conflict, ValidationFailed
from pairaid.operations.models import Discrepancy
from pairaid.operations.queries import requests as request_queries
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db


D = datetime.date


@pytest.fixture
def masks(hubei):  # type: ignore[no-untyped-def]
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[
            request_services.LineIn(resource("n95_mask"), Decimal(10000), "urgent", D(2020, 2, 15))
        ],
        user=None,
    )
    return request.lines.get()


def test_a_request_defaults_to_the_programme_date_and_expires(hubei, settings):
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("ventilator"), Decimal(5))],
        user=None,
    )
    assert request.raised_on == D(2020, 2, 12)
    assert request.expires_on == D(2020, 2, 12) + datetime.timedelta(
        days=settings.PAIRAID_REQUEST_EXPIRY_DAYS
    )
    late = request.expires_on + datetime.timedelta(days=1)
    assert request_queries.is_expired(request, late)
    with pytest.raises(Conflict, match="expired"):
        request_services.pledge(
            line=request.lines.get(),
            donor=participant("370000"),
            quantity=Decimal(1),
            user=None,
            on=late,
        )
    request_services.renew_request(request=request, on=late)
    assert not request_queries.is_expired(request, late)


def test_goods_flow_with_a_short_receipt(masks):
    shandong = participant("370000")
    pledge = request_services.pledge(line=masks, donor=shandong, quantity=Decimal(6000), user=None)
    shipment = request_services.dispatch(pledge=pledge, quantity=Decimal(6000), reference="SD-001")
    request_services.mark_in_transit(shipment=shipment)
    progress = request_queries.line_progress(masks)
    assert (progress.requested, progress.pledged, progress.in_transit, progress.received) == (
        10000,
        6000,
        6000,
        0,
    )
    request_services.confirm_receipt(shipment=shipment, received_quantity=Decimal(5800))
    discrepancy = Discrepancy.objects.get(shipment=shipment)
    assert (discrepancy.kind, discrepancy.quantity) == ("short", 200)
    progress = request_queries.line_progress(masks)
    assert (progress.in_transit, progress.received) == (0, 5800)
    assert progress.discrepancies == ["short 200: recorded at receipt"]
    with pytest.raises(Conflict, match="already received"):
        request_services.confirm_receipt(shipment=shipment, received_quantity=Decimal(6000))
    assert shipment.history.count() >= 3  # every transition is in the history


def test_no_pledge_beyond_the_line_without_a_note(masks):
    hunan = participant("430000")
    request_services.pledge(line=masks, donor=hunan, quantity=Decimal(9000), user=None)
    with pytest.raises(ValidationFailed, match="beyond what the line still needs"):
        request_services.pledge(
            line=masks, donor=participant("370000"), quantity=Decimal(2000), user=None
        )
    request_services.pledge(
        line=masks,
        donor=participant("370000"),
        quantity=Decimal(2000),
        user=None,
        note="spare stock",
    )


def test_no_receipt_without_dispatch_and_no_overshipping(masks):
    pledge = request_services.pledge(
        line=masks, donor=participant("370000"), quantity=Decimal(100), user=None
    )
    with pytest.raises(ValidationFailed):
        request_services.dispatch(pledge=pledge, quantity=Decimal(101))
    shipment = request_services.dispatch(pledge=pledge, quantity=Decimal(100))
    request_services.confirm_receipt(shipment=shipment, received_quantity=Decimal(100))
    with pytest.raises(Conflict):
        request_services.mark_in_transit(shipment=shipment)


def test_duplicate_requests_are_flagged(hubei):
    huanggang = participant("421100")
    first = request_services.raise_request(
        recipient=huanggang,
        lines=[request_services.LineIn(resource("ventilator"), Decimal(5))],
        user=None,
    )
    second = request_services.raise_request(
        recipient=huanggang,
        lines=[request_services.LineIn(resource("ventilator"), Decimal(3))],
        user=None,
    )
    assert [
        (a.number, b.number, code)
        for a, b, code in request_queries.duplicate_requests(hubei, D(2020, 2, 12))
    ] == [(first.number, second.number, "ventilator")]
