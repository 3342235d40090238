"""The Placement page's map (operations/placement.html, placement_map.js): once a recommendation
is made, the receiving regions are drawn coloured by tier, with an arrow per move between two
regions, and the table beside the map says the same."""

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import PROGRAMME, expect_chart_drawn, log_in

pytestmark = pytest.mark.browser

# What ECharts draws, read from its instance: the arrows and the receiving points' tiers.
DRAWN = """() => {
  const option = echarts.getInstanceByDom(document.getElementById("map")).getOption();
  const named = (name) => option.series.find((s) => s.name === name);
  return {
    arcs: named("transfers").data.map((d) => d.coords),
    widths: named("transfers").data.map((d) => d.lineStyle.width),
    receivers: named("receivers").data.map((d) => [d.name, d.tier]),
  };
}"""
ARCS_DRAWN = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById("map"));
  return !!chart && chart.getOption().series.length === 2;
}"""


def test_the_placement_map_draws_the_recommendation(hubei_demo_people, tab):  # type: ignore[no-untyped-def]
    log_in(tab, "carol_coordinator")
    tab.open(f"/p/{PROGRAMME}/placement/")
    page = tab.page
    page.locator("#recommend").evaluate("form => form.closest('details').open = true")
    with page.expect_navigation():
        page.locator("#recommend button[type=submit]").click()
    expect_chart_drawn(tab, "#map")
    page.wait_for_function(ARCS_DRAWN)
    drawn = page.evaluate(DRAWN)
    data = page.evaluate("() => JSON.parse(document.getElementById('map-data').textContent)")
    moving = [a for a in data["arcs"] if a["from"] != a["to"]]
    # An arrow per line between two regions, each from a point to a point of the data.
    assert moving, data["arcs"]
    assert len(drawn["arcs"]) == len(moving)
    coords = [r["coord"] for r in data["regions"]]
    assert all(start in coords and end in coords for start, end in drawn["arcs"])
    assert all(width > 1 for width in drawn["widths"])
    # Each receiving region at the farthest tier its patients come at, named in the table too.
    names = {r["id"]: r["name"] for r in data["regions"]}
    expected = sorted([names[r["region"]], r["tier"]] for r in data["receivers"])
    assert sorted(drawn["receivers"]) == expected
    table = page.locator("#map-table tbody")
    for name, _tier in expected:
        expect(table).to_contain_text(name)
    expect(page.locator("#map-legend")).to_contain_text("1: within the region")
    tab.step("placement-map")
    # In Chinese: the legend's tiers and the table in the page's language.
    with page.expect_navigation():
        page.locator("form.lang button[name=language][value=zh-hans]").click()
    expect_chart_drawn(tab, "#map")
    expect(page.locator("#map-legend")).to_contain_text("2：上级地区内")
    expect(page.locator("#map-table thead")).to_contain_text("接收地区")
    tab.step("placement-map-zh")
