"""The API with per-user tokens: the same permissions as the pages, revocation, pagination."""

import pytest

from pairaid.accounts import tokens
from pairaid.pairing import options as run_options
from pairaid.pairing import runs
from pairaid.pairing.models import Pairing, PlanRun
from pairaid.programmes.models import CapacityLine, NeedLine, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(people):  # type: ignore[no-untyped-def]
    return {
        role: tokens.create(owner=user, name="test")[1] for role, user in people.items() if user
    }


def call(client, keys, role, method, url, body=None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"} if role in keys else {}
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code)


LINE = {"resource_type": "icu_nurse", "quantity": "30", "source": "provincial report"}
ROLES = ["admin", "coordinator", "donor", "recipient", "observer", "outsider", "anonymous"]


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True)),
)
def test_reading_pairings(client, keys, role, expected):
    response = call(client, keys, role, "get", "/api/v1/programmes/hubei-2020/pairings")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["count"] == 21 and len(body["items"]) == 21
        shandong = next(p for p in body["items"] if p["donor"] == "CN:370000")
        assert (
            shandong["recipient"] == "CN:421100"
            and shandong["allocations"][0]["quantity"] == "591.0000"
        )


@pytest.mark.parametrize(
    "role, code, expected",
    [
        ("admin", "370000", 201),
        ("coordinator", "370000", 201),
        ("donor", "370000", 201),
        ("donor", "430000", 403),
        ("recipient", "370000", 403),
        ("observer", "370000", 403),
        ("outsider", "370000", 404),
        ("anonymous", "370000", 401),
        ("recipient", "421100", 201),
        ("donor", "421100", 403),
    ],
)
def test_adding_lines(client, keys, role, code, expected):
    target = participant(code)
    model = CapacityLine if target.role == "donor" else NeedLine
    before = model.objects.count()
    response = call(
        client,
        keys,
        role,
        "post",
        f"/api/v1/programmes/hubei-2020/participants/{target.pk}/lines",
        LINE,
    )
    assert response.status_code == expected, response.content
    assert model.objects.count() - before == (1 if expected == 201 else 0)


@pytest.fixture
def finished_run(hubei, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.start(
            programme=hubei,
            user=None,
            options=run_options.RunOptions(time_limit_seconds=20),
            enqueue=lambda pk: runs.execute(pk),
        )
    return run


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [202, 202, 403, 403, 403, 404, 401], strict=True)),
)
def test_starting_a_run(client, keys, role, expected, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            client,
            keys,
            role,
            "post",
            "/api/v1/programmes/hubei-2020/plan-runs",
            {"time_limit_seconds": 20},
        )
    assert response.status_code == expected
    assert PlanRun.objects.count() == (1 if expected == 202 else 0)


@pytest.mark.parametrize("action", ["approve", "discard"])
@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [200, 200, 403, 403, 403, 404, 401], strict=True)),
)
def test_deciding_a_run(client, keys, role, expected, action, finished_run):
    active = sorted(Pairing.objects.filter(status="active").values_list("pk", flat=True))
    response = call(
        client,
        keys,
        role,
        "post",
        f"/api/v1/programmes/hubei-2020/plan-runs/{finished_run.number}/{action}",
    )
    assert response.status_code == expected
    finished_run.refresh_from_db()
    if expected == 200:
        assert response.json()["decision"] == finished_run.decision != "pending"
    else:
        assert finished_run.decision == "pending"
        assert (
            sorted(Pairing.objects.filter(status="active").values_list("pk", flat=True)) == active
        )


def test_run_status_and_result_through_the_api(client, keys, finished_run):
    body = call(
        client,
        keys,
        "observer",
        "get",
        f"/api/v1/programmes/hubei-2020/plan-runs/{finished_run.number}",
    ).json()
    assert body["state"] == "finished" and body["result"]["status"] in ("optimal", "feasible")
    assert body["result"]["levels"][0]["name"] == "max_min_coverage"


def test_a_revoked_token_stops_working(client, people, keys):
    token = people["donor"].api_tokens.get()
    assert call(client, keys, "donor", "get", "/api/v1/programmes").status_code == 200
    response = call(client, keys, "coordinator", "delete", f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert call(client, keys, "donor", "get", "/api/v1/programmes").status_code == 401


@pytest.mark.parametrize(
    "actor, expected",
    [
        ("donor", 200),
        ("coordinator", 200),
        ("admin", 200),
        ("recipient", 404),
        ("observer", 404),
        ("outsider", 404),
    ],
)
def test_who_may_revoke_a_donor_officers_token(client, people, keys, actor, expected):
    token = people["donor"].api_tokens.get()
    response = call(client, keys, actor, "delete", f"/api/v1/tokens/{token.pk}")
    assert response.status_code == expected
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (expected == 200)


def test_tokens_are_created_only_for_oneself(client, people, keys):
    response = call(client, keys, "coordinator", "post", "/api/v1/tokens", {"name": "laptop"})
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "carol_coordinator" and body["key"].startswith("pa_")
    assert call(client, {"new": body["key"]}, "new", "get", "/api/v1/programmes").status_code == 200
    listed = call(client, keys, "donor", "get", "/api/v1/tokens").json()
    assert [t["username"] for t in listed] == ["dan_shandong"]


def test_lists_are_paginated(client, keys):
    body = call(client, keys, "admin", "get", "/api/v1/regions?page=1").json()
    assert body["count"] > 50 and len(body["items"]) == 50


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/programmes/{slug}/plan-runs" in schema["paths"]
    assert client.get("/api/docs").status_code == 302
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs and "swagger" in docs.lower()


def test_session_writes_need_csrf(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["coordinator"])
    response = client.post(
        "/api/v1/programmes/hubei-2020/plan-runs", {}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not PlanRun.objects.exists()
