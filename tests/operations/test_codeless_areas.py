"""The code-less areas of wenchuan-2008 (the seriously affected areas of Gansu and of Shaanxi)
take part in operations like any region: through the API, the pages and the workbook, named by
their reference, never confused with one another or with an empty reference."""

from typing import Any

import pytest
from tests.operations.helpers import book

from pairaid.accounts import services as account_services
from pairaid.accounts import tokens
from pairaid.accounts.models import User
from pairaid.operations.models import Request
from pairaid.programmes.models import Participant, Programme

pytestmark = pytest.mark.django_db

AREAS = {
    "gansu": "CN:620000/Seriously affected areas of Gansu",
    "shaanxi": "CN:610000/Seriously affected areas of Shaanxi",
}
BASE = "/api/v1/programmes/wenchuan-2008"


def _area(wenchuan: Programme, reference: str) -> Participant:
    found = wenchuan.participants.select_related("region__parent")
    (area,) = [p for p in found if p.region.reference == reference]
    return area


@pytest.fixture
def coordinator(wenchuan: Programme) -> tuple[User, str]:
    user = User.objects.create_user("wen_coordinator", "w@example.org", "a-long-password-1")
    account_services.grant(user=user, programme=wenchuan, role="coordinator")
    return user, tokens.create(owner=user, name="t")[1]


def _post(client: Any, key: str, url: str, body: dict[str, Any]) -> Any:
    return client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def _get(client: Any, key: str, url: str) -> Any:
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")


def _request_body(recipient: str) -> dict[str, Any]:
    return {"recipient": recipient, "lines": [{"resource_type": "cny", "quantity": "1000"}]}


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("form", ["full", "short"])
def test_a_request_for_an_area_is_filed_against_that_area(
    client: Any, wenchuan: Programme, coordinator: tuple[User, str], area: str, form: str
) -> None:
    reference = AREAS[area] if form == "full" else AREAS[area].partition(":")[2]
    raised = _post(client, coordinator[1], f"{BASE}/requests", _request_body(reference))
    assert raised.status_code == 201, raised.content
    assert raised.json()["recipient"] == AREAS[area]
    request = Request.objects.get(number=raised.json()["number"], programme=wenchuan)
    assert request.recipient == _area(wenchuan, AREAS[area])


@pytest.mark.parametrize("recipient", ["", "  ", "620000/", "CN:620000/Nowhere", "620000"])
def test_a_request_for_no_area_is_refused_and_files_nothing(
    client: Any, wenchuan: Programme, coordinator: tuple[User, str], recipient: str
) -> None:
    refused = _post(client, coordinator[1], f"{BASE}/requests", _request_body(recipient))
    assert refused.status_code == 400, refused.content
    assert "recipient" in refused.content.decode()
    assert not Request.objects.filter(programme=wenchuan).exists()


def test_the_gaps_name_each_area_by_its_reference(
    client: Any, wenchuan: Programme, coordinator: tuple[User, str]
) -> None:
    for reference in AREAS.values():
        _post(client, coordinator[1], f"{BASE}/requests", _request_body(reference))
    gaps = _get(client, coordinator[1], f"{BASE}/gaps").json()["items"]
    named = {row["recipient"] for row in gaps}
    assert named >= set(AREAS.values())
    assert "" not in named


def test_an_area_officer_raises_a_request_on_the_page(client: Any, wenchuan: Programme) -> None:
    area = _area(wenchuan, AREAS["gansu"])
    officer = User.objects.create_user("gansu_officer", "g@example.org", "a-long-password-1")
    account_services.grant(
        user=officer, programme=wenchuan, role="recipient_officer", region=area.region
    )
    client.force_login(officer)
    page = client.get("/p/wenchuan-2008/requests/")
    assert "Seriously affected areas of Gansu" in page.content.decode()
    response = client.post(
        "/p/wenchuan-2008/requests/",
        {
            "recipient": area.pk,
            "resource_type": "cny",
            "quantity": "2000",
            "priority": "normal",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Request.objects.get(programme=wenchuan).recipient == area


@pytest.mark.parametrize("area", AREAS)
def test_the_workbook_files_a_request_against_the_area_it_names(
    client: Any, wenchuan: Programme, coordinator: tuple[User, str], area: str
) -> None:
    client.force_login(coordinator[0])
    short = AREAS[area].partition(":")[2]
    response = client.post(
        "/p/wenchuan-2008/operations-workbook/",
        {"file": book(requests=[[short, "cny", 500, "normal", None, ""]])},
        format="multipart",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Request.objects.get(programme=wenchuan).recipient == _area(wenchuan, AREAS[area])
