"""Teams through the API with tokens: registered, deployed, dispatched by the donor, and their
arrival confirmed by the recipient only; and listed with their members and deployments."""

import pytest
from tests.operations.helpers import READ, ROLES, call, participant, resource

from pairaid.operations.services import teams as team_services

pytestmark = pytest.mark.django_db


def test_staff_through_the_api(client, keys):
    base = "/api/v1/programmes/hubei-2020"
    team = call(
        client,
        keys,
        "donor",
        "post",
        f"{base}/teams",
        {
            "donor": "370000",
            "name": "Shandong team 2",
            "members": {"icu_nurse": 20, "icu_doctor": 4},
        },
    )
    assert team.status_code == 201 and team.json()["size"] == 24
    deployment = call(
        client,
        keys,
        "donor",
        "post",
        f"{base}/teams/{team.json()['id']}/deployments",
        {"recipient": "421100"},
    ).json()
    assert (
        call(
            client, keys, "donor", "post", f"{base}/deployments/{deployment['id']}/dispatch"
        ).json()["status"]
        == "dispatched"
    )
    assert (
        call(
            client, keys, "donor", "post", f"{base}/deployments/{deployment['id']}/arrival"
        ).status_code
        == 403
    )
    assert (
        call(
            client, keys, "recipient", "post", f"{base}/deployments/{deployment['id']}/arrival"
        ).json()["status"]
        == "arrived"
    )


@pytest.mark.parametrize("role", ROLES)
def test_reading_teams(client, keys, hubei, role):
    nurse = resource("icu_nurse")
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong team 1", members={nurse: 30}
    )
    team_services.deploy(team=team, recipient=participant("421100"))
    response = call(client, keys, role, "get", "/api/v1/programmes/hubei-2020/teams")
    assert response.status_code == READ[role]
    if response.status_code == 200:
        [listed] = response.json()["items"]
        assert (listed["donor"], listed["size"], listed["members"]) == (
            "CN:370000",
            30,
            {"icu_nurse": 30},
        )
        assert [(d["recipient"], d["status"]) for d in listed["deployments"]] == [
            ("CN:421100", "planned")
        ]


def test_teams_are_paginated_and_filtered_by_donor(client, keys, hubei):
    nurse = resource("icu_nurse")
    for donor, count in (("370000", 51), ("430000", 2)):
        for number in range(count):
            team_services.register_team(
                donor=participant(donor), name=f"team {number:02}", members={nurse: 1}
            )
    url = "/api/v1/programmes/hubei-2020/teams"
    everyone = call(client, keys, "observer", "get", url).json()
    assert everyone["count"] == 53 and len(everyone["items"]) == 50
    hunan = call(client, keys, "observer", "get", f"{url}?donor=430000").json()
    assert [t["name"] for t in hunan["items"]] == ["team 00", "team 01"]
    unknown = call(client, keys, "observer", "get", f"{url}?donor=421100")  # a recipient
    assert unknown.status_code == 400
