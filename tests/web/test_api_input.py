"""What the API refuses at its edge, with 400 and the field named, instead of a server error or a
stored wrong value: each class of input the fuzzing found (issue 17, item 1)."""

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from tests.operations.helpers import participant, resource

from pairaid.operations.models import Discrepancy, Pledge, Request, Shipment, Team
from pairaid.operations.services import requests as request_services
from pairaid.pairing.models import PairingNotice

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"


def _send(client: Any, key: str, method: str, url: str, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    extra.setdefault("content_type", "application/json")
    return getattr(client, method)(url, data, HTTP_AUTHORIZATION=f"Bearer {key}", **extra)


def _refused(response: Any, *fragments: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:500])
    detail = " ".join(response.json()["detail"])
    for fragment in fragments:
        assert fragment in detail, detail


def _request(**line: Any) -> dict[str, Any]:
    return {
        "recipient": "421100",
        "lines": [{"resource_type": "n95_mask", "quantity": "10", **line}],
    }


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "1e15"}, "quantity"),  # more digits than the column keeps
        ({"quantity": "0.00001"}, "quantity"),  # would round to 0, then break a constraint
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "NaN"}, "quantity"),
        ({"priority": "bogus"}, "priority"),
    ],
)
def test_a_value_the_column_cannot_hold_is_refused(
    client: Any, keys: dict[str, str], line: dict[str, Any], field: str
) -> None:
    _refused(_send(client, keys["recipient"], "post", f"{BASE}/requests", _request(**line)), field)
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    "team",
    [
        {"name": "x" * 201},  # the column holds 200
        {"leader": "x" * 121},
        {"emt_type": "bogus"},
        {"members": {"icu_nurse": -3}},
        {"members": {"icu_nurse": True}},  # `true` is no count
        {"members": {"icu_nurse": 2.5}},
    ],
)
def test_a_team_that_cannot_be_stored_is_refused(
    client: Any, keys: dict[str, str], team: dict[str, Any]
) -> None:
    body = {"donor": "370000", "name": "Shandong ICU 9", "members": {"icu_nurse": 10}, **team}
    response = _send(client, keys["donor"], "post", f"{BASE}/teams", body)
    _refused(response, next(iter(team)))
    assert not Team.objects.filter(programme__slug="hubei-2020", name__startswith="x").exists()


def test_a_team_name_used_twice_is_refused(client: Any, keys: dict[str, str]) -> None:
    body = {"donor": "370000", "name": "Shandong ICU 9", "members": {"icu_nurse": 10}}
    assert _send(client, keys["donor"], "post", f"{BASE}/teams", body).status_code == 201
    _refused(_send(client, keys["donor"], "post", f"{BASE}/teams", body), "already exists")


def test_a_token_name_longer_than_its_column_is_refused(client: Any, keys: dict[str, str]) -> None:
    _refused(_send(client, keys["observer"], "post", "/api/v1/tokens", {"name": "t" * 121}), "name")


@pytest.fixture
def pledge(hubei: Any) -> Pledge:
    """Shandong pledges the 10 tents Huanggang asks for."""
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("tent"), Decimal(10))],
        user=None,
    )
    return request_services.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(10), user=None
    )


@pytest.fixture
def shipment(pledge: Pledge) -> Shipment:
    return request_services.dispatch(pledge=pledge, quantity=Decimal(10), reference="T1")


@pytest.mark.parametrize(
    ("receipt", "field"),
    [
        ({"received_quantity": 1000}, "received_quantity"),  # more than the 10 shipped
        (
            {"received_quantity": 9, "discrepancies": [{"kind": "short", "quantity": -1}]},
            "quantity",
        ),
        ({"received_quantity": 9, "discrepancies": [{"kind": "x", "quantity": 1}]}, "kind"),
    ],
)
def test_a_receipt_that_cannot_be_true_is_refused(
    client: Any, keys: dict[str, str], shipment: Shipment, receipt: dict[str, Any], field: str
) -> None:
    url = f"{BASE}/shipments/{shipment.pk}/receipt"
    _refused(_send(client, keys["recipient"], "post", url, receipt), field)
    shipment.refresh_from_db()
    assert shipment.status != Shipment.Status.RECEIVED
    assert not Discrepancy.objects.exists()


def test_a_negative_value_of_aid_is_refused(
    client: Any, keys: dict[str, str], pledge: Pledge
) -> None:
    for value in ("-1", "1e308"):
        url = f"{BASE}/pledges/{pledge.pk}/shipments"
        body = {"quantity": 5, "value_cny": value}
        _refused(_send(client, keys["donor"], "post", url, body), "value_cny")
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        ('{"name": "a", "name": "b"}', {}, "appears twice"),
        (b"\xef\xbb\xbf" + b'{"name": "a"}', {}, "byte-order mark"),
        ('{"name": "a"}', {"content_type": "text/plain"}, "expected Content-Type"),
        ('{"name": "a\\u0000"}', {}, "NUL"),
        ('{"name": "a\\ud800"}', {}, "lone surrogate"),
        ('{"name": NaN}', {}, "NaN"),
        ("[1, 2]", {}, "expected a JSON object"),
        ("{", {}, "not JSON"),
    ],
)
def test_a_body_that_is_not_plain_json_is_refused(
    client: Any, keys: dict[str, str], body: Any, headers: dict[str, str], message: str
) -> None:
    response = _send(client, keys["observer"], "post", "/api/v1/tokens", body, **headers)
    _refused(response, message)


def test_a_notice_is_not_published_from_a_body_that_is_no_object(
    client: Any, keys: dict[str, str]
) -> None:
    _refused(_send(client, keys["coordinator"], "post", f"{BASE}/notices", "[]"), "JSON object")
    assert not PairingNotice.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/regions/4211%00", f"{BASE}/requests?status=%00"])
def test_a_nul_in_the_path_or_query_is_refused(client: Any, keys: dict[str, str], url: str) -> None:
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {keys['observer']}")
    _refused(response, "NUL")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions?page=999999999999999999999&page_size=100",
        f"{BASE}/participants?page=92233720368547758&page_size=100",
        f"{BASE}/pairings?page=92233720368547758&page_size=100",
    ],
)
def test_a_page_past_the_end_is_empty_however_far(
    client: Any, keys: dict[str, str], url: str
) -> None:
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {keys['observer']}")
    assert response.status_code == 200
    assert response.json()["items"] == [] and response.json()["count"] > 0


def test_an_anonymous_write_is_told_to_authenticate(hubei: Any) -> None:
    browser = Client(enforce_csrf_checks=True)  # as a real client meets the CSRF check
    response = browser.post(f"{BASE}/requests", _request(), content_type="application/json")
    assert response.status_code == 401


def test_the_schema_documents_refusals_and_names_each_schema_once(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
    lines = schema["paths"]["/api/v1/programmes/{slug}/participants/{participant_id}/lines"]
    body = lines["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/ParticipantLineIn")
    names = set(schema["components"]["schemas"])
    assert {"ParticipantLineIn", "RequestLineIn"} <= names and "LineIn" not in names


def test_a_body_over_the_servers_limit_is_refused_not_a_server_error(
    client: Any, keys: dict[str, str], settings: Any
) -> None:
    """Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before anything reads it."""
    lines = [{"resource_type": "tent", "quantity": "1"}] * 60_000  # about 2.4 MB
    body = {"recipient": "421100", "lines": lines}
    response = _send(client, keys["recipient"], "post", f"{BASE}/requests", body)
    assert response.status_code == 400
    assert not Request.objects.exists()
