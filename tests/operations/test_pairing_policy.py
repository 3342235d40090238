"""Aid follows the pairing: a donor pledges to, and commits funds for, the recipients it is paired
with — unless the programme's rule `pledges_beyond_pairs` allows otherwise (issue 17, item 3)."""

from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import participant, resource

from pairaid.errors import ValidationFailed
from pairaid.operations.models import FundCommitment, Pledge
from pairaid.operations.services import funds as fund_services
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db

SHANDONG, HUANGGANG, XIAOGAN = "370000", "421100", "420900"  # Shandong is paired with Huanggang


def _line(recipient: str) -> Any:
    request = request_services.raise_request(
        recipient=participant(recipient),
        lines=[request_services.LineIn(resource("tent"), Decimal(10))],
        user=None,
    )
    return request.lines.get()


def test_a_donor_pledges_to_its_paired_recipient(hubei: Any) -> None:
    pledge = request_services.pledge(
        line=_line(HUANGGANG), donor=participant(SHANDONG), quantity=Decimal(5), user=None
    )
    assert pledge.pk


def test_a_pledge_to_an_unpaired_recipient_is_refused(hubei: Any) -> None:
    with pytest.raises(ValidationFailed, match="not paired with Xiaogan"):
        request_services.pledge(
            line=_line(XIAOGAN), donor=participant(SHANDONG), quantity=Decimal(5), user=None
        )
    assert not Pledge.objects.exists()


def test_funds_for_an_unpaired_pair_are_refused(hubei: Any) -> None:
    with pytest.raises(ValidationFailed, match="not paired"):
        fund_services.commit_funds(
            donor=participant(SHANDONG),
            recipient=participant(XIAOGAN),
            year=2020,
            amount=Decimal(1000),
        )
    assert not FundCommitment.objects.exists()


def test_the_programmes_rule_may_allow_aid_beyond_the_pairs(hubei: Any) -> None:
    hubei.pledges_beyond_pairs = True
    hubei.save()
    pledge = request_services.pledge(
        line=_line(XIAOGAN), donor=participant(SHANDONG), quantity=Decimal(5), user=None
    )
    assert pledge.pk
    commitment = fund_services.commit_funds(
        donor=participant(SHANDONG), recipient=participant(XIAOGAN), year=2020, amount=Decimal(9)
    )
    assert commitment.pk


def test_a_proposal_of_an_unapproved_run_is_no_pairing(hubei: Any) -> None:
    from pairaid.pairing.models import Pairing

    Pairing.objects.create(
        programme=hubei, donor=participant(SHANDONG), recipient=participant(XIAOGAN)
    )  # proposed
    with pytest.raises(ValidationFailed, match="not paired"):
        request_services.pledge(
            line=_line(XIAOGAN), donor=participant(SHANDONG), quantity=Decimal(5), user=None
        )
