"""The language switch is remembered per user and applied at the next login."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_chosen_language_follows_the_user_to_a_new_browser(client, people):
    client.force_login(people["donor"])
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/p/hubei-2020/"})
    assert response.status_code == 302
    people["donor"].refresh_from_db()
    assert people["donor"].language == "zh-hans"

    other_browser = Client()
    other_browser.force_login(people["donor"])
    page = other_browser.get("/p/hubei-2020/")
    body = page.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "黄冈市" in body  # region names in the chosen language


def test_english_stays_the_default(client, people):
    client.force_login(people["observer"])
    assert '<html lang="en">' in client.get("/p/hubei-2020/").content.decode()
