"""A coordinator's day: log in, read the programme, run a plan, compare, approve (and publish)."""

import pytest
from playwright.sync_api import Route, expect
from tests.browser.browsing import (
    PROGRAMME,
    approve_run,
    log_in,
    open_dashboard,
    publish_approved_plan,
    start_plan_run,
    wait_for_comparison,
)

from pairaid.pairing import runs, tasks
from pairaid.pairing.models import PlanRun

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
    for group, label, heading in [
        ("Programme", "Participants", "Participants"),
        ("Plan", "Plan the pairing", "Plan the pairing"),
    ]:
        page.locator("header nav details.group > summary", has_text=group).click()
        with page.expect_navigation():
            page.locator("header nav").get_by_role("link", name=label, exact=True).click()
        expect(page.locator("h1")).to_contain_text(heading)
        tab.step(label.lower().replace(" ", "-"))


def test_dashboard_draws_its_map_and_chart(hubei_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    open_dashboard(tab)
    tab.step("dashboard")
    # The chart's legend names resources and the need's indicator, never a code (issue 18).
    series = tab.page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart'))"
        ".getOption().series.map(function (s) { return s.name; })"
    )
    assert series == [
        "Need · Cumulative confirmed cases",
        "Paired · Medical staff (all professions)",
    ]


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


def test_run_page_follows_a_queued_run_until_it_finishes(  # type: ignore[no-untyped-def]
    hubei_people, tab, monkeypatch
):
    """The run page polls its status with htmx and reloads itself when the run has finished.

    In tests the task queue solves at once, inside the request that starts the run, so the page
    would never see a queued run. Here the "worker" is held back: the run stays queued until the
    test executes it, between two polls (the browser holds the poll meanwhile, so the test and
    the live server never use the shared in-memory database at the same moment).
    """
    queued: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_plan_run", queued.append)
    held_polls: list[Route] = []

    def hold_poll(route: Route) -> None:
        if queued:  # the worker has not run yet
            held_polls.append(route)
        else:
            route.continue_()

    tab.page.route("**/plan/runs/*/status", hold_poll)

    log_in(tab, "carol_coordinator")
    start_plan_run(tab, time_limit_seconds=10)
    expect(tab.page.locator("#run-status progress")).to_be_visible()
    expect(tab.page.locator("#run-status")).to_contain_text("waiting for the task worker")
    # htmx asks every second; give it ten tries, never an unbounded wait.
    for _ in range(100):
        if held_polls:
            break
        tab.page.wait_for_timeout(100)
    assert held_polls, "the run page never asked for its status"
    tab.step("queued")

    runs.execute(queued.pop())  # the worker's turn
    for poll in held_polls:
        poll.continue_()
    wait_for_comparison(tab)
    expect(tab.page.locator("#run-status")).to_contain_text("finished")
    expect(tab.page.locator("#approve")).to_be_visible()
    tab.step("finished")
