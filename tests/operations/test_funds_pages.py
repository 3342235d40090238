"""Funds on the pages: commitments and disbursements on the funds page, never beyond what was
committed; a funds pledge disbursed from the requests page and its receipt confirmed."""

import pytest
from tests.operations.helpers import pk

from pairaid.operations.models import Disbursement, FundCommitment

pytestmark = pytest.mark.django_db


def test_commit_and_disburse_through_the_page(client, people):
    client.force_login(people["donor"])
    response = client.post(
        "/p/hubei-2020/funds/",
        {
            "donor": pk("370000"),
            "recipient": pk("421100"),
            "year": "2020",
            "kind": "cash",
            "amount": "5000000",
        },
    )
    assert response.status_code == 302
    commitment = FundCommitment.objects.get()
    assert (
        client.post(
            "/p/hubei-2020/funds/",
            {"commitment": commitment.pk, "amount": "2000000", "reference": "TR-1"},
        ).status_code
        == 302
    )
    assert Disbursement.objects.get().amount == 2_000_000
    refused = client.post(
        "/p/hubei-2020/funds/", {"commitment": commitment.pk, "amount": "4000000"}
    )
    assert refused.status_code == 400 and Disbursement.objects.count() == 1
    client.force_login(people["recipient"])
    assert (
        client.post(
            "/p/hubei-2020/funds/",
            {"donor": pk("370000"), "recipient": pk("421100"), "amount": "1"},
        ).status_code
        == 403
    )


def test_disburse_and_confirm_on_the_pages(client, people, funds_pledge):
    client.force_login(people["donor"])
    page = client.get("/p/hubei-2020/requests/").content.decode()
    assert "disburse-form" in page and "dispatch-form" not in page
    response = client.post(
        f"/p/hubei-2020/pledges/{funds_pledge.pk}/disburse",
        {"amount": "600000", "reference": "TR-9"},
    )
    assert response.status_code == 302
    money = Disbursement.objects.get()
    assert money.history.get().history_user == people["donor"]  # who disbursed
    client.force_login(people["recipient"])
    page = client.get("/p/hubei-2020/requests/").content.decode()
    assert "fund-receipt-form" in page and "TR-9" in page
    funds_page = client.get("/p/hubei-2020/funds/").content.decode()
    assert "fund-receipt-form" in funds_page
    response = client.post(
        f"/p/hubei-2020/disbursements/{money.pk}/receive",
        {"received_amount": "580000", "note": "bank fee", "back": "funds"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/funds/")
    money.refresh_from_db()
    assert money.status == "received" and money.received_amount == 580_000
    assert money.history.latest().history_user == people["recipient"]  # who confirmed
    page = client.get("/p/hubei-2020/requests/").content.decode()
    assert "bank fee" in page and "fund-receipt-form" not in page
    again = client.post(
        f"/p/hubei-2020/disbursements/{money.pk}/receive", {"received_amount": "600000"}
    )
    assert again.status_code == 409
