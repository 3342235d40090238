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
