"""Funds per pair and year: commitments and disbursements, never beyond what was committed."""

from decimal import Decimal

import pytest

from pairaid.errors import ValidationFailed
from pairaid.operations import services as ops
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.programmes.models import Participant

pytestmark = pytest.mark.django_db


def pk(code: str) -> int:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code).pk


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


def test_funds_only_flow_along_a_pair(hubei):
    with pytest.raises(ValidationFailed, match="not paired"):
        ops.commit_funds(
            donor=Participant.objects.get(pk=pk("370000")),
            recipient=Participant.objects.get(pk=pk("420900")),
            year=2020,
            amount=Decimal(1),
        )
