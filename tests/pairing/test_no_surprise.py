"""No plan can surprise (issue 18, item 1): runs start from defaults that keep most of the plan
in force, an approval shows what it changes and what the pairs that end leave behind before it
is confirmed, those records are flagged until dealt with, and a revert restores the plan before."""

from decimal import Decimal
from typing import Any

import pytest

from pairaid.accounts import tokens
from pairaid.operations.models import Deployment
from pairaid.operations.queries import handover
from pairaid.operations.services import contacts, facilities, requests, teams
from pairaid.pairing import options as run_options
from pairaid.pairing import runs
from pairaid.pairing.models import Pairing, PlanRun
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db
SHANDONG, HUANGGANG = "370000", "421100"  # a historical pair of hubei-2020


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code)


@pytest.fixture
def ledger(hubei: Any) -> dict[str, Any]:
    """Shandong's team deployed to a Huanggang hospital, with contacts, and an open request of
    Huanggang that Shandong pledged and has not yet met."""
    donor, recipient = participant(SHANDONG), participant(HUANGGANG)
    nurse = ResourceType.objects.get(code="icu_nurse")
    team = teams.register_team(donor=donor, name="Shandong ICU team 1", members={nurse: 10})
    hospital = facilities.register_facility(recipient=recipient, name="Huanggang Central")
    teams.deploy(team=team, recipient=recipient, facility=hospital)
    contact = contacts.add_contact(programme=hubei, name="Li Wei", role="leader", team=team)
    request = requests.raise_request(
        recipient=recipient, lines=[requests.LineIn(nurse, Decimal(20))], user=None
    )
    requests.pledge(line=request.lines.get(), donor=donor, quantity=Decimal(5), user=None)
    return {"team": team, "hospital": hospital, "contact": contact, "request": request}


def dropping_run(programme: Any) -> PlanRun:
    """A finished run whose plan drops Shandong → Huanggang (forbidden), on a short time limit."""
    options = run_options.RunOptions(
        objectives=[{"name": "max_min_coverage"}],
        forbid=[[SHANDONG, HUANGGANG]],
        churn_budget=None,
        time_limit_seconds=2,
    )
    run = runs.start(programme=programme, user=None, options=options, enqueue=lambda _pk: None)
    run, _ = runs.execute(run.pk)
    assert run.status in ("optimal", "feasible")
    return run


def kinds_and_needs(ends: list[handover.LooseEnd]) -> set[tuple[str, str]]:
    return {(end.kind.value, end.need.value) for end in ends}


EVERY_NEED = {
    ("team", "recall"),
    ("facility", "hand_over"),
    ("contact", "hand_over"),
    ("request", "re_pledge"),
}


def test_approval_flags_what_the_ended_pair_leaves_and_a_revert_clears_it(ledger, hubei):
    run = dropping_run(hubei)
    assert handover.flags(hubei) == []  # nothing has ended yet

    runs.approve(run=run, user=None)

    assert kinds_and_needs(handover.flags(hubei)) == EVERY_NEED
    assert set(handover.flags_of(hubei, handover.Kind.TEAM)) == {ledger["team"].pk}

    restoring = runs.revert(run=run, user=None)

    assert restoring.decision == "approved" and restoring.options == {"reverts": run.number}
    assert Pairing.objects.filter(
        programme=hubei,
        status="active",
        donor=participant(SHANDONG),
        recipient=participant(HUANGGANG),
    ).exists()
    assert handover.flags(hubei) == []  # the pair is in force again: nothing to recall


def test_a_flag_clears_when_its_condition_no_longer_holds(ledger, hubei):
    runs.approve(run=dropping_run(hubei), user=None)
    Deployment.objects.filter(team=ledger["team"]).update(status=Deployment.Status.ENDED)

    assert kinds_and_needs(handover.flags(hubei)) == {("request", "re_pledge")}


def test_only_the_plan_in_force_is_reverted(hubei):
    run = dropping_run(hubei)
    with pytest.raises(Exception, match="not the plan in force"):
        runs.revert(run=run, user=None)


