"""The API with per-user tokens: the same permissions as the pages, revocation, pagination."""

import datetime
from decimal import Decimal

import pytest
from tests.operations.helpers import ROLES, call, participant

from pairaid.pairing import options as run_options
from pairaid.pairing import runs
from pairaid.pairing.models import Pairing, PlanRun
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import CapacityLine, NeedLine, Participant
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db


LINE = {"resource_type": "icu_nurse", "quantity": "30", "source": "provincial report"}


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
            # Permissions, not the defaults, are tested here: max-min alone, no churn budget
            # (no trade-off curve to compute first), keeps each fixture to seconds.
            options=run_options.RunOptions(
                objectives=[{"name": "max_min_coverage"}], churn_budget=None, time_limit_seconds=1
            ),
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
            # Who may start a run is tested: max-min alone for a second, not the 20 s defaults.
            {
                "objectives": [{"name": "max_min_coverage"}],
                "churn_budget": None,
                "time_limit_seconds": 1,
            },
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
        {"confirm": True},
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


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True))
)
def test_reading_a_participant(client, keys, role, expected):
    huanggang = participant("421100")
    url = f"/api/v1/programmes/hubei-2020/participants/{huanggang.pk}"
    response = call(client, keys, role, "get", url)
    assert response.status_code == expected
    if expected == 200:
        assert (response.json()["region"], response.json()["role"]) == ("CN:421100", "recipient")


def test_a_participant_of_another_programme_is_not_found(client, keys):
    huanggang = participant("421100")
    url = f"/api/v1/programmes/wenchuan-2008/participants/{huanggang.pk}"
    assert call(client, keys, "outsider", "get", url).status_code == 404


def _line(target: Participant) -> CapacityLine | NeedLine:
    return programme_services.add_line(
        participant=target,
        kind="capacity" if target.role == "donor" else "need",
        resource_type=ResourceType.objects.get(code="icu_nurse"),
        quantity=Decimal(30),
        as_of=datetime.date(2020, 2, 1),
        source_description="provincial report",
        username="test",
    )


@pytest.mark.parametrize(
    "role, code, expected",
    [
        ("admin", "421100", 204),
        ("coordinator", "421100", 204),
        ("recipient", "421100", 204),
        ("donor", "421100", 403),
        ("donor", "370000", 204),
        ("recipient", "370000", 403),
        ("observer", "421100", 403),
        ("outsider", "421100", 404),
        ("anonymous", "421100", 401),
    ],
)
def test_deleting_lines(client, keys, role, code, expected):
    target = participant(code)
    line = _line(target)
    lines = target.capacity_lines if target.role == "donor" else target.need_lines
    url = f"/api/v1/programmes/hubei-2020/participants/{target.pk}/lines/{line.pk}"
    response = call(client, keys, role, "delete", url, HTTP_IF_MATCH=f'"{line.version}"')
    assert response.status_code == expected, response.content
    assert lines.filter(pk=line.pk).exists() == (expected != 204)


def test_a_line_of_another_participant_is_not_found(client, keys):
    shandong, huanggang = participant("370000"), participant("421100")
    line = _line(shandong)
    url = f"/api/v1/programmes/hubei-2020/participants/{huanggang.pk}/lines/{line.pk}"
    assert call(client, keys, "coordinator", "delete", url, HTTP_IF_MATCH='"1"').status_code == 404
    assert CapacityLine.objects.filter(pk=line.pk).exists()


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 403, 403, 403, 404, 401], strict=True))
)
def test_setting_the_programme_date(client, keys, hubei, role, expected):
    url = "/api/v1/programmes/hubei-2020/date"
    response = call(client, keys, role, "post", url, {"programme_date": "2020-02-20"})
    assert response.status_code == expected
    hubei.refresh_from_db()
    assert (hubei.current_date().isoformat() == "2020-02-20") == (expected == 200)
    if expected == 200:
        assert response.json()["programme_date"] == "2020-02-20"


