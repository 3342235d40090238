"""The programme map (dashboard/_map.html): fitted to the recipients, named, with a legend and a
table beside it; on a run page, the plan in force and the proposal one at a time."""

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import (
    PASSWORD,
    PROGRAMME,
    Visit,
    expect_chart_drawn,
    log_in,
    start_plan_run,
    wait_for_comparison,
)

pytestmark = pytest.mark.browser

LABEL = (
    "Map of the recipients shaded by coverage, with their donors; the table beside it lists the "
    "same."
)
THREE_SERIES = (  # the wider view: recipients, donors and the pairs' lines
    "() => echarts.getInstanceByDom(document.getElementById('map')).getOption().series.length === 3"
)

# What ECharts draws, read from its instance: the names on the recipients' points, the pairs'
# lines, the view's box and the areas the geometry holds.
DRAWN = """() => {
  const option = echarts.getInstanceByDom(document.getElementById("map")).getOption();
  const named = (name) => option.series.filter((s) => s.name === name);
  return {
    recipients: named("recipients").flatMap((s) => s.data.map((d) => d.name)),
    pairs: named("pairs").flatMap((s) => s.data.length),
    box: option.geo[0].boundingCoords,
  };
}"""


def _drawn(visit: Visit) -> dict[str, Any]:
    drawn: dict[str, Any] = visit.page.evaluate(DRAWN)
    return drawn


def _map_table_rows(visit: Visit) -> Any:
    """The map table's rows, once the script has written them (each headed by its recipient)."""
    expect(visit.page.locator("#map-table tbody th").first).to_be_attached()
    return visit.page.locator("#map-table tbody tr")


def test_the_overview_map_fits_names_and_tables_the_recipients(hubei_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    tab.open(f"/p/{PROGRAMME}/")
    expect_chart_drawn(tab, "#map")
    page = tab.page
    figure = page.locator("#map")
    expect(figure).to_have_attribute("role", "img")
    expect(figure).to_have_attribute(
        "aria-label",
        f"{LABEL} Recipients' area.",
    )
    # The legend names the shading's measure and its scale.
    legend = page.locator("#map-legend")
    expect(legend).to_contain_text("Coverage (paired capacity per unit of need)")
    expect(page.locator("#legend-low")).to_have_text("0")
    expect(page.locator("#legend-high")).to_have_text("2.2")
    # The table beside the map: every recipient by name, its coverage and its donors by name.
    rows = _map_table_rows(tab)
    expect(rows).to_have_count(16)
    huanggang = rows.filter(has_text="Huanggang")
    expect(huanggang).to_contain_text("Shandong, Hunan")
    # Its staff per case of 2020-02-12, the programme date: 2,662 cases that day (the daily
    # record), where 2020-02-10's 2,332 gave 0.515.
    expect(huanggang.locator("td").first).to_have_text("0.451")
    tab.step("overview-map")
    # The map shows the recipients by name, fitted to Hubei; donors and pairs in the wider view.
    drawn = _drawn(tab)
    assert "Huanggang" in drawn["recipients"] and "421100" not in drawn["recipients"]
    (west, north), (east, south) = drawn["box"]
    assert west > 107 and east < 117 and south > 28 and north < 34, drawn["box"]
    assert drawn["pairs"] == []  # no lines converge on Hubei from off the map
    page.get_by_role("button", name="With the donors").click()
    expect(page.get_by_role("button", name="With the donors")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.wait_for_function(THREE_SERIES)
    wide = _drawn(tab)
    assert wide["pairs"] == [21]
    assert wide["box"][0][0] < west and wide["box"][1][0] > east
    tab.step("overview-map-with-donors")


def test_the_map_speaks_chinese(hubei_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    tab.open(f"/p/{PROGRAMME}/")
    # The map first, as a reader sees it: a switch while its data is still loading would race
    # the page's fetch on the test's one SQLite connection (the live server's threads share it).
    expect_chart_drawn(tab, "#map")
    with tab.page.expect_navigation():
        tab.page.locator("form.lang button[name=language][value=zh-hans]").click()
    expect_chart_drawn(tab, "#map")
    rows = _map_table_rows(tab)
    expect(rows.filter(has_text="黄冈市")).to_contain_text("山东省、湖南省")
    expect(tab.page.locator("#map-legend")).to_contain_text("覆盖率")
    assert "黄冈市" in _drawn(tab)["recipients"]
    tab.step("overview-map-zh")


def test_a_run_shows_the_plan_in_force_and_the_proposal_in_turn(hubei_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    start_plan_run(tab, time_limit_seconds=10)
    wait_for_comparison(tab)
    expect_chart_drawn(tab, "#map")
    page = tab.page
    before = page.get_by_role("button", name="Before: the plan in force")
    after = page.get_by_role("button", name="After: the proposed plan")
    expect(after).to_have_attribute("aria-pressed", "true")  # the proposal is what is decided
    expect(before).to_have_attribute("aria-pressed", "false")
    header = page.locator("#map-table thead")
    for heading in ("Coverage before", "Donors before", "Coverage after", "Donors after"):
        expect(header).to_contain_text(heading)
    expect(_map_table_rows(tab)).to_have_count(16)
    expect(page.locator("#map")).to_have_attribute(
        "aria-label",
        f"{LABEL} After: the proposed plan. Recipients' area.",
    )
    tab.step("run-after")
    before.click()
    expect(before).to_have_attribute("aria-pressed", "true")
    expect(after).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#map")).to_have_attribute(
        "aria-label",
        f"{LABEL} Before: the plan in force. Recipients' area.",
    )
    page.get_by_role("button", name="With the donors").click()
    page.wait_for_function(THREE_SERIES)
    assert _drawn(tab)["pairs"] == [21]  # the plan in force: hubei's 21 historical pairs
    tab.step("run-before-with-donors")


@pytest.fixture
def wenchuan_coordinator(django_db_serialized_rollback, wenchuan):  # type: ignore[no-untyped-def]
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User

    user = User.objects.create_user("oscar_wenchuan", "oscar@example.org", PASSWORD)
    account_services.grant(user=user, programme=wenchuan, role="coordinator")
    return user


def test_code_less_areas_are_on_the_map_and_in_its_table(wenchuan_coordinator, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "oscar_wenchuan")
    tab.open("/p/wenchuan-2008/?date=2009-06-01")
    expect_chart_drawn(tab, "#map")
    rows = _map_table_rows(tab)
    expect(rows.filter(has_text="Seriously affected areas of Shaanxi")).to_have_count(1)
    assert "Seriously affected areas of Gansu" in _drawn(tab)["recipients"]
    tab.step("wenchuan-map")
