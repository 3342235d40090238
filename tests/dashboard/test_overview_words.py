"""The overview speaks to people: the "later figures" banner summarises, keeps the details behind
a disclosure and speaks the page's language only (issue 18 item 6: a run-on list of 19 donors, in
English on Chinese pages); resources and indicators by name, never by code (issue 18 item 3)."""

import re
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

BEFORE_THE_STAFF_FIGURES = "/p/hubei-2020/?date=2020-02-10"  # staff are dated 2020-03-16


def _banner(html: str) -> str:
    found = re.search(r'<details class="later-figures">(.*?)</details>', html, re.S)
    assert found, "no later-figures disclosure on the page"
    return found.group(1)


def _overview(client: Any, people: dict[str, Any], language: str) -> str:
    client.force_login(people["observer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(BEFORE_THE_STAFF_FIGURES)
    assert response.status_code == 200
    return response.content.decode()


def test_the_banner_is_a_summary_with_the_figures_behind_a_disclosure(
    client: Any, people: dict[str, Any]
) -> None:
    banner = _banner(_overview(client, people, "en"))
    summary = re.search(r"<summary>(.*?)</summary>", banner, re.S)
    assert summary and "19 figures are dated after this date" in summary.group(1)
    assert "Hubei" not in summary.group(1)  # the donors are in the details, not the summary
    items = re.findall(r"<li>(.*?)</li>", banner)
    assert len(items) == 19
    assert all("Medical staff (all professions), dated March 16, 2020" in item for item in items), (
        items[0]
    )
    assert "medical_staff" not in banner


def test_the_banner_is_in_chinese_on_chinese_pages(client: Any, people: dict[str, Any]) -> None:
    banner = _banner(_overview(client, people, "zh-hans"))
    items = re.findall(r"<li>(.*?)</li>", banner)
    assert len(items) == 19
    for text in (re.sub(r"<[^>]+>", "", banner), *items):
        latin_words = re.findall(r"[A-Za-z]{2,}", text)
        assert not latin_words, f"English in a Chinese banner: {latin_words} in {text!r}"


def _visible_text(html: str) -> str:
    """What a person reads: no scripts (the chart's data), no tags or attributes."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_overview_names_resources_rather_than_showing_codes(
    client: Any, people: dict[str, Any], language: str
) -> None:
    text = _visible_text(_overview(client, people, language))
    text = text.replace(people["observer"].username, "")  # a login name is the user's own word
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text), "a raw field or resource code on the page"
    assert "DESIGN" not in text
