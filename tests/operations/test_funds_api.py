"""Funds through the API: a funds request end to end (the donor disburses against the pledge, the
recipient confirms a short receipt; the workbook's way is in test_workbook_funds), and
commitments with the disbursements drawn on them, as the funds page records them."""

from decimal import Decimal

import pytest
from tests.operations.helpers import DONORS_WRITE, READ, ROLES, call, participant

from pairaid.accounts import tokens
from pairaid.operations.models import FundCommitment
from pairaid.operations.services import funds as fund_services

pytestmark = pytest.mark.django_db


def test_the_funds_flow_through_the_api(client, people, funds_pledge):
    def call(role, url, body=None):  # type: ignore[no-untyped-def]
        key = tokens.create(owner=people[role], name="t")[1]
        method = client.post if body is not None else client.get
        return method(
            url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )

    base = "/api/v1/programmes/hubei-2020"
    over = call("donor", f"{base}/pledges/{funds_pledge.pk}/disbursements", {"amount": "600001"})
    assert over.status_code == 400
    shipped = call("donor", f"{base}/pledges/{funds_pledge.pk}/shipments", {"quantity": "1"})
    assert shipped.status_code == 409
    made = call("donor", f"{base}/pledges/{funds_pledge.pk}/disbursements", {"amount": "600000"})
    assert made.status_code == 201 and made.json()["status"] == "disbursed"
    line = call("observer", f"{base}/requests").json()["items"][0]["lines"][0]
    assert [Decimal(line[k]) for k in ("pledged", "in_transit", "received")] == [600000, 600000, 0]
    confirmed = call(
        "recipient",
        f"{base}/disbursements/{made.json()['id']}/receipt",
        {"received_amount": "599000", "note": "fee"},
    )
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert body["status"] == "received" and body["discrepancies"] == [
        {"kind": "short", "quantity": "1000.0000", "note": "fee"}
    ]
    listed = call("observer", f"{base}/disbursements").json()["items"]
    assert [Decimal(d["received_amount"]) for d in listed] == [599000]
    line = call("observer", f"{base}/requests").json()["items"][0]["lines"][0]
    assert [Decimal(line[k]) for k in ("in_transit", "received")] == [0, 599000]


COMMITMENTS = "/api/v1/programmes/hubei-2020/commitments"
COMMITMENT = {"donor": "370000", "recipient": "421100", "amount": "5000000"}


@pytest.mark.parametrize("role", ROLES)
def test_committing_funds(client, keys, role):
    response = call(client, keys, role, "post", COMMITMENTS, COMMITMENT)
    assert response.status_code == DONORS_WRITE[role], response.content
    assert FundCommitment.objects.count() == (1 if response.status_code == 201 else 0)
    if response.status_code == 201:
        made = response.json()
        assert (made["year"], made["kind"], made["amount"], made["disbursed"]) == (
            2020,  # the programme date's year
            "cash",
            "5000000.00",
            "0",
        )


@pytest.mark.parametrize(
    "change, field",
    [
        ({"recipient": "420900"}, "recipient"),  # Xiaogan is not Shandong's recipient
        ({"amount": "0"}, "amount"),
        ({"amount": "0.001"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"kind": "gold"}, "kind"),
        ({"year": 0}, "year"),
        ({"year": "2020"}, "year"),
    ],
)
def test_bad_commitments_are_refused_naming_the_field(client, keys, change, field):
    response = call(client, keys, "coordinator", "post", COMMITMENTS, COMMITMENT | change)
    assert response.status_code == 400, response.content
    assert field in " ".join(response.json()["detail"])
    assert FundCommitment.objects.count() == 0


@pytest.fixture
def commitment(hubei):  # type: ignore[no-untyped-def]
    return fund_services.commit_funds(
        donor=participant("370000"),
        recipient=participant("421100"),
        year=2020,
        amount=Decimal(1000),
        kind=FundCommitment.Kind.IN_KIND,
        description="field hospital equipment",
    )


@pytest.mark.parametrize("role", ROLES)
def test_disbursing_on_a_commitment(client, keys, commitment, role):
    url = f"{COMMITMENTS}/{commitment.pk}/disbursements"
    response = call(client, keys, role, "post", url, {"amount": "400", "date": "2020-02-11"})
    assert response.status_code == DONORS_WRITE[role], response.content
    if response.status_code == 201:
        made = response.json()
        assert (made["commitment"], made["pledge"], made["date"]) == (
            commitment.pk,
            None,
            "2020-02-11",
        )
        listed = call(client, keys, "observer", "get", COMMITMENTS).json()["items"]
        assert listed[0]["disbursed"] == "400.00" and listed[0]["disbursements"] == [made["id"]]


def test_a_disbursement_beyond_the_commitment_is_refused(client, keys, commitment):
    url = f"{COMMITMENTS}/{commitment.pk}/disbursements"
    assert call(client, keys, "donor", "post", url, {"amount": "600"}).status_code == 201
    over = call(client, keys, "donor", "post", url, {"amount": "400.01"})
    assert over.status_code == 400 and "amount" in " ".join(over.json()["detail"])
    missing = call(
        client, keys, "donor", "post", f"{COMMITMENTS}/999999/disbursements", {"amount": "1"}
    )
    assert missing.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_reading_commitments_and_disbursements(client, keys, commitment, role):
    for url in (COMMITMENTS, "/api/v1/programmes/hubei-2020/disbursements"):
        assert call(client, keys, role, "get", url).status_code == READ[role]


def test_commitments_are_paginated_in_the_funds_pages_order(client, keys, hubei):
    for year in range(2020, 2073):
        fund_services.commit_funds(
            donor=participant("370000"),
            recipient=participant("421100"),
            year=year,
            amount=Decimal(1),
        )
    first = call(client, keys, "observer", "get", COMMITMENTS).json()
    second = call(client, keys, "observer", "get", f"{COMMITMENTS}?page=2").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (53, 50, 3)
    assert [c["year"] for c in first["items"] + second["items"]] == list(range(2020, 2073))
    one_year = call(client, keys, "observer", "get", f"{COMMITMENTS}?year=2021").json()
    assert [c["year"] for c in one_year["items"]] == [2021]
