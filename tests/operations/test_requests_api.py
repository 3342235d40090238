"""The done-when flow through the API with tokens: request → pledge → dispatch → short receipt,
then gaps and the league table; and the region-scoped permissions of each step."""

import pytest
from tests.operations.helpers import call

pytestmark = pytest.mark.django_db


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
