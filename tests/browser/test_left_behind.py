"""After a plan that ends a pair is approved, what the pair leaves behind is flagged where a
coordinator looks: the overview lists each record with the action it needs, and the Teams page
marks the team to recall, in both languages (issue 18 item 1)."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.browsing import PROGRAMME, approve_run, log_in, wait_for_comparison

from pairaid.operations.services import contacts, facilities, requests, teams
from pairaid.pairing import options as run_options
from pairaid.pairing import runs
from pairaid.pairing.models import PlanRun
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.browser
SHANDONG, HUANGGANG = "370000", "421100"  # a historical pair of hubei-2020


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug=PROGRAMME, region__code=code)


@pytest.fixture
def ledger(hubei_people) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Shandong's team deployed to a Huanggang hospital, with a contact, and an open request of
    Huanggang that Shandong pledged and has not yet met (as tests/pairing/test_no_surprise.py)."""
    donor, recipient = participant(SHANDONG), participant(HUANGGANG)
    nurse = ResourceType.objects.get(code="icu_nurse")
    team = teams.register_team(donor=donor, name="Shandong ICU team 1", members={nurse: 10})
    hospital = facilities.register_facility(recipient=recipient, name="Huanggang Central")
    teams.deploy(team=team, recipient=recipient, facility=hospital)
    contact = contacts.add_contact(
        programme=hubei_people["programme"], name="Li Wei", role="leader", team=team
    )
    request = requests.raise_request(
        recipient=recipient, lines=[requests.LineIn(nurse, Decimal(20))], user=None
    )
    requests.pledge(line=request.lines.get(), donor=donor, quantity=Decimal(5), user=None)
    return {"team": team, "hospital": hospital, "contact": contact, "request": request}


@pytest.fixture
def dropping_run(hubei_people, ledger) -> PlanRun:  # type: ignore[no-untyped-def]
    """A finished run whose plan ends Shandong → Huanggang (forbidden), waiting for approval."""
    options = run_options.RunOptions(
        objectives=[{"name": "max_min_coverage"}],
        forbid=[[SHANDONG, HUANGGANG]],
        churn_budget=None,
        time_limit_seconds=2,
    )
    run = runs.start(
        programme=hubei_people["programme"],
        user=hubei_people["coordinator"],
        options=options,
        enqueue=lambda _pk: None,
    )
    run, _ = runs.execute(run.pk)
    assert run.status in ("optimal", "feasible"), run.log
    return run


ACTIONS = {  # each record's kind (its row's class on the overview): the action, in each language
    "team": ("recall", "召回"),
    "facility": ("hand over", "移交"),
    "contact": ("hand over", "移交"),
    "request": ("re-pledge", "重新认捐"),
}


def test_approving_a_plan_that_ends_a_pair_flags_what_it_leaves_behind(  # type: ignore[no-untyped-def]
    ledger, dropping_run, tab
):
    names = {
        "team": ledger["team"].name,
        "facility": ledger["hospital"].name,
        "contact": ledger["contact"].name,
        "request": f"#{ledger['request'].number}",
    }
    log_in(tab, "carol_coordinator")
    page = tab.page
    tab.open(f"/p/{PROGRAMME}/")
    expect(page.locator("#flags")).to_have_count(0)  # nothing left behind before the approval

    tab.open(f"/p/{PROGRAMME}/plan/runs/{dropping_run.number}/")
    wait_for_comparison(tab)
    approve_run(tab)  # through the page that lists the pairs ending and their records

    tab.open(f"/p/{PROGRAMME}/")
    flags = page.locator("#flags-table")
    expect(flags.locator("tr.loose-end")).to_have_count(len(ACTIONS))
    for kind, (action, _) in ACTIONS.items():
        row = flags.locator(f"tr.loose-end.{kind}")
        expect(row).to_contain_text(names[kind])
        expect(row).to_contain_text("Shandong → Huanggang")
        expect(row.locator(".tag.needs")).to_have_text(action)
    tab.step("overview-flags")

    tab.open(f"/p/{PROGRAMME}/teams/")
    team = page.locator("h2", has_text="Shandong ICU team 1")
    expect(team.locator(".tag.needs.recall")).to_have_text(
        "recall from Huanggang: its pair has ended"
    )
    tab.step("teams-flag")

    with page.expect_navigation():
        page.locator("form.lang button[name=language][value=zh-hans]").click()
    expect(team.locator(".tag.needs.recall")).to_have_text("从黄冈市召回：其结对已结束")
    tab.open(f"/p/{PROGRAMME}/")
    expect(page.locator("#flags h2")).to_contain_text("结束的结对留下的事项")
    for kind, (_, action) in ACTIONS.items():
        expect(flags.locator(f"tr.loose-end.{kind} .tag.needs")).to_have_text(action)
    tab.step("overview-flags-chinese")
