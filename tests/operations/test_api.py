"""The done-when flow through the API with tokens: request → pledge → dispatch → short receipt,
then gaps and the league table; and the region-scoped permissions of each step."""

import pytest

from pairaid.accounts import tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(people):  # type: ignore[no-untyped-def]
    return {role: tokens.create(owner=user, name="t")[1] for role, user in people.items() if user}


def call(client, keys, role, method, url, body=None):  # type: ignore[no-untyped-def]
    return getattr(client, method)(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {keys[role]}"
    )


def test_ledger_flow_through_the_api(client, keys):
    base = "/api/v1/programmes/hubei-2020"
    raised = call(
        client,
        keys,
        "recipient",
        "post",
        f"{base}/requests",
        {
            "recipient": "421100",
            "lines": [
                {"resource_type": "protective_suit", "quantity": "5000", "priority": "urgent"}
            ],
        },
    )
    assert raised.status_code == 201, raised.content
    line_id = raised.json()["lines"][0]["id"]
    assert (
        call(
            client,
            keys,
            "donor",
            "post",
            f"{base}/requests",
            {"recipient": "421100", "lines": [{"resource_type": "n95_mask", "quantity": "1"}]},
        ).status_code
        == 403
    )
    pledged = call(
        client,
        keys,
        "donor",
        "post",
        f"{base}/request-lines/{line_id}/pledges",
        {"donor": "370000", "quantity": "5000"},
    )
    assert pledged.status_code == 201
    assert (
        call(
            client,
            keys,
            "donor",
            "post",
            f"{base}/request-lines/{line_id}/pledges",
            {"donor": "430000", "quantity": "1", "note": "x"},
        ).status_code
        == 403
    )
    shipped = call(
        client,
        keys,
        "donor",
        "post",
        f"{base}/pledges/{pledged.json()['id']}/shipments",
        {"quantity": "5000", "reference": "SD-7"},
    )
    assert shipped.status_code == 201
    shipment_id = shipped.json()["id"]
    assert (
        call(
            client,
            keys,
            "donor",
            "post",
            f"{base}/shipments/{shipment_id}/receipt",
            {"received_quantity": "4800"},
        ).status_code
        == 403
    )
    received = call(
        client,
        keys,
        "recipient",
        "post",
        f"{base}/shipments/{shipment_id}/receipt",
        {
            "received_quantity": "4800",
            "discrepancies": [{"kind": "damaged", "quantity": "200", "note": "wet"}],
        },
    )
    assert received.status_code == 200
    assert received.json()["discrepancies"] == [
        {"kind": "damaged", "quantity": "200.0000", "note": "wet"}
    ]
    assert (
        call(
            client,
            keys,
            "recipient",
            "post",
            f"{base}/shipments/{shipment_id}/receipt",
            {"received_quantity": "5000"},
        ).status_code
        == 409
    )
    line = call(client, keys, "observer", "get", f"{base}/requests").json()[0]["lines"][0]
    assert (line["requested"], line["pledged"], line["in_transit"], line["received"]) == (
        "5000.0000",
        "5000.0000",
        "0",
        "4800.0000",
    )
    league = call(client, keys, "observer", "get", f"{base}/league").json()
    shandong = next(row for row in league if row["donor_code"] == "370000")
    assert shandong["fulfilment_rate"] == pytest.approx(0.96)
    assert call(client, keys, "outsider", "get", f"{base}/gaps").status_code == 404


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