@pytest.mark.parametrize("body", [{"programme_date": "2018-01-01"}, {"programme_date": "soon"}, {}])
def test_a_bad_programme_date_is_refused(client, keys, hubei, body):
    url = "/api/v1/programmes/hubei-2020/date"
    response = call(client, keys, "coordinator", "post", url, body)
    assert response.status_code == 400 and "programme_date" in " ".join(response.json()["detail"])


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [202, 202, 403, 403, 403, 404, 401], strict=True))
)
def test_replaying_a_run(client, keys, hubei, role, expected, monkeypatch):
    monkeypatch.setattr("pairaid.pairing.tasks.enqueue_plan_run", lambda run_id: None)
    run = runs.start(
        programme=hubei,
        user=None,
        options=run_options.RunOptions(time_limit_seconds=5),
        enqueue=lambda run_id: None,
    )
    url = f"/api/v1/programmes/hubei-2020/plan-runs/{run.number}/replay"
    response = call(client, keys, role, "post", url)
    assert response.status_code == expected
    assert PlanRun.objects.filter(replay_of=run).count() == (1 if expected == 202 else 0)
    if expected == 202:
        assert response.json()["replay_of"] == run.number


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [202, 202, 403, 403, 403, 404, 401], strict=True)),
)
def test_starting_a_what_if_comparison(client, keys, role, expected):
    from pairaid.foresight.models import PlanComparison

    # The comparison is only queued (no on-commit callback runs): who may start one is tested.
    response = call(
        client,
        keys,
        role,
        "post",
        "/api/v1/programmes/hubei-2020/plan-comparisons",
        {"origin": "2020-02-10", "paths": 10},
    )
    assert response.status_code == expected
    assert PlanComparison.objects.count() == (1 if expected == 202 else 0)


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True)),
)
def test_reading_a_what_if_comparison(client, keys, people, role, expected):
    from pairaid.foresight import comparisons
    from pairaid.programmes.models import Programme

    started = comparisons.start(
        programme=Programme.objects.get(slug="hubei-2020"),
        user=people["coordinator"],
        enqueue=lambda _pk: None,
        origin=datetime.date(2020, 2, 10),
        paths=10,
    )
    url = f"/api/v1/programmes/hubei-2020/plan-comparisons/{started.number}"
    response = call(client, keys, role, "get", url)
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["state"] == "queued" and body["assumptions"] and body["output"] == {}


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [202, 202, 403, 403, 403, 404, 401], strict=True)),
)
def test_starting_a_rolling_plan(client, keys, role, expected):
    from pairaid.foresight.models import RollingPlanRun

    # Only queued (no on-commit callback runs): who may start one is tested.
    response = call(
        client,
        keys,
        role,
        "post",
        "/api/v1/programmes/hubei-2020/rolling-plans",
        {"first_day": "2020-02-03", "steps": 2},
    )
    assert response.status_code == expected
    assert RollingPlanRun.objects.count() == (1 if expected == 202 else 0)


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True)),
)
def test_reading_a_rolling_plan_and_its_timeline(client, keys, people, role, expected):
    from pairaid.foresight import rolling_runs
    from pairaid.programmes.models import Programme

    started = rolling_runs.start(
        programme=Programme.objects.get(slug="hubei-2020"),
        user=people["coordinator"],
        enqueue=lambda _pk: None,
        first_day=datetime.date(2020, 2, 3),
        steps=2,
    )
    url = f"/api/v1/programmes/hubei-2020/rolling-plans/{started.number}"
    for path in (url, url + "/timeline.csv"):
        response = call(client, keys, role, "get", path)
        assert response.status_code == expected
    if expected == 200:
        body = call(client, keys, role, "get", url).json()
        assert body["state"] == "queued" and body["assumptions"] and body["output"] == {}


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True)),
)
def test_reading_phases(client, keys, role, expected):
    response = call(client, keys, role, "get", "/api/v1/programmes/hubei-2020/phases")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert [p["slug"] for p in body["timeline"]] == ["hubei-2020"] and body["steps"] == []


@pytest.mark.parametrize(
    "role, expected",
    list(zip(ROLES, [200, 200, 403, 403, 403, 404, 401], strict=True)),
)
def test_unlinking_the_previous_phase_is_for_whoever_sets_the_programme(
    client, keys, role, expected
):
    response = call(
        client, keys, role, "post", "/api/v1/programmes/hubei-2020/previous-phase", {"follows": ""}
    )
    assert response.status_code == expected


def test_a_phase_link_names_only_a_programme_the_user_can_see(client, keys, hubei, wenchuan):
    link = {"follows": "wenchuan-2008", "source": "sc-reconstruction-plan-2008"}
    url = "/api/v1/programmes/hubei-2020/previous-phase"
    # Hubei's coordinator cannot see wenchuan-2008: as if it did not exist.
    assert call(client, keys, "coordinator", "post", url, link).status_code == 404
    hubei.refresh_from_db()
    assert hubei.follows is None
    # The administrator sees both; hubei-2020 (2020) may follow wenchuan-2008 (2008).
    response = call(client, keys, "admin", "post", url, link)
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["timeline"]] == ["wenchuan-2008", "hubei-2020"]
    # The coordinator now reads hubei's phases without wenchuan's, and no step compares them.
    body = call(client, keys, "coordinator", "get", "/api/v1/programmes/hubei-2020/phases").json()
    assert [p["slug"] for p in body["timeline"]] == ["hubei-2020"] and body["steps"] == []
    # The reverse link would close a cycle: refused, saying why.
    back = {"follows": "hubei-2020", "source": "sc-reconstruction-plan-2008"}
    refused = call(
        client, keys, "admin", "post", "/api/v1/programmes/wenchuan-2008/previous-phase", back
    )
    assert refused.status_code == 400 and "cycle" in refused.content.decode()
