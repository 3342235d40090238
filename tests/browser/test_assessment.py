"""Project → hand-over → result → assessment (issue 22, item 8): on the pages, the coordinator
hands a project over and confirms its result, scores the donor's review and publishes it; the
published result shows on the assessment's page, which passes axe."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from tests.browser.accessibility import axe_violations
from tests.browser.browsing import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def started_project(hubei_people):  # type: ignore[no-untyped-def]
    """A started school of Shandong's in Huanggang with a result to confirm, and the 2020
    assessment with Shandong's review awaiting the coordinator's final score."""
    from pairaid.assessment import services as assessment_services
    from pairaid.projects import services as project_services
    from pairaid.registry.models import Region

    hubei, coordinator = hubei_people["programme"], hubei_people["coordinator"]
    pairing = hubei.pairings.get(
        donor__region__code="370000", recipient__region__code="421100", status="active"
    )
    school = project_services.create_project(
        user=coordinator, pairing=pairing, title="Township school", sector="education",
        location=Region.objects.get(code="421100"), budget={"donor_budget": Decimal(1_000_000)},
    )  # fmt: skip
    project_services.add_result(
        user=coordinator, project=school, name="pupils housed", unit="pupils",
        baseline=Decimal(0), target=Decimal(600),
    )  # fmt: skip
    project_services.move(user=coordinator, project=school, name="start")
    assessment = assessment_services.define_assessment(
        user=coordinator, programme=hubei, year=2020, title="2020 assessment",
        criteria=[assessment_services.CriterionIn("funds", "Funds", Decimal(1))],
        deadlines=dict.fromkeys(assessment_services.DEADLINES, datetime.date(2020, 3, 1)),
    )  # fmt: skip
    review = assessment.reviews.get(pairing=pairing)
    assessment_services.assign_cross_checker(
        user=coordinator, review=review,
        participant=hubei.participants.get(region__code="320000", role="donor"),
    )  # fmt: skip
    for name in ("self_assessment", "opinion", "cross_check"):
        assessment_services.take_step(
            user=coordinator, review=review, name=name, scores={"funds": Decimal(70)}
        )
    return school, review


def test_project_hand_over_result_then_the_published_assessment(started_project, tab):  # type: ignore[no-untyped-def]
    school, review = started_project
    log_in(tab, "carol_coordinator")
    page = tab.page
    tab.open(f"/p/hubei-2020/projects/{school.pk}/")
    page.locator("#project-moves input[name=receiving_body]").fill("County education bureau")
    with page.expect_navigation():
        page.get_by_role("button", name="hand over").click()
    expect(page.locator("#project-status")).to_contain_text("3")
    page.locator("#project-results input[name=actual]").fill("580")
    with page.expect_navigation():
        page.locator("#project-results button").click()
    expect(page.locator("#project-results")).to_contain_text("580")
    tab.open(f"/p/hubei-2020/assessments/2020/reviews/{review.pk}/")
    page.locator("#take-step input[name=score_funds]").fill("82.5")
    page.locator("#take-step input[type=checkbox]").first.check()  # the school as evidence
    with page.expect_navigation():
        page.locator("#take-step button[type=submit]").click()
    expect(page.locator("#review-score")).to_contain_text("82.5")
    with page.expect_navigation():
        page.locator("#take-step button[type=submit]").click()  # publication
    expect(page.locator("#review-published")).to_be_visible()
    tab.open("/p/hubei-2020/assessments/2020/")
    expect(page.locator("#assessment-published")).to_contain_text("Shandong")
    expect(page.locator("#assessment-published")).to_contain_text("82.5")
    tab.step("assessment")
    assert not axe_violations(tab)
