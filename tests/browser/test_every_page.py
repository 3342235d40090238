"""Every main page, for each demo role, in both languages: it fits a 390 px phone, with its
folded forms (<details>) open too, and (for the coordinator and a donor officer) axe-core finds no
serious or critical accessibility violation, in the folded forms and the header's menus too.

One test per role: the live server, the browser and the login are shared by all the pages a
role visits; the language is switched once through the header's own switch.
"""

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.accessibility import axe_violations, open_every_details, overflow
from tests.browser.browsing import DESKTOP, PHONE, PROGRAMME, Visit, log_in

pytestmark = pytest.mark.browser

PROGRAMME_PAGES = [
    "",
    "participants/",
    "plan/",
    "requests/",
    "teams/",
    "facilities/",
    "care-ratios/",
    "transfers/",
    "offers/",
    "push-deliveries/",
    "placement/",
    "matching/",
    "reports/",
    "funds/",
    "contacts/",
    "threads/",
    "threads/announcements/-/",
    "operations-workbook/",
    "gaps/",
    "league/",
    "projects/",
    "assessments/",
    "3w/",
    "notices/",
    "phases/",
    "forecasts/",
    "forecast/CN:421100/",
    "evaluation/",
    "evaluation/CN:421100/",
    "what-if/",
    "members/",
    "settings/",
    "deliveries/failed",
]


def _pages(visit: Visit, extra: list[str]) -> list[str]:
    """Home and the programme's pages this user may open (the others answer 403); `extra` are
    pages of records made for the tour."""
    paths = ["/"]
    for page in [*PROGRAMME_PAGES, *extra]:
        path = f"/p/{PROGRAMME}/{page}"
        if visit.page.request.get(visit.url(path)).status != 403:
            paths.append(path)
    return paths


def _switch_language(visit: Visit, language: str) -> None:
    with visit.page.expect_navigation():
        visit.page.locator(f"form.lang button[name=language][value={language}]").click()
    expect(visit.page.locator("html")).to_have_attribute("lang", language)


def _tour(visit: Visit, *, check_axe: bool, extra: list[str]) -> list[str]:
    """Open every page in English, then in Chinese; list what does not fit or fails axe."""
    problems: list[str] = []
    pages = _pages(visit, extra)
    for language in ("en", "zh-hans"):
        visit.open("/")
        if visit.page.locator("html").get_attribute("lang") != language:
            _switch_language(visit, language)
        for path in pages:
            visit.page.set_viewport_size(PHONE)
            visit.open(path)
            if wide := overflow(visit):
                problems.append(f"[{language}] {wide}")
            open_every_details(visit)  # the forms folded away
            if wide := overflow(visit):
                problems.append(f"[{language}] with every <details> open: {wide}")
            if check_axe:  # at desktop size, where nothing is folded away from axe
                visit.page.set_viewport_size(DESKTOP)
                problems += [f"[{language}] {v}" for v in axe_violations(visit)]
    return problems


def _recommend_a_placement(people: dict[str, Any]) -> None:
    from pairaid.operations.forms import PLACEMENT_DEFAULTS, PlacementForm
    from pairaid.operations.services import placement as placement_services

    form = PlacementForm({key: str(value) for key, value in PLACEMENT_DEFAULTS.items()})
    assert form.is_valid(), form.errors
    placement_services.recommend(
        programme=people["programme"], user=people["coordinator"], assumptions=form.assumptions()
    )


def _forecast(people: dict[str, Any]) -> None:
    """A finished forecast run: a city's forecast page then shows its charts and tables."""
    from pairaid.foresight import services as forecast_services

    run = forecast_services.start(
        programme=people["programme"], user=None, enqueue=lambda _pk: None, paths=100
    )
    forecast_services.execute(run.pk)


def _assess(people: dict[str, Any]) -> list[str]:
    """The 2020 assessment: its year's page (a review per pairing) and the page of Shandong →
    Huanggang's review, where its donor and recipient find their step's form."""
    import datetime
    from decimal import Decimal

    from pairaid.assessment import services as assessment_services

    assessment = assessment_services.define_assessment(
        user=people["coordinator"],
        programme=people["programme"],
        year=2020,
        title="2020 assessment",
        criteria=[
            assessment_services.CriterionIn("organisation", "Organisation", Decimal(1)),
            assessment_services.CriterionIn("results", "Results", Decimal(2)),
        ],
        deadlines={
            "self_assessment_due": datetime.date(2020, 3, 1),
            "opinion_due": datetime.date(2020, 3, 15),
            "cross_check_due": datetime.date(2020, 3, 31),
            "final_due": datetime.date(2020, 4, 15),
        },
    )
    review = assessment.reviews.get(
        pairing__donor__region__code="370000", pairing__recipient__region__code="421100"
    )
    return ["assessments/2020/", f"assessments/2020/reviews/{review.pk}/"]


@pytest.mark.parametrize(
    ("username", "check_axe"),
    [("carol_coordinator", True), ("dan_shandong", True), ("rita_huanggang", False)],
)
def test_every_page_fits_a_phone_and_passes_axe(  # type: ignore[no-untyped-def]
    hubei_demo_people, open_tab, username, check_axe
):
    _recommend_a_placement(hubei_demo_people)  # the Placement page then shows its map too
    _forecast(hubei_demo_people)
    assessment_pages = _assess(hubei_demo_people)
    visit = open_tab(viewport=PHONE)
    log_in(visit, username)
    problems = _tour(visit, check_axe=check_axe, extra=assessment_pages)
    visit.step("last-page")
    assert not problems, "\n".join(problems)
