"""A region's daily case counts with the record's quirks flagged, never smoothed or filled:
missing days, falling cumulative counts, cities that do not sum to the province, and Hubei's
change of definition on 2020-02-12; and their CSV export."""

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import pytest

from pairaid.registry import series
from pairaid.registry.models import Region

pytestmark = pytest.mark.django_db

# The dates where facts/hubei_city_daily_asof.csv says sum_matches_total = False.
DATES_NOT_SUMMING = {
    "2020-02-08",
    "2020-02-12",
    "2020-02-19",
    "2020-02-22",
    "2020-03-02",
    "2020-03-08",
    "2020-04-10",
}


def days_of(code: str) -> dict[str, series.Day]:
    return {day.as_of.isoformat(): day for day in series.case_series(Region.objects.get(code=code))}


def test_a_city_series_runs_every_day_with_the_published_figures(hubei: Any) -> None:
    wuhan = days_of("420100")
    assert len(wuhan) == 98
    assert wuhan["2020-02-12"].counts == {
        "confirmed_cases": Decimal(32994),
        "cured": Decimal(1922),
        "deaths": Decimal(1036),
    }
    # the checked rows of 2020-02-10 keep their certainty; the series' cured count has its own
    assert wuhan["2020-02-10"].certainty == {
        "confirmed_cases": "verified",
        "cured": "uncertain",
        "deaths": "verified",
    }
    assert set(wuhan["2020-02-11"].certainty.values()) == {"uncertain"}


def test_the_dates_where_the_cities_do_not_sum_to_the_province_are_flagged(hubei: Any) -> None:
    province = days_of("420000")
    flagged = {day for day, d in province.items() if any("parts_do_not_sum" in f for f in d.flags)}
    assert flagged == DATES_NOT_SUMMING
    # and a city sees them too, as the day its family does not add up
    assert "parts_do_not_sum:confirmed_cases" in days_of("421100")["2020-02-12"].flags
    assert "parts_do_not_sum:deaths" in days_of("421100")["2020-03-02"].flags


def test_falling_cumulative_counts_are_flagged_not_corrected(hubei: Any) -> None:
    jingmen = days_of("420800")
    assert "falls:confirmed_cases" in jingmen["2020-02-17"].flags
    assert jingmen["2020-02-19"].counts["confirmed_cases"] == 794  # 901 the day before
    assert "falls:confirmed_cases" in jingmen["2020-02-19"].flags
    assert "falls:deaths" in days_of("420100")["2020-02-13"].flags
    assert not any(f.startswith("falls") for f in jingmen["2020-02-18"].flags)


def test_a_missing_day_stays_missing(hubei: Any) -> None:
    huangshi = days_of("420200")
    assert huangshi["2020-01-24"].counts == {}
    assert huangshi["2020-01-24"].flags == ("missing",)
    assert "missing" not in huangshi["2020-01-25"].flags


def test_the_clinical_diagnosis_jump_of_2020_02_12_is_flagged(hubei: Any) -> None:
    for code in ("420000", "420100", "421100"):
        assert "counting_changed:confirmed_cases" in days_of(code)["2020-02-12"].flags
        assert not any("counting" in f for f in days_of(code)["2020-02-11"].flags)


def test_a_pseudo_region_shows_its_few_days(hubei: Any) -> None:
    prisons = Region.objects.get(parent__code="420000", name_en="Prison system")
    days = {d.as_of: d for d in series.case_series(prisons)}
    published = [d for d in days.values() if d.counts]
    assert [d.as_of for d in published] == [
        datetime.date(2020, 2, 20),
        datetime.date(2020, 2, 21),
        datetime.date(2020, 2, 22),
    ]
    assert days[datetime.date(2020, 2, 22)].counts["confirmed_cases"] == 253


def test_the_csv_export_names_each_days_flags(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["observer"])
    response = client.get("/regions/CN:420100/case-series.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_day = {row["as_of"]: row for row in rows}
    assert by_day["2020-02-12"]["confirmed_cases"] == "32994"
    assert by_day["2020-02-12"]["sources"] == "hubei-hc-daily-2020"
    assert by_day["2020-02-10"]["confirmed_cases_certainty"] == "verified"
    assert by_day["2020-02-10"]["sources"] == "hubei-hc-city-cases;hubei-hc-daily-2020"
    flags = by_day["2020-02-12"]["flags"].split(";")
    assert "counting_changed:confirmed_cases" in flags
    assert "parts_do_not_sum:confirmed_cases" in flags
    assert by_day["2020-02-13"]["flags"] == "falls:deaths"


def test_the_csv_export_of_a_code_less_area(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["observer"])
    response = client.get("/regions/CN:420000/Prison system/case-series.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    published = [row for row in rows if row["confirmed_cases"]]
    assert [row["confirmed_cases"] for row in published] == ["220", "221", "253"]
    assert rows[0]["region"] == "CN:420000/Prison system"
    assert rows[0]["flags"] == "missing"


def test_the_api_gives_the_same_days_and_flags(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["observer"])
    response = client.get("/api/v1/regions/CN:420000/Prison system/case-series")
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == "CN:420000/Prison system"
    day = next(d for d in body["days"] if d["as_of"] == "2020-02-22")
    assert (day["confirmed_cases"], day["cured"], day["deaths"]) == ("253", "3", "0")
    assert day["certainty"] == {
        "confirmed_cases": "uncertain",
        "cured": "uncertain",
        "deaths": "uncertain",
    }
    assert "parts_do_not_sum:confirmed_cases" in day["flags"]
    assert body["days"][0]["confirmed_cases"] is None
    assert body["days"][0]["flags"] == ["missing"]
