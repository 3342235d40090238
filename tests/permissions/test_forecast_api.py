"""Forecast runs and the evaluation of results in the permission matrix: who may start a run is
who may start a plan run (coordinators and administrators); every member reads; an outsider gets
404 and no one at all 401."""

import datetime

import pytest
from tests.operations.helpers import ROLES, call

from pairaid.foresight import services
from pairaid.foresight.models import BacktestRun, ForecastRun

pytestmark = pytest.mark.django_db

URL = "/api/v1/programmes/hubei-2020/forecast-runs"


@pytest.fixture
def finished(hubei):  # type: ignore[no-untyped-def]
    run = services.start(
        programme=hubei,
        user=None,
        enqueue=lambda _pk: None,
        origin=datetime.date(2020, 2, 10),
        paths=100,
    )
    return services.execute(run.pk)


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [202, 202, 403, 403, 403, 404, 401], strict=True))
)
def test_starting_a_forecast_run(
    client, keys, role, expected, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr("pairaid.foresight.tasks.enqueue_forecast_run", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, keys, role, "post", URL, {"method": "growth", "paths": 100})
    assert response.status_code == expected
    assert ForecastRun.objects.count() == len(queued) == (1 if expected == 202 else 0)
    if expected == 202:
        assert response.json()["state"] == "queued" and response.json()["method"] == "growth"


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True))
)
def test_reading_forecast_runs_and_outcomes(client, keys, role, expected, finished):
    for url in (
        URL,
        f"{URL}/{finished.number}",
        "/api/v1/programmes/hubei-2020/evaluation",
        "/api/v1/programmes/hubei-2020/evaluation/CN:421100",
    ):
        assert call(client, keys, role, "get", url).status_code == expected, url


def test_a_run_s_quantiles_through_the_api(client, keys, finished):
    body = call(client, keys, "observer", "get", f"{URL}/{finished.number}").json()
    assert body["model_output"] is True and len(body["levels"]) == 23
    huanggang = [q for q in body["quantiles"] if q["recipient"] == "CN:421100"]
    assert len(huanggang) == 4 * 14
    week = next(q for q in huanggang if q["target"] == "active" and q["horizon_days"] == 7)
    assert week["target_date"] == "2020-02-17"
    assert week["values"] == sorted(week["values"])


def test_bad_options_are_refused_by_field(client, keys):
    response = call(client, keys, "coordinator", "post", URL, {"horizon_days": 0, "seed": -1})
    assert response.status_code in (400, 422)
    fields = str(response.json())
    assert "horizon_days" in fields and "seed" in fields
    assert not ForecastRun.objects.exists()


def test_an_unknown_recipient_s_outcomes_are_refused(client, keys):
    response = call(
        client, keys, "observer", "get", "/api/v1/programmes/hubei-2020/evaluation/CN:370000"
    )
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [202, 202, 403, 403, 403, 404, 401], strict=True))
)
def test_starting_a_backtest_run(
    client, keys, role, expected, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr("pairaid.foresight.tasks.enqueue_backtest_run", queued.append)
    url = "/api/v1/programmes/hubei-2020/backtest-runs"
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, keys, role, "post", url, {"paths": 10})
    assert response.status_code == expected
    assert BacktestRun.objects.count() == len(queued) == (1 if expected == 202 else 0)
    if expected == 202:
        number = response.json()["number"]
        body = call(client, keys, "observer", "get", f"{url}/{number}").json()
        assert body["state"] == "queued" and body["summary"] == []
