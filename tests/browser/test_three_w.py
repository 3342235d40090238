"""The 3W page of wenchuan-2008 with its demo overlay (projects/three_w.html, three_w_map.js):
the programme's coordinator sees on the map which donor builds what in which township, and the
3W page and a project's page pass axe."""

import pytest
from playwright.sync_api import expect
from tests.browser.accessibility import axe_violations, open_every_details
from tests.browser.browsing import PASSWORD, expect_chart_drawn, log_in

pytestmark = pytest.mark.browser

DRAWN = """() => {
  const option = echarts.getInstanceByDom(document.getElementById("map")).getOption();
  const named = (name) => option.series.find((s) => s.name === name);
  return {
    places: named("places").data.map((d) => d.name),
    lines: named("builds").data.length,
  };
}"""
PLACES_DRAWN = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById("map"));
  return !!chart && chart.getOption().series.length === 3;
}"""


@pytest.fixture
def wenchuan_coordinator(django_db_serialized_rollback, wenchuan):  # type: ignore[no-untyped-def]
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("wenchuan-2008-demo")
    user = User.objects.create_user("wendy_wenchuan", "wendy@example.org", PASSWORD)
    account_services.grant(user=user, programme=wenchuan, role="coordinator")
    return user


def test_the_coordinator_sees_who_builds_what_in_which_township(wenchuan_coordinator, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "wendy_wenchuan")
    tab.open("/p/wenchuan-2008/3w/")
    page = tab.page
    expect_chart_drawn(tab, "#map")
    page.wait_for_function(PLACES_DRAWN)
    drawn = page.evaluate(DRAWN)
    assert {"Miansi Town", "Yingxiu Town", "Leigu Town"} <= set(drawn["places"])
    assert drawn["lines"] == 6  # a donor joined to each place it builds in
    expect(page.locator("#three-w")).to_contain_text("Miansi Town")
    tab.step("three-w")
    assert not axe_violations(tab)
    page.locator("#three-w-filter select[name=sector]").select_option("health")
    with page.expect_navigation():
        page.locator("#three-w-filter button[type=submit]").click()
    expect(page.locator("#three-w")).not_to_contain_text("Miansi Town")
    tab.open("/p/wenchuan-2008/projects/")
    with page.expect_navigation():
        page.get_by_role("link", name="Miansi town middle school (illustrative)").click()
    expect(page.locator("#project-status")).to_contain_text("4")
    open_every_details(tab)
    assert not axe_violations(tab)
    tab.step("project")
