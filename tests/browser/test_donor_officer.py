"""A donor officer reads a plan run but cannot approve it, in the page or by a forged POST."""

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import PROGRAMME, Visit, log_in, wait_for_comparison

from pairaid.pairing import options as run_options
from pairaid.pairing import runs
from pairaid.pairing.models import PlanRun

pytestmark = pytest.mark.browser


@pytest.fixture
def finished_run(hubei_people) -> PlanRun:  # type: ignore[no-untyped-def]
    """A run a coordinator started and the worker finished, waiting for a decision."""
    run = runs.start(
        programme=hubei_people["programme"],
        user=hubei_people["coordinator"],
        options=run_options.RunOptions(time_limit_seconds=10),
        enqueue=runs.execute,  # the database is in autocommit here: this runs at once
    )
    run.refresh_from_db()
    assert run.state == "finished", run.log
    return run


def post_approval(visit: Visit, run: PlanRun) -> int:
    """POST to the approve URL as this tab's user, with the CSRF token from the page's cookie."""
    token = next(c["value"] for c in visit.page.context.cookies() if c["name"] == "csrftoken")
    response = visit.page.request.post(
        visit.url(f"/p/{PROGRAMME}/plan/runs/{run.number}/approve"),
        form={"csrfmiddlewaretoken": token, "confirmed": "yes"},  # the confirmation page's answer
        headers={"X-CSRFToken": token, "Referer": visit.url(f"/p/{PROGRAMME}/")},
        max_redirects=0,
    )
    if response.status == 403:
        # Refused by the permission check (the error page), not by the CSRF check.
        assert "Not allowed" in response.text(), response.text()[:500]
    return response.status


def test_donor_officer_cannot_approve(hubei_people, finished_run, open_tab):  # type: ignore[no-untyped-def]
    donor = open_tab(name="donor")
    log_in(donor, "dan_shandong")
    donor.open(f"/p/{PROGRAMME}/plan/runs/{finished_run.number}/")
    wait_for_comparison(donor)
    expect(donor.page.locator("#approve")).to_have_count(0)
    expect(donor.page.locator("#discard")).to_have_count(0)
    donor.step("run-without-approve")

    assert post_approval(donor, finished_run) == 403
    finished_run.refresh_from_db()
    assert finished_run.decision == "pending"

    # The same request from the coordinator goes through: the 403 above was the role's.
    coordinator = open_tab(name="coordinator")
    log_in(coordinator, "carol_coordinator")
    coordinator.open(f"/p/{PROGRAMME}/plan/runs/{finished_run.number}/")
    assert post_approval(coordinator, finished_run) == 302
    finished_run.refresh_from_db()
    assert finished_run.decision == "approved"
    coordinator.step("approved-by-coordinator")
