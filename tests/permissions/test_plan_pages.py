"""Plan workspace permissions: only coordinators (and administrators) run, approve, discard,
replay; everyone in the programme reads runs; outsiders get 404."""

import pytest

from pairaid.pairing import options as run_options
from pairaid.pairing import runs
from pairaid.pairing.models import Pairing, PlanRun

pytestmark = pytest.mark.django_db
FORM = {"objectives": ["max_min_coverage"], "leximin_levels": "3", "time_limit_seconds": "1"}


def login(client, people, role):  # type: ignore[no-untyped-def]
    if people[role] is not None:
        client.force_login(people[role])
    return client


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
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 403),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_starting_a_run(client, people, role, expected, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, people, role).post("/p/hubei-2020/plan/", FORM)
    assert response.status_code == expected
    assert PlanRun.objects.count() == (1 if role in ("admin", "coordinator") else 0)
    if role == "coordinator":
        run = PlanRun.objects.get()
        assert run.state == "finished" and run.created_by == people["coordinator"]
        assert response["Location"] == f"/p/hubei-2020/plan/runs/{run.number}/"


@pytest.mark.parametrize("action", ["approve", "discard"])
@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 403),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_deciding_on_a_run(client, people, role, expected, action, finished_run):
    in_force = list(Pairing.objects.filter(status="active").values_list("pk", flat=True))
    response = login(client, people, role).post(
        f"/p/hubei-2020/plan/runs/{finished_run.number}/{action}", {"confirmed": "yes"}
    )
    assert response.status_code == expected
    finished_run.refresh_from_db()
    if expected == 302:
        assert finished_run.decision == {"approve": "approved", "discard": "discarded"}[action]
    else:
        assert finished_run.decision == "pending"
        assert (
            list(Pairing.objects.filter(status="active").values_list("pk", flat=True)) == in_force
        )


@pytest.mark.parametrize(
    "role, expected",
    [("coordinator", 302), ("donor", 403), ("observer", 403), ("outsider", 404)],
)
def test_replaying_a_run(
    client, people, role, expected, finished_run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, people, role).post(
            f"/p/hubei-2020/plan/runs/{finished_run.number}/replay"
        )
    assert response.status_code == expected
    assert PlanRun.objects.count() == (2 if expected == 302 else 1)


@pytest.mark.parametrize(
    "role, expected", [("coordinator", 200), ("donor", 200), ("observer", 200), ("outsider", 404)]
)
def test_reading_runs(client, people, role, expected, finished_run):
    client = login(client, people, role)
    assert client.get("/p/hubei-2020/plan/").status_code == expected
    response = client.get(f"/p/hubei-2020/plan/runs/{finished_run.number}/")
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert 'id="comparison"' in body
        assert ('id="approve"' in body) == (role == "coordinator")
