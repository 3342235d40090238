"""Figures carry their real unit (issue 18 item 3): Hubei's need is counted in confirmed cases,
so the overview says "505 Cumulative confirmed cases", never "505 Medical staff", and coverage
is staff per unit of cases; the chart's series are named in the user's language, not by code."""

import json
import re
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

NAMES = {
    "en": ("Cumulative confirmed cases", "Medical staff (all professions)"),
    "zh-hans": ("累计确诊病例", "医务人员"),
}


def _overview(client: Any, people: dict[str, Any], language: str) -> str:
    client.force_login(people["observer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/p/hubei-2020/")
    assert response.status_code == 200
    return response.content.decode()


def _cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_need_is_shown_in_the_indicator_it_is_counted_in(
    client: Any, people: dict[str, Any], language: str
) -> None:
    cases, staff = NAMES[language]
    html = _overview(client, people, language)

    cells = _cells(html)
    # Shiyan's confirmed cases on the programme date, 2020-02-12 (the daily series)
    assert any(re.fullmatch(rf"\s*562 {re.escape(cases)}\s*", cell) for cell in cells), cells
    assert not any(re.search(rf"\b562 {re.escape(staff)}", cell) for cell in cells)
    # Coverage counts staff per unit of cases, and says so.
    staff, cases = re.escape(staff), re.escape(cases)  # in either order, as the language has it
    unit = rf"{staff}[^<]*{cases}|{cases}[^<]*{staff}"
    assert re.search(unit, html), "no unit of coverage"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_chart_series_are_named_in_the_users_language(
    client: Any, people: dict[str, Any], language: str
) -> None:
    cases, staff = NAMES[language]
    html = _overview(client, people, language)

    found = re.search(r'<script id="chart-labels" type="application/json">(.*?)</script>', html)
    assert found, "no chart labels on the page"
    labels = json.loads(found.group(1))
    data = json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html).group(1)
    )
    codes = {kind: {code for row in data for code in row[kind]} for kind in ("need", "paired")}
    assert codes["need"] == {"confirmed_cases"}  # one bar of cases, not one per resource
    for kind in ("need", "paired"):
        assert codes[kind] <= set(labels[kind]), f"a {kind} series without a label"
    assert cases in labels["need"]["confirmed_cases"]
    assert staff in labels["paired"]["medical_staff"]
    assert not any("_" in label for kind in labels.values() for label in kind.values())
