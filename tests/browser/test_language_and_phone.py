"""The language switch, and the dashboard on a phone-sized screen."""

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import PHONE, PROGRAMME, expect_chart_drawn, log_in, open_dashboard

pytestmark = pytest.mark.browser


def test_language_switch_turns_the_interface_chinese(hubei_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    open_dashboard(tab)
    page = tab.page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main table").first).to_contain_text("Huanggang")
    tab.step("dashboard-english")

    with page.expect_navigation():
        page.locator("form.lang button[name=language][value=zh-hans]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    # The switch sends you back to the page you were on, with region names in Chinese.
    assert page.url == tab.url(f"/p/{PROGRAMME}/")
    expect(page.locator("main table").first).to_contain_text("黄冈市")
    expect_chart_drawn(tab, "#chart")
    expect_chart_drawn(tab, "#map")
    tab.step("dashboard-chinese")

    # The choice holds on the next page, and the switch now offers English.
    tab.open("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("form.lang button[name=language][value=en]")).to_be_visible()
    tab.step("home-chinese")


def page_overflows(tab) -> bool:  # type: ignore[no-untyped-def]
    """Whether the page is wider than the screen (a sideways scroll of the whole page)."""
    return tab.page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def test_dashboard_on_a_phone(hubei_people, open_tab):  # type: ignore[no-untyped-def]
    phone = open_tab(viewport=PHONE)
    log_in(phone, "carol_coordinator")
    open_dashboard(phone)
    assert not page_overflows(phone), phone.page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    phone.step("dashboard-phone")


def test_a_donor_officer_pledges_on_a_phone(hubei_ledger_people, open_tab):  # type: ignore[no-untyped-def]
    """Issue 18 item 7: on a 390 px phone the Requests page lost its Pledge button to a table
    wider than the screen. The button stays within the screen's width, and a tap pledges."""
    from decimal import Decimal

    from pairaid.operations.services import requests
    from pairaid.programmes.models import Participant
    from pairaid.registry.models import ResourceType

    huanggang = Participant.objects.get(programme__slug=PROGRAMME, region__code="421100")
    masks = ResourceType.objects.get(code="n95_mask")
    request = requests.raise_request(
        recipient=huanggang, lines=[requests.LineIn(masks, Decimal(5000))], user=None
    )

    phone = open_tab(viewport=PHONE)
    log_in(phone, "dan_shandong")
    phone.open(f"/p/{PROGRAMME}/requests/")
    assert not page_overflows(phone), phone.page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    form = phone.page.locator(f"#request-{request.number} form.pledge-form")
    pledge = form.locator("button", has_text="Pledge")
    # Scrolled to by the page only (not inside its table): the button is already on screen.
    pledge.evaluate("button => window.scrollTo(0, button.getBoundingClientRect().top - 200)")
    expect(pledge).to_be_in_viewport()
    box = pledge.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    phone.step("pledge-on-phone")

    form.locator("input[name=quantity]").fill("1000")
    with phone.page.expect_navigation():
        pledge.click()
    expect(phone.page.locator("ul.messages li.success")).to_have_text("Pledge recorded.")
    phone.step("pledged-on-phone")
