"""Teams through the API with tokens: registered, deployed, dispatched by the donor, and their
arrival confirmed by the recipient only."""

import pytest
from tests.operations.helpers import call

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
