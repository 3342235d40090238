"""The done-when flow through the API with tokens: request → pledge → dispatch → short receipt,
then gaps and the league table; the region-scoped permissions of each step; renewals; and the
lists, a page at a time."""

import datetime
from decimal import Decimal

import pytest
from tests.operations.helpers import ROLES, call, participant, resource

from pairaid.operations.models import Request
from pairaid.operations.services import requests as request_services

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
    line = call(client, keys, "observer", "get", f"{base}/requests").json()["items"][0]["lines"][0]
    assert (line["requested"], line["pledged"], line["in_transit"], line["received"]) == (
        "5000.0000",
        "5000.0000",
        "0",
        "4800.0000",
    )
    league = call(client, keys, "observer", "get", f"{base}/league").json()["items"]
    shandong = next(row for row in league if row["donor_code"] == "370000")
    assert shandong["fulfilment_rate"] == pytest.approx(0.96)
    assert call(client, keys, "outsider", "get", f"{base}/gaps").status_code == 404


BASE = "/api/v1/programmes/hubei-2020"


def _raise(number_of_requests: int) -> list[Request]:
    return [
        request_services.raise_request(
            recipient=participant("421100"),
            lines=[request_services.LineIn(resource("tent"), Decimal(10))],
            user=None,
        )
        for _ in range(number_of_requests)
    ]


# What a recipient's officer answers for: renewing its own region's requests.
RENEW = dict(zip(ROLES, [200, 200, 403, 200, 403, 404, 401], strict=True))


@pytest.mark.parametrize("role", ROLES)
def test_renewing_a_request(client, keys, hubei, role):
    [request] = _raise(1)
    Request.objects.filter(pk=request.pk).update(expires_on=datetime.date(2020, 2, 13))
    response = call(client, keys, role, "post", f"{BASE}/requests/{request.number}/renew")
    assert response.status_code == RENEW[role], response.content
    request.refresh_from_db()
    assert (request.expires_on > datetime.date(2020, 2, 13)) == (response.status_code == 200)
    if response.status_code == 200:
        assert response.json()["expires_on"] == request.expires_on.isoformat()


def test_a_closed_request_is_not_renewed_and_a_missing_one_not_found(client, keys, hubei):
    [request] = _raise(1)
    Request.objects.filter(pk=request.pk).update(status=Request.Status.CLOSED)
    closed = call(client, keys, "recipient", "post", f"{BASE}/requests/{request.number}/renew")
    assert closed.status_code == 409
    missing = call(client, keys, "recipient", "post", f"{BASE}/requests/9999/renew")
    assert missing.status_code == 404


def test_requests_are_paginated_newest_first(client, keys, hubei):
    numbers = sorted((r.number for r in _raise(51)), reverse=True)
    first = call(client, keys, "observer", "get", f"{BASE}/requests").json()
    second = call(client, keys, "observer", "get", f"{BASE}/requests?page=2").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (51, 50, 1)
    assert [r["number"] for r in first["items"] + second["items"]] == numbers
    far = call(client, keys, "observer", "get", f"{BASE}/requests?page=99").json()
    assert far["items"] == [] and far["count"] == 51


@pytest.mark.parametrize("room", ["requests", "shipments", "disbursements", "gaps", "league"])
def test_every_ledger_list_is_a_page(client, keys, hubei, room):
    body = call(client, keys, "observer", "get", f"{BASE}/{room}?page_size=2").json()
    assert set(body) == {"items", "count"} and len(body["items"]) <= 2
    too_big = call(client, keys, "observer", "get", f"{BASE}/{room}?page_size=0")
    assert too_big.status_code == 400
