"""The rolling re-plan pages (issue 20, items 6 and 8): a rolling plan started from the page runs
in the task worker with progress, and its page, CSV and API show the timeline and the valuation
the command computes; a step after the withdrawal is refused at once, with its reason."""

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from pairaid.foresight import rolling_runs
from pairaid.foresight.models import RollingPlanRun

FORM = {
    "first_day": "2020-02-03", "steps": "2", "every_days": "7",
    "need_from": "forecast:persistence:0.8:14", "churn_budget": "2", "transit_days": "1",
    "minimum_stay_days": "10", "withdrawal": "2020-03-17",
}  # fmt: skip


@pytest.fixture
def finished(client: Any, people: Any, monkeypatch: Any) -> RollingPlanRun:
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("hubei-2020-demo")  # the illustrative beds the valuation needs
    monkeypatch.setattr(rolling_runs, "PATHS", 10)
    monkeypatch.setattr(rolling_runs, "TIME_LIMIT_SECONDS", 1.0)
    queued: list[int] = []
    monkeypatch.setattr("pairaid.foresight.tasks.enqueue_rolling_plan", queued.append)
    client.force_login(people["coordinator"])
    with pytest.MonkeyPatch.context() as on_commit:
        on_commit.setattr("django.db.transaction.on_commit", lambda callback: callback())
        response = client.post(reverse("foresight:rolling_plans", args=["hubei-2020"]), FORM)
    assert response.status_code == 302, response.content[:500]
    return rolling_runs.execute(queued[0])


def test_the_page_shows_the_timeline_and_the_valuation(client, people, finished):
    assert finished.state == RollingPlanRun.State.FINISHED, finished.log
    assert finished.progress == {"done": 3, "total": 3}
    steps = finished.output["steps"]
    assert [s["day"] for s in steps] == ["2020-02-03", "2020-02-10"]
    assert steps[1]["churn"] <= 2 and steps[1]["churn_budget"] == 2
    client.force_login(people["observer"])
    page = client.get(reverse("foresight:rolling_plan", args=["hubei-2020", finished.number]))
    body = page.content.decode()
    assert 'id="rolling-timeline"' in body and 'id="rolling-differences"' in body
    assert "2020-03-17" in body and "model estimate" in body
    export = client.get(
        reverse("foresight:rolling_plan_csv", args=["hubei-2020", finished.number])
    ).content.decode()
    rows = list(csv.DictReader(io.StringIO(export.split("\n", 1)[1])))
    assert len(rows) == len(finished.output["timeline"]) > 0
    assert {row["step"] for row in rows} == {"1", "2"}
    api = client.get(f"/api/v1/programmes/hubei-2020/rolling-plans/{finished.number}")
    assert api.json()["output"]["steps"] == steps


def test_a_step_after_the_withdrawal_is_refused_at_once(client, people):
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("foresight:rolling_plans", args=["hubei-2020"]),
        {**FORM, "first_day": "2020-03-10"},
    )
    assert response.status_code == 400
    assert "on or after the withdrawal (2020-03-17)" in response.content.decode()
    assert not RollingPlanRun.objects.exists()
