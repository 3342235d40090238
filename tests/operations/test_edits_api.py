"""Facilities, teams, contacts and requests edited through the API (issue 17, item 4): GET gives
the ETag, PATCH changes the fields given against it; without If-Match 428, stale 409 with what
changed, and only who may edit the record on its page may patch it."""

from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import participant, resource

from pairaid.operations.models import Contact, Facility, Request, Team
from pairaid.operations.services import contacts as contact_services
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services
from pairaid.programmes.models import Programme

pytestmark = pytest.mark.django_db
API = "/api/v1/programmes/hubei-2020"


def _send(client, key: str, method: str, url: str, body: Any = None, if_match: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def test_a_facility_is_patched_against_its_etag(client, keys, hospital: Facility) -> None:  # type: ignore[no-untyped-def]
    url = f"{API}/facilities/{hospital.pk}"
    read = _send(client, keys["recipient"], "get", url)
    assert read.status_code == 200 and read["ETag"] == '"1"'
    assert _send(client, keys["recipient"], "patch", url, {"ventilators": 40}).status_code == 428
    saved = _send(client, keys["recipient"], "patch", url, {"ventilators": 40}, '"1"')
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["ventilators"], saved.json()["beds"], saved["ETag"]) == (
        40,
        {"general": 940, "icu": 60},  # the beds it did not name stay
        '"2"',
    )
    stale = _send(client, keys["coordinator"], "patch", url, {"beds": {"icu": None}}, '"1"')
    assert stale.status_code == 409
    assert stale.json()["changes"] == [{"what": "ventilators", "before": "30", "after": "40"}]
    cleared = _send(
        client, keys["coordinator"], "patch", url, {"beds": {"icu": None, "oxygen": 20}}, '"2"'
    )
    assert cleared.json()["beds"] == {"general": 940, "oxygen": 20}
    refused = _send(client, keys["donor"], "patch", url, {"ventilators": 1}, '"3"')
    assert refused.status_code == 403
    assert Facility.objects.get().ventilators == 40


def test_a_team_and_its_members_are_patched(client, keys, hubei: Programme) -> None:  # type: ignore[no-untyped-def]
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong ICU 1", members={resource("icu_nurse"): 30}
    )
    url = f"{API}/teams/{team.pk}"
    etag = _send(client, keys["donor"], "get", url)["ETag"]
    saved = _send(client, keys["donor"], "patch", url, {"leader": "Dr Wang"}, etag)
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["leader"], saved.json()["members"]) == ("Dr Wang", {"icu_nurse": 30})
    members = {"icu_nurse": 25, "icu_doctor": 5}
    regrouped = _send(client, keys["donor"], "patch", url, {"members": members}, saved["ETag"])
    assert regrouped.json()["members"] == members
    stale = _send(client, keys["donor"], "patch", url, {"members": {"icu_nurse": 40}}, etag)
    assert stale.status_code == 409
    assert Team.objects.get().version == 3
    assert _send(client, keys["recipient"], "patch", url, {}, '"3"').status_code == 403


def test_a_contact_is_patched_by_who_keeps_it(client, keys, hubei: Programme) -> None:  # type: ignore[no-untyped-def]
    contact = contact_services.add_contact(
        programme=hubei, participant=participant("421100"), name="Li Wei", role="liaison"
    )
    url = f"{API}/contacts/{contact.pk}"
    assert _send(client, keys["observer"], "get", url).json()["phone"] is None
    bad = _send(client, keys["recipient"], "patch", url, {"email": "not-an-email"}, '"1"')
    assert bad.status_code == 400
    saved = _send(client, keys["recipient"], "patch", url, {"phone": "+86 713 1"}, '"1"')
    assert saved.status_code == 200 and saved.json()["phone"] == "+86 713 1"
    assert _send(client, keys["donor"], "patch", url, {"name": "x"}, '"2"').status_code == 403
    assert Contact.objects.get().name == "Li Wei"


def test_a_request_is_patched_until_its_first_pledge(client, keys, hubei: Programme) -> None:  # type: ignore[no-untyped-def]
    raised = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("icu_nurse"), Decimal(30))],
        user=None,
    )
    line = raised.lines.get()
    url = f"{API}/requests/{raised.number}"
    read = _send(client, keys["recipient"], "get", url)
    assert read.json()["lines"][0]["quantity"] == "30.0000"
    body = {"note": "new ICU", "lines": [{"id": line.pk, "quantity": "40"}]}
    saved = _send(client, keys["recipient"], "patch", url, body, read["ETag"])
    assert saved.status_code == 200, saved.json()
    assert saved.json()["lines"][0]["quantity"] == "40.0000"
    unknown = {"lines": [{"id": line.pk + 1000, "quantity": "1"}]}
    assert _send(client, keys["recipient"], "patch", url, unknown, '"2"').status_code == 400
    request_services.pledge(line=line, donor=participant("370000"), quantity=Decimal(5), user=None)
    late = _send(client, keys["recipient"], "patch", url, {"note": "x"}, '"2"')
    assert late.status_code == 409 and "has pledges" in late.json()["detail"][0]
    assert Request.objects.get().note == "new ICU"
