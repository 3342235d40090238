"""The what-if page (issue 20, items 5 and 8): a comparison of the historical plan, max-min and
leximin, run in the task worker, stored, and shown with the figures `pairaid forecast value`
writes for the same inputs and seed; who may start and read one; an unusable origin's error."""

import csv
import datetime
import io
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from pairaid.errors import ValidationFailed
from pairaid.foresight import comparisons
from pairaid.foresight.models import PlanComparison

ON = datetime.date(2020, 2, 10)
PATHS = 50
TIME_LIMIT = 3.0


@pytest.fixture
def hubei_with_beds(hubei: Any) -> Any:
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("hubei-2020-demo")  # the illustrative facilities
    return hubei


@pytest.fixture
def finished(hubei_with_beds: Any, monkeypatch: Any) -> PlanComparison:
    monkeypatch.setattr(comparisons, "TIME_LIMIT_SECONDS", TIME_LIMIT)  # as the command's below
    started = comparisons.start(
        programme=hubei_with_beds, user=None, enqueue=lambda _pk: None, origin=ON, paths=PATHS
    )
    return comparisons.execute(started.pk)


def _printed(row: dict[str, Any]) -> str:
    """A figure as the command's Markdown prints it."""
    return f"{row['mean']:,.1f} ({row['low']:,.1f} to {row['high']:,.1f})"


def test_the_page_shows_the_figures_the_command_writes(client, people, finished, tmp_path):
    assert finished.state == PlanComparison.State.FINISHED, finished.log
    out = tmp_path / "hubei.md"
    call_command(
        "forecast", "value", "hubei-2020", "--as-of", ON.isoformat(), "--out", str(out),
        "--paths", str(PATHS), "--time-limit", str(TIME_LIMIT),
        stdout=StringIO(),
    )  # fmt: skip
    written = out.read_text(encoding="utf-8")
    stored = finished.output
    assert {row["plan"] for row in stored["outcomes"]} == {"historical", "max-min", "leximin"}
    for row in stored["outcomes"] + stored["differences"]:
        assert _printed(row) in written, row
    client.force_login(people["observer"])
    page = client.get(reverse("foresight:comparison", args=["hubei-2020", finished.number]))
    assert page.status_code == 200
    shown = page.context["differences"]
    assert shown and all(row["setting"] == "central" for row in shown)
    assert [r["mean"] for r in shown] == [
        r["mean"] for r in stored["differences"] if r["setting"] == "central"
    ]
    text = page.content.decode()
    assert "model estimate" in text and 'id="illustrative-beds"' in text
    assert "doi:10.1186/s12916-020-01726-3" in text  # every assumption, with its source
    _the_csv_holds_every_figure_with_its_label(client, finished)
    client.force_login(people["outsider"])
    url = reverse("foresight:comparison", args=["hubei-2020", finished.number])
    assert client.get(url).status_code in (403, 404)


def _the_csv_holds_every_figure_with_its_label(client: Any, finished: PlanComparison) -> None:
    response = client.get(reverse("foresight:comparison_csv", args=["hubei-2020", finished.number]))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("# ") and "model estimate" in lines[0]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert len(rows) == len(finished.output["outcomes"]) + len(finished.output["differences"])
    deaths = next(r for r in rows if r["table"] == "difference" and r["measure"] == "excess_deaths")
    assert float(deaths["better_share"]) >= 0


def test_a_coordinator_starts_a_comparison_and_an_observer_may_not(client, people, hubei_with_beds):
    url = reverse("foresight:comparisons", args=["hubei-2020"])
    client.force_login(people["observer"])
    assert client.post(url, {"origin": ON.isoformat()}).status_code == 403
    assert not PlanComparison.objects.exists()
    client.force_login(people["coordinator"])
    response = client.post(url, {"origin": ON.isoformat(), "paths": 20})
    started = PlanComparison.objects.get()
    assert response.status_code == 302 and started.state == PlanComparison.State.QUEUED
    assert started.assumptions and started.progress == {"done": 0, "total": 2}
    page = client.get(reverse("foresight:comparison", args=["hubei-2020", started.number]))
    assert 'id="comparison-progress"' in page.content.decode()


def test_an_origin_after_every_dated_arrival_gets_a_clear_error(hubei_with_beds):
    with pytest.raises(ValidationFailed, match="no dated staff arrivals with doctors and nurses"):
        comparisons.start(
            programme=hubei_with_beds,
            user=None,
            enqueue=lambda _pk: None,
            origin=datetime.date(2020, 3, 1),
        )
    assert not PlanComparison.objects.exists()


def test_a_plan_that_cannot_be_valued_fails_the_comparison_with_the_reason(hubei_with_beds):
    started = comparisons.start(
        programme=hubei_with_beds, user=None, enqueue=lambda _pk: None, origin=ON, paths=10
    )
    # The dated arrivals go between the start and the worker: the plans' staff never arrive.
    from pairaid.registry.models import RegionalIndicator

    RegionalIndicator.objects.filter(indicator__code="aid_staff_arrivals").delete()
    ended = comparisons.execute(started.pk)
    assert ended.state == PlanComparison.State.FAILED
    assert "no dated staff arrivals" in ended.log and not ended.output


def test_any_plan_run_is_compared_beside_the_historical_plan(hubei_with_beds, unapproved_run):
    """Item 5: the coordinator picks the plan runs (a churn budget, an edit, any) to value."""
    started = comparisons.start(
        programme=hubei_with_beds,
        user=None,
        enqueue=lambda _pk: None,
        origin=ON,
        paths=PATHS,
        plan_runs=[unapproved_run.number],
    )
    done = comparisons.execute(started.pk)
    assert done.state == PlanComparison.State.FINISHED, done.log
    name = f"plan run {unapproved_run.number}"
    assert done.output["plans"] == ["historical", name]
    assert {(d["plan"], d["setting"]) for d in done.output["differences"]} >= {(name, "central")}
    assert done.output["solved"] == {}  # nothing solved: the run's own plan is valued
    with pytest.raises(ValidationFailed, match="plan run 999: no such plan run in hubei-2020"):
        comparisons.start(
            programme=hubei_with_beds, user=None, enqueue=lambda _pk: None, origin=ON,
            plan_runs=[999],
        )  # fmt: skip
