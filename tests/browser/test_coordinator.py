"""A coordinator's day: log in, read the programme, run a plan, compare, approve (and publish)."""

import pytest
from playwright.sync_api import expect

from pairaid.pairing.models import PlanRun
from tests.browser.browsing import (
    PROGRAMME,
    approve_run,
    log_in,
    open_dashboard,
    publish_approved_plan,
    start_plan_run,
    wait_for_comparison,
)

pytestmark = pytest.mark.browser


def test_coordinator_logs_in_and_sees_the_programme(hubei_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    page = tab.page
    expect(page.locator("header .who")).to_have_text("carol_coordinator")
    programme_link = page.locator(f"main table a[href='/p/{PROGRAMME}/']")
    expect(programme_link).to_be_visible()
    expect(page.locator("main table")).to_contain_text(PROGRAMME)
    tab.step("home")

    # Every page of the programme's navigation opens without a browser error.
    with page.expect_navigation():
        programme_link.click()
    tab.step("overview")
    for label, heading in [("Participants", "Participants"), ("Plan", "Plan the pairing")]:
        with page.expect_navigation():
            page.locator("header nav").get_by_role("link", name=label, exact=True).click()
        expect(page.locator("h1")).to_contain_text(heading)
        tab.step(label.lower())


def test_dashboard_draws_its_map_and_chart(hubei_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    open_dashboard(tab)
    tab.step("dashboard")


def test_coordinator_plans_compares_approves_and_publishes(hubei_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    run_page = start_plan_run(tab, time_limit_seconds=10)
    tab.step("run-started")
    wait_for_comparison(tab)
    # The proposed plan is drawn on the run page's own map.
    expect(tab.page.locator("#map canvas").first).to_be_attached()
    tab.step("comparison")

    approve_run(tab)
    tab.step("approved")
    run = PlanRun.objects.get(programme=hubei_people["programme"], number=run_page.split("/")[-2])
    assert (run.state, run.decision) == ("finished", "approved")
    assert run.decided_by == hubei_people["coordinator"]

    publish_approved_plan(tab)
