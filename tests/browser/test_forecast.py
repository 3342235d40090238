"""A coordinator opens a city and sees its projected cases with their bands beside the cases
really observed (issue 20, "done when"), then the city's outcomes, labelled descriptive."""

import datetime

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import PROGRAMME, expect_chart_drawn, log_in

from pairaid.foresight import services

pytestmark = pytest.mark.browser

HUANGGANG = "CN:421100"


def test_coordinator_opens_a_city_and_sees_its_forecast_beside_the_record(hubei_people, tab):  # type: ignore[no-untyped-def]
    run = services.start(
        programme=hubei_people["programme"],
        user=None,
        enqueue=lambda _pk: None,
        origin=datetime.date(2020, 2, 12),
        paths=200,
    )
    services.execute(run.pk)
    log_in(tab, "carol_coordinator")
    page = tab.page
    tab.open(f"/regions/{HUANGGANG}/")
    with page.expect_navigation():
        page.locator("a.forecast-link").click()
    expect(page.locator("h1")).to_contain_text("Huanggang")
    expect(page.locator("main")).to_contain_text("model output")
    for target in ("new_confirmed", "active"):
        expect_chart_drawn(tab, f'[data-forecast-target="{target}"]')
    tab.step("forecast")
    page.locator("#forecast-active details > summary").click()
    # The record's figure on the origin and the forecast's bands a week later, side by side.
    table = page.locator("#forecast-active table")
    expect(table).to_contain_text("2020-02-12")
    expect(table).to_contain_text("2020-02-19")
    tab.step("forecast-figures")
    with page.expect_navigation():
        page.get_by_role("link", name="Evaluation of results", exact=True).first.click()
    expect(page.locator("main")).to_contain_text("descriptive, not causal")
    expect_chart_drawn(tab, "#evaluation-chart")
    assert page.url.endswith(f"/p/{PROGRAMME}/evaluation/{HUANGGANG}/")
