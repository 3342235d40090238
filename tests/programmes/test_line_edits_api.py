"""Editing a participant's line through the API (issue 17, item 4): GET gives its ETag, PATCH
names it in If-Match; none is 428, a stale one 409 with what changed and the current ETag."""

import datetime
from decimal import Decimal

import pytest
from tests.operations.helpers import call, participant, pk, resource

from pairaid.programmes import services as programme_services
from pairaid.programmes.models import NeedLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(hubei) -> NeedLine:  # type: ignore[no-untyped-def]
    line = programme_services.add_line(
        participant=participant("421100"),
        kind="need",
        resource_type=resource("icu_nurse"),
        quantity=Decimal(100),
        as_of=datetime.date(2020, 2, 10),
        source_description="city health commission",
        username="rita",
    )
    assert isinstance(line, NeedLine)
    return line


def _url(line: NeedLine) -> str:
    return f"/api/v1/programmes/hubei-2020/participants/{pk('421100')}/lines/{line.pk}"


def _patch(client, key: str, url: str, body: dict, if_match: str | None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match
    return client.patch(url, body, content_type="application/json", **headers)


def test_an_edit_names_the_etag_it_read(client, keys, need: NeedLine) -> None:  # type: ignore[no-untyped-def]
    read = call(client, keys, "recipient", "get", _url(need))
    assert read.status_code == 200
    etag = read["ETag"]
    assert etag == f'"{need.version}"' and read.json()["version"] == need.version
    edited = _patch(client, keys["recipient"], _url(need), {"quantity": "120"}, etag)
    assert edited.status_code == 200, edited.json()
    assert edited.json()["quantity"] == "120.0000"
    assert edited["ETag"] == f'"{need.version + 1}"'
    need.refresh_from_db()
    assert (need.quantity, need.source.title) == (120, "city health commission")


def test_an_edit_without_if_match_is_428_and_a_stale_one_409(client, keys, need: NeedLine) -> None:  # type: ignore[no-untyped-def]
    etag = f'"{need.version}"'
    missing = _patch(client, keys["recipient"], _url(need), {"quantity": "120"}, None)
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["detail"][0]
    saved = _patch(client, keys["recipient"], _url(need), {"quantity": "120"}, etag)
    assert saved.status_code == 200
    stale = _patch(client, keys["coordinator"], _url(need), {"quantity": "90"}, etag)
    assert stale.status_code == 409
    assert stale.json()["changes"] == [{"what": "quantity", "before": "100", "after": "120"}]
    assert stale["ETag"] == f'"{need.version + 1}"'
    garbled = _patch(client, keys["recipient"], _url(need), {"quantity": "90"}, '"v2"')
    assert garbled.status_code == 400
    need.refresh_from_db()
    assert need.quantity == 120


@pytest.mark.parametrize("role", ["donor", "observer"])
def test_only_who_may_edit_the_need_patches_it(client, keys, need: NeedLine, role: str) -> None:  # type: ignore[no-untyped-def]
    assert call(client, keys, role, "get", _url(need)).status_code == 200
    refused = _patch(client, keys[role], _url(need), {"quantity": "1"}, f'"{need.version}"')
    assert refused.status_code == 403
    assert _patch(client, keys["outsider"], _url(need), {}, '"1"').status_code == 404


def _delete(client, key: str, url: str, if_match: str | None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match
    return client.delete(url, **headers)


def test_a_deletion_without_if_match_is_428_and_a_stale_one_409(client, keys, need) -> None:  # type: ignore[no-untyped-def]
    read = f'"{need.version}"'
    missing = _delete(client, keys["recipient"], _url(need), None)
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["detail"][0]
    edited = _patch(client, keys["coordinator"], _url(need), {"quantity": "120"}, read)
    assert edited.status_code == 200
    stale = _delete(client, keys["recipient"], _url(need), read)
    assert stale.status_code == 409
    assert stale.json()["changes"] == [{"what": "quantity", "before": "100", "after": "120"}]
    assert stale["ETag"] == f'"{need.version + 1}"'
    assert NeedLine.objects.filter(pk=need.pk).exists()
    deleted = _delete(client, keys["recipient"], _url(need), stale["ETag"])
    assert deleted.status_code == 204
    assert not NeedLine.objects.filter(pk=need.pk).exists()
    assert _delete(client, keys["recipient"], _url(need), stale["ETag"]).status_code == 404


def test_the_schema_says_a_deletion_takes_if_match(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][
        "/api/v1/programmes/{slug}/participants/{participant_id}/lines/{line_id}"
    ]["delete"]
    assert "If-Match" in [p["name"] for p in operation["parameters"] if p["in"] == "header"]
    assert {"409", "428"} <= set(operation["responses"])
    assert "changes" in operation["responses"]["409"]["description"]


def test_the_pages_delete_keeps_a_line_changed_since_it_was_shown(client, people, need) -> None:  # type: ignore[no-untyped-def]
    shown = need.version
    programme_services.edit_line(
        line=need,
        seen=shown,
        quantity=Decimal(120),
        as_of=need.as_of,
        certainty=need.certainty,
        source_description="city health commission",
        username="carl",
    )
    client.force_login(people["recipient"])
    url = f"/p/hubei-2020/participants/{pk('421100')}/lines/{need.pk}/delete"
    refused = client.post(url, {"version": shown}, follow=True)
    assert "changed by" in refused.content.decode()
    assert NeedLine.objects.filter(pk=need.pk).exists()
    assert client.post(url, {"version": shown + 1}).status_code == 302
    assert not NeedLine.objects.filter(pk=need.pk).exists()