def test_the_approval_page_shows_the_changes_and_waits_for_confirmation(client, people, ledger):
    run = dropping_run(people["coordinator"].memberships.get().programme)
    client.force_login(people["coordinator"])
    url = f"/p/hubei-2020/plan/runs/{run.number}/approve"

    page = client.get(url).content.decode()
    assert 'id="pairs-ending"' in page and "Shandong" in page
    assert "Shandong ICU team 1" in page and "Huanggang Central" in page and "Li Wei" in page
    assert "recall" in page and "hand over" in page and "re-pledge" in page

    assert client.post(url).status_code == 400  # not confirmed: nothing changes
    run.refresh_from_db()
    assert run.decision == "pending"

    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    run.refresh_from_db()
    assert run.decision == "approved"
    revert_page = client.get(f"/p/hubei-2020/plan/runs/{run.number}/revert").content.decode()
    assert 'id="pairs-starting"' in revert_page and "Shandong" in revert_page


def test_the_approval_page_in_chinese(client, people, ledger):
    run = dropping_run(people["coordinator"].memberships.get().programme)
    client.force_login(people["coordinator"])
    page = client.get(
        f"/p/hubei-2020/plan/runs/{run.number}/approve", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "结束的结对" in page and "召回" in page


def test_the_api_shows_the_changes_and_wants_confirmation(client, people, ledger):
    run = dropping_run(people["coordinator"].memberships.get().programme)
    key = tokens.create(owner=people["coordinator"], name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    base = f"/api/v1/programmes/hubei-2020/plan-runs/{run.number}"

    changes = client.get(f"{base}/approval", **headers).json()
    needs = {(end["kind"], end["needs"]) for end in changes["loose_ends"]}
    assert needs == EVERY_NEED

    refused = client.post(f"{base}/approve", {}, content_type="application/json", **headers)
    assert refused.status_code == 400 and "confirm" in refused.content.decode()
    approved = client.post(
        f"{base}/approve", {"confirm": True}, content_type="application/json", **headers
    )
    assert approved.json()["decision"] == "approved"
    # The overview's API lists what the ended pair left behind, as the overview page does.
    overview = client.get("/api/v1/programmes/hubei-2020/overview", **headers).json()
    assert {(end["kind"], end["needs"]) for end in overview["left_behind"]} == EVERY_NEED
    assert {(end["donor"], end["recipient"]) for end in overview["left_behind"]} == {
        (f"CN:{SHANDONG}", f"CN:{HUANGGANG}")
    }


def test_the_default_run_keeps_to_the_default_churn_budget(hubei):
    run = runs.start(
        programme=hubei,
        user=None,
        options=run_options.RunOptions(time_limit_seconds=2),
        enqueue=lambda _pk: None,
    )
    assert run.options["objectives"] == [{"name": "leximin", "levels": 4}]
    run, result = runs.execute(run.pk)

    note = run.build_notes[runs.DEFAULT_BUDGET_NOTE]
    assert note is not None and note["budget"] is not None
    assert run.problem["policy"]["churn_budget"] == note["budget"]
    assert result is not None and result.metrics["churn"] <= note["budget"]


RECORD_PAGES = {  # each kind's own page, and the text of its flag there
    "teams": ("Shandong ICU team 1", {"en": "recall from Huanggang", "zh-hans": "召回"}),
    "facilities": ("Huanggang Central", {"en": "hand over in Huanggang", "zh-hans": "移交"}),
    "contacts": ("Li Wei", {"en": "hand over in Huanggang", "zh-hans": "移交"}),
    "requests": ('id="request-', {"en": "re-pledge for Huanggang", "zh-hans": "重新认捐"}),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("page", sorted(RECORD_PAGES))
def test_each_record_left_behind_is_flagged_on_its_own_page_until_reverted(
    client, people, ledger, hubei, page, language
):
    record, flag_text = RECORD_PAGES[page]
    run = dropping_run(hubei)
    client.force_login(people["coordinator"])
    url = f"/p/hubei-2020/{page}/"
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    assert flag_text[language] not in client.get(url, **headers).content.decode()

    runs.approve(run=run, user=None)
    shown = client.get(url, **headers).content.decode()
    assert record in shown
    assert flag_text[language] in shown

    runs.revert(run=run, user=None)
    assert flag_text[language] not in client.get(url, **headers).content.decode()
