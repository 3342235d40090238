"""Issue 19's matching through the browser: Shandong offers masks and Huanggang asks for them;
the coordinator proposes a matching, Shandong's officer accepts its lines as pledges in one
step, and the request line shows the new pledge."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import PROGRAMME, log_in

from pairaid.operations.services import offers as offer_services
from pairaid.operations.services import requests as request_services
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.browser


def test_propose_then_the_donor_accepts_as_pledges(hubei_ledger_people, open_tab):  # type: ignore[no-untyped-def]
    hubei = hubei_ledger_people["programme"]
    masks = ResourceType.objects.get(code="n95_mask")
    offer_services.make_offer(
        donor=hubei.participants.get(region__code="370000"),
        lines=[offer_services.OfferLineIn(masks, Decimal(1000))],
        user=None,
    )
    request = request_services.raise_request(
        recipient=hubei.participants.get(region__code="421100", role="recipient"),
        lines=[request_services.LineIn(masks, Decimal(600))],
        user=None,
    )
    coordinator = open_tab(name="coordinator")
    log_in(coordinator, "carol_coordinator")
    coordinator.open(f"/p/{PROGRAMME}/matching/")
    page = coordinator.page
    with page.expect_navigation():
        page.locator("#propose button[type=submit]").click()
    expect(page.locator("#matching-levels")).to_contain_text("worst-off recipient")
    expect(page.locator("main")).to_contain_text("Shandong")
    coordinator.step("proposed")

    donor = open_tab(name="donor")
    log_in(donor, "dan_shandong")
    donor.open(f"/p/{PROGRAMME}/matching/")
    with donor.page.expect_navigation():
        donor.page.get_by_role("button", name="Accept Shandong's lines as pledges").click()
    expect(donor.page.locator("main")).to_contain_text("pledged")
    donor.step("accepted")
    assert request.lines.get().pledges.get().quantity == Decimal(600)
    donor.open(f"/p/{PROGRAMME}/requests/")
    expect(donor.page.locator("main")).to_contain_text("Shandong")
    donor.step("the request line shows the pledge")
