"""CSRF on every form, session timeout and login throttling."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from pairaid.programmes.models import CapacityLine, Participant

pytestmark = pytest.mark.django_db


def test_forms_refuse_posts_without_a_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["coordinator"])
    shandong = Participant.objects.get(programme__slug="hubei-2020", region__code="370000")
    before = CapacityLine.objects.count()
    posts = [
        (
            f"/p/hubei-2020/participants/{shandong.pk}/",
            {"resource_type": "doctor", "quantity": "1", "source": "x", "certainty": "verified"},
        ),
        ("/p/hubei-2020/date", {"programme_date": "2020-03-01"}),
        ("/accounts/logout/", {}),
        ("/accounts/password/", {}),
        ("/i18n/setlang/", {"language": "zh-hans"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert CapacityLine.objects.count() == before


def test_every_rendered_form_carries_a_csrf_token(client, people):
    client.force_login(people["coordinator"])
    shandong = Participant.objects.get(programme__slug="hubei-2020", region__code="370000")
    for url in [
        "/",
        "/p/hubei-2020/",
        f"/p/hubei-2020/participants/{shandong.pk}/",
        "/accounts/password/",
    ]:
        body = client.get(url).content.decode()
        posts = body.count('method="post"')
        assert posts >= 1 and posts == body.count("csrfmiddlewaretoken"), url


def test_an_idle_session_expires(client, people, settings):
    client.force_login(people["donor"])
    assert client.get("/p/hubei-2020/").status_code == 200
    from django.contrib.sessions.models import Session

    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    session.save()
    response = client.get("/p/hubei-2020/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_repeated_failed_logins_are_throttled(client, people, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(
            "/accounts/login/", {"username": "dan_shandong", "password": "wrong"}
        )
    # Now even the right password is refused for a while.
    response = client.post(
        "/accounts/login/", {"username": "dan_shandong", "password": "a-long-password-1"}
    )
    assert response.status_code in (403, 429)
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_login_works_with_throttling_on(client, people, settings):
    settings.AXES_ENABLED = True
    response = client.post(
        "/accounts/login/", {"username": "dan_shandong", "password": "a-long-password-1"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people["donor"].pk)


def test_an_address_is_slowed_down_never_locked_out(client, people, settings, monkeypatch):
    """Failures from one address (many accounts behind one NAT) make it wait, growing; an account
    of that address whose password is right gets in once the wait is over."""
    from pairaid.accounts import throttle

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 100  # no account lockout in this test
    for n in range(throttle.FREE_FAILURES + 3):
        client.post("/accounts/login/", {"username": f"nobody{n}", "password": "wrong"})
    waiting = client.post(
        "/accounts/login/", {"username": "dan_shandong", "password": "a-long-password-1"}
    )
    assert waiting.status_code == 429
    assert int(waiting["Retry-After"]) >= 1
    assert "_auth_user_id" not in client.session
    # Once the wait has passed (the clock moved on), the right password works.
    later = throttle.timezone.now() + throttle.datetime.timedelta(
        seconds=throttle.LONGEST_WAIT_SECONDS
    )
    monkeypatch.setattr(throttle.timezone, "now", lambda: later)
    response = client.post(
        "/accounts/login/", {"username": "dan_shandong", "password": "a-long-password-1"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people["donor"].pk)
