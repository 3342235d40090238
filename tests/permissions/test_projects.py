"""The permission matrix of projects (issue 22; DESIGN.md §7), through the API: everyone in the
programme reads projects and the 3W; the donor's officer registers and runs its projects; the
recipient's officer confirms hand-overs and actual results; the coordinator may do both;
observers read; outsiders see nothing (404) and the anonymous are asked to log in (401)."""

from decimal import Decimal

import pytest
from tests.operations.helpers import ROLES, call

from pairaid.projects import services as project_services
from pairaid.projects.models import Project

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programmes/hubei-2020"


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True))
)
@pytest.mark.parametrize("path", ["/projects", "/three-w", "/projects-by-pairing"])
def test_reading_projects_and_the_3w(client, keys, project, role, expected, path):
    response = call(client, keys, role, "get", BASE + path)
    assert response.status_code == expected
    if expected == 200 and path == "/projects":
        assert [p["title"] for p in response.json()["items"]] == ["Township middle school"]
    if expected == 200 and path == "/projects-by-pairing":
        (row,) = response.json()
        assert (row["pairing"], row["parent"], Decimal(row["total"]["budget"])) == (
            project.pairing_id,
            None,
            2_500_000,
        )


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [201, 201, 201, 403, 403, 404, 401], strict=True))
)
def test_registering_a_project(client, keys, township, role, expected):
    body = {
        "donor": "CN:370000",
        "recipient": "CN:421100",
        "title": "Water works",
        "sector": "water",
        "location": township.reference,
        "budget": {"donor_budget": "1000000", "pooled": "250000"},
    }
    response = call(client, keys, role, "post", BASE + "/projects", body)
    assert response.status_code == expected, response.content
    assert Project.objects.count() == (1 if expected == 201 else 0)
    if expected == 201:
        made = response.json()
        assert (made["status"], made["dac_code"], made["location"]) == (
            1,
            "14030",
            township.reference,
        )
        assert made["budget"] == {"donor_budget": "1000000.00", "pooled": "250000.00"}


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 200, 403, 403, 404, 401], strict=True))
)
def test_starting_a_project(client, keys, project, role, expected):
    response = call(client, keys, role, "post", f"{BASE}/projects/{project.pk}/moves/start", {})
    assert response.status_code == expected
    project.refresh_from_db()
    assert project.status == (2 if expected == 200 else 1)


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 403, 200, 403, 404, 401], strict=True))
)
def test_confirming_a_hand_over(client, keys, people, project, role, expected):
    for name in ("start", "hand_over"):
        project_services.move(
            user=people["donor"], project=project, name=name, receiving_body="bureau"
        )
    url = f"{BASE}/projects/{project.pk}/moves/confirm_hand_over"
    response = call(client, keys, role, "post", url, {})
    assert response.status_code == expected
    project.refresh_from_db()
    assert project.status == (4 if expected == 200 else 3)


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 403, 200, 403, 404, 401], strict=True))
)
def test_confirming_an_actual_result(client, keys, people, project, role, expected):
    indicator = project_services.add_result(
        user=people["donor"],
        project=project,
        name="pupils housed",
        unit="pupils",
        baseline=Decimal(0),
        target=Decimal(600),
    )
    project_services.move(user=people["donor"], project=project, name="start")
    url = f"{BASE}/projects/{project.pk}/results/{indicator.pk}/actual"
    response = call(client, keys, role, "post", url, {"actual": "580"})
    assert response.status_code == expected
    indicator.refresh_from_db()
    assert indicator.actual == (580 if expected == 200 else None)


def test_a_move_out_of_turn_is_a_conflict_that_says_why(client, keys, project):
    url = f"{BASE}/projects/{project.pk}/moves/confirm_hand_over"
    response = call(client, keys, "coordinator", "post", url, {})
    assert response.status_code == 409
    assert "pipeline" in response.json()["detail"][0]
