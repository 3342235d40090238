"""Teams, deployments and rotations through the pages, with their region-scoped permissions."""

import datetime

import pytest
from tests.operations.helpers import pk

from pairaid.operations.models import Deployment, Team
from pairaid.operations.queries import facilities as facility_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, expected",
    [
        ("donor", 302),
        ("coordinator", 302),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_who_registers_a_shandong_team(client, people, role, expected):
    client.force_login(people[role])
    response = client.post(
        "/p/hubei-2020/teams/",
        {"donor": pk("370000"), "name": "Shandong team 1", "members": "icu_nurse:30, icu_doctor:5"},
    )
    assert response.status_code == expected
    assert Team.objects.count() == (1 if expected == 302 else 0)


def test_deploy_dispatch_arrive_rotate_and_the_responsibility_matrix(client, people, hospital):
    client.force_login(people["donor"])
    client.post(
        "/p/hubei-2020/teams/",
        {"donor": pk("370000"), "name": "Shandong team 1", "members": "icu_nurse:30"},
    )
    team = Team.objects.get()
    matrix = facility_queries.responsibility_matrix(team.programme, datetime.date(2020, 2, 12))
    assert matrix[0].uncovered
    assert (
        client.post(
            f"/p/hubei-2020/teams/{team.pk}/deploy",
            {"recipient": pk("421100"), "facility": hospital.pk},
        ).status_code
        == 302
    )
    deployment = Deployment.objects.get()
    assert client.post(f"/p/hubei-2020/deployments/{deployment.pk}/dispatch").status_code == 302
    # Only the recipient confirms the arrival.
    assert client.post(f"/p/hubei-2020/deployments/{deployment.pk}/arrive").status_code == 403
    client.force_login(people["recipient"])
    assert client.post(f"/p/hubei-2020/deployments/{deployment.pk}/arrive").status_code == 302
    deployment.refresh_from_db()
    assert deployment.status == "arrived" and deployment.arrived_on == datetime.date(2020, 2, 12)
    matrix = facility_queries.responsibility_matrix(team.programme, datetime.date(2020, 2, 12))
    assert matrix[0].donors == ["Shandong"] and not matrix[0].uncovered
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    assert "Dabie Mountain" in page and "Shandong" in page
