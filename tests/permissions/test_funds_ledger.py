"""The permission matrix of disbursing against a funds pledge (the donor's officers) and of
confirming its receipt (the recipient's officers), on the pages and through the API: 403 where
the user may see but not act, 404 where the programme is invisible; nothing changed if refused."""

from decimal import Decimal

import pytest

from pairaid.accounts import tokens
from pairaid.operations.models import Disbursement
from pairaid.operations.services import funds as fund_services
from pairaid.operations.services import requests as request_services
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db

ROLES = ["admin", "coordinator", "donor", "recipient", "observer", "outsider", "anonymous"]
DONOR_SIDE = dict(zip(ROLES, [True, True, True, False, False, False, False], strict=True))
RECIPIENT_SIDE = dict(zip(ROLES, [True, True, False, True, False, False, False], strict=True))
REFUSED_PAGE = {"recipient": 403, "donor": 403, "observer": 403, "outsider": 404, "anonymous": 302}
REFUSED_API = {"recipient": 403, "donor": 403, "observer": 403, "outsider": 404, "anonymous": 401}


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code)


@pytest.fixture
def funds_pledge(people):  # type: ignore[no-untyped-def]
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(ResourceType.objects.get(code="cny"), Decimal(1000))],
        user=None,
    )
    return request_services.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(1000), user=None
    )


@pytest.fixture
def disbursed(funds_pledge):  # type: ignore[no-untyped-def]
    return fund_services.disburse_pledge(pledge=funds_pledge, amount=Decimal(1000))


def api(client, people, role, url, body):  # type: ignore[no-untyped-def]
    headers = {}
    if people[role] is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create(owner=people[role], name='t')[1]}"
    return client.post(url, body, content_type="application/json", **headers)


@pytest.mark.parametrize("role", ROLES)
def test_disbursing_on_the_page(client, people, funds_pledge, role):
    if people[role] is not None:
        client.force_login(people[role])
    response = client.post(
        f"/p/hubei-2020/pledges/{funds_pledge.pk}/disburse", {"amount": "250", "reference": "T"}
    )
    allowed = DONOR_SIDE[role]
    assert response.status_code == (302 if allowed else REFUSED_PAGE[role])
    assert Disbursement.objects.count() == (1 if allowed else 0)


@pytest.mark.parametrize("role", ROLES)
def test_confirming_money_on_the_page(client, people, disbursed, role):
    if people[role] is not None:
        client.force_login(people[role])
    response = client.post(
        f"/p/hubei-2020/disbursements/{disbursed.pk}/receive", {"received_amount": "900"}
    )
    allowed = RECIPIENT_SIDE[role]
    assert response.status_code == (302 if allowed else REFUSED_PAGE[role])
    disbursed.refresh_from_db()
    assert disbursed.status == ("received" if allowed else "disbursed")


@pytest.mark.parametrize("role", ROLES)
def test_disbursing_through_the_api(client, people, funds_pledge, role):
    response = api(
        client,
        people,
        role,
        f"/api/v1/programmes/hubei-2020/pledges/{funds_pledge.pk}/disbursements",
        {"amount": "250"},
    )
    allowed = DONOR_SIDE[role]
    assert response.status_code == (201 if allowed else REFUSED_API[role]), response.content
    assert Disbursement.objects.count() == (1 if allowed else 0)


@pytest.mark.parametrize("role", ROLES)
def test_confirming_money_through_the_api(client, people, disbursed, role):
    response = api(
        client,
        people,
        role,
        f"/api/v1/programmes/hubei-2020/disbursements/{disbursed.pk}/receipt",
        {"received_amount": "1000"},
    )
    allowed = RECIPIENT_SIDE[role]
    assert response.status_code == (200 if allowed else REFUSED_API[role]), response.content
    disbursed.refresh_from_db()
    assert disbursed.status == ("received" if allowed else "disbursed")
