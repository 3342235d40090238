"""A funds request end to end through the API: the donor disburses against the pledge, the
recipient confirms a short receipt (the workbook's way is in test_workbook_funds)."""

from decimal import Decimal

import pytest

from pairaid.accounts import tokens

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
    line = call("observer", f"{base}/requests").json()[0]["lines"][0]
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
    listed = call("observer", f"{base}/disbursements").json()
    assert [Decimal(d["received_amount"]) for d in listed] == [599000]
    line = call("observer", f"{base}/requests").json()[0]["lines"][0]
    assert [Decimal(line[k]) for k in ("in_transit", "received")] == [0, 599000]
