"""Issue 19's path through the browser: the coordinator asks for a placement, requests one of
its lines as a transfer, and Huanggang's officer accepts it, sends the patients and confirms
their arrival; the transfer's history and the receiving facility's beds follow."""

import re

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import PROGRAMME, log_in

pytestmark = pytest.mark.browser

# A line from Huanggang's community queue to one of Huanggang's own facilities: within one
# region, so no coordinator's approval stands between request and acceptance.
HOME_LINE = """() => {
  const rows = [...document.querySelectorAll("#placements tbody tr")];
  const row = rows.find((r) => {
    const cells = r.querySelectorAll("td");
    return cells.length > 3 && cells[2].textContent.includes("Huanggang: community queue")
      && /Huanggang|Dabie/.test(cells[3].textContent) && r.querySelector("input");
  });
  if (!row) return null;
  const boxes = document.querySelectorAll("#placements input[name=lines]");
  boxes.forEach((box) => (box.checked = false));
  row.querySelector("input").checked = true;
  return row.querySelectorAll("td")[3].textContent.trim();
}"""


def _move(tab, label: str) -> None:  # type: ignore[no-untyped-def]
    """Press a transfer row's move (its small form, opened first where it folds)."""
    page = tab.page
    row = page.locator("#transfers tbody tr").first
    folded = row.locator("details summary", has_text=label)
    if folded.count():
        folded.click()
    with page.expect_navigation():
        row.locator("button", has_text=re.compile(f"^{re.escape(label)}$")).click()


def test_recommend_request_accept_arrive(hubei_demo_people, open_tab):  # type: ignore[no-untyped-def]
    coordinator = open_tab(name="coordinator")
    log_in(coordinator, "carol_coordinator")
    coordinator.open(f"/p/{PROGRAMME}/placement/")
    page = coordinator.page
    with page.expect_navigation():
        page.locator("#recommend button[type=submit]").click()
    expect(page.locator("#placement-levels")).to_contain_text("unplaced")
    receiving = page.evaluate(HOME_LINE)
    assert receiving, page.locator("#placements").inner_text()
    coordinator.step("recommended")
    with page.expect_navigation():
        page.locator("#placement-lines button[type=submit]").click()
    expect(page.locator("#transfers tbody")).to_contain_text(receiving)
    expect(page.locator("#transfers tbody tr").first).to_contain_text("requested")
    coordinator.step("requested")

    officer = open_tab(name="officer")
    log_in(officer, "rita_huanggang")
    officer.open(f"/p/{PROGRAMME}/transfers/")
    for label in ("accept", "arrange transport", "set off (in transit)", "confirm arrival"):
        _move(officer, label)
    row = officer.page.locator("#transfers tbody tr").first
    expect(row).to_contain_text("arrived")
    row.locator("details summary", has_text="steps").click()
    expect(row).to_contain_text("in transit")
    officer.step("arrived")
