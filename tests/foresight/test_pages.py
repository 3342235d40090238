"""Forecast and evaluation pages: a coordinator opens a city and sees its projected cases with
intervals beside the cases observed; the run's progress; exports; outcomes labelled descriptive."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from pairaid.foresight import services
from pairaid.foresight.models import ForecastRun

HUANGGANG = "CN:421100"


@pytest.fixture
def finished(hubei):  # type: ignore[no-untyped-def]
    run = services.start(
        programme=hubei,
        user=None,
        enqueue=lambda _pk: None,
        origin=datetime.date(2020, 2, 10),
        paths=200,
    )
    return services.execute(run.pk)


def test_the_region_page_links_the_city_s_forecast_and_its_series(client, people, finished):
    client.force_login(people["coordinator"])
    page = client.get(reverse("registry:region", args=[HUANGGANG])).content.decode()
    assert reverse("foresight:latest", args=["hubei-2020", HUANGGANG]) in page
    assert reverse("registry:case_series_csv", args=[HUANGGANG]) in page


def test_a_city_s_forecast_shows_bands_beside_the_observed_cases(client, people, finished):
    client.force_login(people["coordinator"])
    response = client.get(reverse("foresight:latest", args=["hubei-2020", HUANGGANG]))
    assert response.status_code == 200
    chart = response.context["chart"]
    active = next(t for t in chart["targets"] if t["key"] == "active")
    day = {row["day"]: row for row in active["rows"]}
    # 2020-02-17, a week after the origin: both the record and the forecast's bands.
    week = day["2020-02-17"]
    assert week["observed"] is not None
    assert week["low_90"] <= week["low_50"] <= week["median"] <= week["high_50"] <= week["high_90"]
    # Before the origin only what was observed: no forecast is drawn over the record.
    assert day["2020-02-01"]["median"] is None and day["2020-02-01"]["observed"] is not None
    # The census is drawn as a model output alone: the record never observed one.
    hospital = next(t for t in chart["targets"] if t["key"] == "census_hospital")
    assert not hospital["observed"] and all(row["observed"] is None for row in hospital["rows"])
    icu = next(t for t in chart["targets"] if t["key"] == "census_icu")
    pairs = zip(icu["rows"], hospital["rows"], strict=True)
    ahead = [(i, h) for i, h in pairs if h["median"] is not None]
    assert len(ahead) == 14 and all(i["median"] <= h["median"] for i, h in ahead)
    page = response.content.decode()
    assert "model output" in page
    assert 'id="forecast-data"' in page and "forecast.js" in page


def test_without_a_finished_run_the_page_says_so(client, people):
    client.force_login(people["observer"])
    response = client.get(reverse("foresight:latest", args=["hubei-2020", HUANGGANG]))
    assert response.status_code == 200
    assert 'id="no-forecast"' in response.content.decode()


def test_an_unknown_recipient_is_not_found(client, people, finished):
    client.force_login(people["coordinator"])
    url = reverse("foresight:recipient", args=["hubei-2020", finished.number, "CN:370000"])
    assert client.get(url).status_code == 404  # Shandong is a donor


def test_a_coordinator_starts_a_run_and_its_page_shows_progress(
    client, people, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr("pairaid.foresight.tasks.enqueue_forecast_run", queued.append)
    client.force_login(people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("foresight:runs", args=["hubei-2020"]), {"method": "persistence", "seed": "3"}
        )
    run = ForecastRun.objects.get()
    assert response.status_code == 302 and queued == [run.pk]
    assert run.origin == run.programme.current_date() and run.method == "persistence"
    page = client.get(reverse("foresight:run", args=["hubei-2020", run.number])).content.decode()
    assert 'id="forecast-progress"' in page and "every 1s" in page


def test_an_observer_may_read_but_not_start_a_run(client, people):
    client.force_login(people["observer"])
    assert client.get(reverse("foresight:runs", args=["hubei-2020"])).status_code == 200
    response = client.post(reverse("foresight:runs", args=["hubei-2020"]), {"method": "renewal"})
    assert response.status_code == 403
    assert not ForecastRun.objects.exists()


def test_the_exports_hold_every_quantile(client, people, finished):
    client.force_login(people["observer"])
    text = client.get(
        reverse("foresight:run_csv", args=["hubei-2020", finished.number])
    ).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 16 * 4 * 14 * 23
    assert {row["target"] for row in rows} == {
        "new_confirmed",
        "active",
        "census_hospital",
        "census_icu",
    }
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            client.get(reverse("foresight:run_xlsx", args=["hubei-2020", finished.number])).content
        )
    )
    assert workbook["quantiles"].max_row == len(rows) + 1
    assert any("Nishiura" in str(c.value) for c in workbook["assumptions"]["C"])


def test_the_evaluation_is_labelled_descriptive_and_exported(client, people):
    client.force_login(people["observer"])
    page = client.get(reverse("foresight:evaluation", args=["hubei-2020"])).content.decode()
    assert "descriptive, not causal" in page
    text = client.get(reverse("foresight:evaluation_csv", args=["hubei-2020"])).content.decode()
    huanggang = next(r for r in csv.DictReader(io.StringIO(text)) if r["recipient"] == HUANGGANG)
    assert int(huanggang["dead"]) > 0 and float(huanggang["case_fatality"]) < 0.2
    assert huanggang["paired_from"] == "2020-02-10"
    assert huanggang["last_new_case"] > "2020-02-10"
    assert float(huanggang["staff_paired"]) > 0
    response = client.get(reverse("foresight:recipient_evaluation", args=["hubei-2020", HUANGGANG]))
    assert response.status_code == 200
    assert response.context["chart"]["arrivals"]  # Hubei outside Wuhan's staff figures
