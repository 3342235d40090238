"""The ledger in the browser: Huanggang asks, Shandong pledges and ships, Huanggang receives
less than was sent; and the league table that ranks the donors by what they delivered."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import (
    PROGRAMME,
    Visit,
    confirm_receipt,
    dispatch_pledge,
    line_progress,
    log_in,
    pledge_against_line,
    raise_request,
)

from pairaid.operations.models import Discrepancy, Shipment
from pairaid.operations.services import requests as request_services
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.browser

LEAGUE = f"/p/{PROGRAMME}/league/"


def test_request_pledge_dispatch_and_short_receipt(hubei_ledger_people, open_tab):  # type: ignore[no-untyped-def]
    """Two officers, each in their own browser: the line's four figures follow every step."""
    recipient = open_tab(name="recipient")
    donor = open_tab(name="donor")
    log_in(recipient, "rita_huanggang")
    log_in(donor, "dan_shandong")
    masks = ResourceType.objects.get(code="n95_mask").name_en

    request = raise_request(recipient, "n95_mask", 10000, "urgent", note="for the fever clinics")
    expect(recipient.page.locator(request)).to_contain_text("Huanggang")
    assert line_progress(recipient, request) == {
        "resource": masks,
        "priority": "urgent",
        "requested": "10,000",
        "pledged": "0",
        "in_transit": "0",
        "received": "0",
        "discrepancies": "",
    }
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
    expect(donor.page.locator(f"{request} form.receive-form")).to_have_count(0)  # not theirs
    donor.step("dispatched")

    confirm_receipt(recipient, request, 5800, problem="short", note="two cartons missing")
    assert line_progress(recipient, request) == {
        "resource": masks,
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
    assert (found.kind, found.quantity, found.note) == ("short", 200, "two cartons missing")


@pytest.fixture
def shandong_delivered(hubei_ledger_people):  # type: ignore[no-untyped-def]
    """The same story, written straight to the ledger: Shandong has received 5,800 of 6,000."""
    programme = hubei_ledger_people["programme"]
    huanggang = programme.participants.get(region__code="421100")
    shandong = programme.participants.get(region__code="370000")
    masks = ResourceType.objects.get(code="n95_mask")
    request = request_services.raise_request(
        recipient=huanggang,
        lines=[request_services.LineIn(masks, Decimal(10000), "urgent", None)],
        user=hubei_ledger_people["recipient"],
    )
    pledge = request_services.pledge(
        line=request.lines.get(),
        donor=shandong,
        quantity=Decimal(6000),
        user=hubei_ledger_people["donor"],
    )
    shipment = request_services.dispatch(
        pledge=pledge, quantity=Decimal(6000), reference="SD-2020-0001"
    )
    request_services.confirm_receipt(
        shipment=shipment,
        received_quantity=Decimal(5800),
        discrepancies=[request_services.DiscrepancyIn("short", Decimal(200))],
    )
    return hubei_ledger_people


def league_donors(visit: Visit) -> list[str]:
    return [
        d.strip() for d in visit.page.locator("#league tbody tr td:first-child").all_inner_texts()
    ]


def test_league_table_shows_its_formula_sorts_and_exports(shandong_delivered, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "dan_shandong")
    tab.open(LEAGUE)
    page = tab.page
    expect(page.locator("#formula")).to_contain_text("fulfilment = received ÷ pledged")
    shandong = page.locator("#league tbody tr").filter(
        has=page.locator("td:first-child", has_text="Shandong")
    )
    expect(shandong).to_have_count(1)
    cells = [c.strip() for c in shandong.locator("td").all_inner_texts()]
    # Donor, staff pledged, staff deployed, days to first arrival, fulfilment, lead time, ...
    assert cells[:6] == ["Shandong", "0", "0", "–", "97 %", "0"], cells
    default_order = league_donors(tab)
    assert len(default_order) > 1, default_order
    tab.step("league")

    with page.expect_navigation():
        page.locator("#league thead").get_by_role("link", name="Donor", exact=True).click()
    assert page.url.endswith("?sort=donor"), page.url
    by_name = league_donors(tab)
    assert by_name == sorted(default_order) != default_order
    tab.step("sorted-by-donor")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV (HXL)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{PROGRAMME}-league-"), download
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("#org+code,#org+name,"), lines[:2]
    rows = list(csv.DictReader(io.StringIO("\n".join([lines[0], *lines[2:]]))))
    assert {r["donor_code"] for r in rows} >= {"370000"}
    assert [r["donor"] for r in rows if r["donor_code"] == "370000"] == ["Shandong"]
    tab.step("exported")


def test_league_table_puts_donors_without_a_figure_last(shandong_delivered, tab):  # type: ignore[no-untyped-def]
    """Sorted by fulfilment, Shandong (the only donor with a rate) leads; the '–' rows follow."""
    log_in(tab, "dan_shandong")
    tab.open(LEAGUE)
    with tab.page.expect_navigation():
        tab.page.locator("#league thead").get_by_role("link", name="Fulfilment").click()
    assert tab.page.url.endswith("?sort=fulfilment_rate"), tab.page.url
    tab.step("sorted-by-fulfilment")
    assert league_donors(tab)[0] == "Shandong", league_donors(tab)
