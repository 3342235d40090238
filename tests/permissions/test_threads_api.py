"""Threads, messages and the inbox in the API: the same audiences as the pages, for every role
(the permission matrix), and each caller's inbox its own."""

from decimal import Decimal

import pytest
from tests.operations.helpers import ROLES, call, participant

from pairaid.conversations import outbox
from pairaid.conversations.models import Delivery, Message, Notification, NotificationPreference
from pairaid.operations.services import requests as request_services
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db


def pair_key() -> str:
    return f"{participant('370000', 'donor').pk}-{participant('421100', 'recipient').pk}"


BASE = "/api/v1/programmes/hubei-2020"


@pytest.mark.parametrize(
    "role, reads, writes",
    [
        ("admin", 200, 201),
        ("coordinator", 200, 201),
        ("donor", 200, 201),
        ("recipient", 200, 201),
        ("observer", 404, 404),
        ("outsider", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_a_pairs_thread(client, keys, role, reads, writes):
    url = f"{BASE}/threads/pair/{pair_key()}/messages"
    assert call(client, keys, role, "get", url).status_code == reads
    response = call(client, keys, role, "post", url, {"body": f"from {role}"})
    assert response.status_code == writes, response.content
    assert Message.objects.filter(body=f"from {role}").exists() == (writes == 201)


@pytest.mark.parametrize(
    "role, reads, writes",
    [
        ("admin", 200, 201),
        ("coordinator", 200, 201),
        ("donor", 200, 403),
        ("recipient", 200, 403),
        ("observer", 200, 403),
        ("outsider", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_the_announcements(client, keys, role, reads, writes):
    url = f"{BASE}/threads/announcements/-/messages"
    assert call(client, keys, role, "get", url).status_code == reads
    assert call(client, keys, role, "post", url, {"body": "hello"}).status_code == writes


def test_a_thread_lists_its_messages_and_the_readers_threads_their_unread(client, keys, people):
    url = f"{BASE}/threads/pair/{pair_key()}/messages"
    posted = call(client, keys, "recipient", "post", url, {"body": "hello @dan_shandong"}).json()
    assert posted["mentions"] == ["dan_shandong"] and posted["author"] == "rita_huanggang"
    threads = call(client, keys, "donor", "get", f"{BASE}/threads").json()["items"]
    assert threads == [
        {"id": posted["thread"], "kind": "pair", "key": pair_key(), "unread": 1, "open": True}
    ]
    assert call(client, keys, "observer", "get", f"{BASE}/threads").json()["items"] == []
    listed = call(client, keys, "donor", "get", url).json()["items"]
    assert [m["body"] for m in listed] == ["hello @dan_shandong"]
    found = call(client, keys, "donor", "get", f"{BASE}/messages?q=HELLO").json()
    assert found["count"] == 1
    assert call(client, keys, "observer", "get", f"{BASE}/messages?q=hello").json()["count"] == 0


def test_a_mention_of_a_reader_who_may_not_read_is_a_400_naming_the_body(client, keys):
    url = f"{BASE}/threads/pair/{pair_key()}/messages"
    response = call(client, keys, "donor", "post", url, {"body": "cc @olga_observer"})
    assert response.status_code == 400
    assert "olga_observer may not read this thread" in response.json()["detail"][0]


def test_only_the_author_corrects_a_message(client, keys):
    url = f"{BASE}/threads/pair/{pair_key()}/messages"
    message = call(client, keys, "donor", "post", url, {"body": "500 masks"}).json()
    edit = f"{BASE}/messages/{message['id']}"
    assert call(client, keys, "recipient", "patch", edit, {"body": "x"}).status_code == 403
    assert call(client, keys, "observer", "patch", edit, {"body": "x"}).status_code == 404
    corrected = call(client, keys, "donor", "patch", edit, {"body": "800 masks"}).json()
    assert corrected["body"] == "800 masks" and corrected["edited_at"] is not None


def test_each_inbox_is_its_callers_own(client, keys, people):
    request_services.raise_request(
        recipient=participant("421100", "recipient"),
        lines=[request_services.LineIn(ResourceType.objects.get(code="n95_mask"), Decimal(5))],
        user=people["recipient"],
    )
    inbox = call(client, keys, "donor", "get", "/api/v1/inbox").json()
    [item] = inbox["items"]
    assert item["kind"] == "request_raised" and item["url"].startswith(
        "/p/hubei-2020/requests/#request-"
    )
    assert call(client, keys, "recipient", "get", "/api/v1/inbox").json()["count"] == 0
    assert call(client, keys, "anonymous", "get", "/api/v1/inbox").status_code == 401
    # Another's notification is not marked by naming it.
    call(client, keys, "recipient", "post", "/api/v1/inbox/read", {"ids": [item["id"]]})
    assert Notification.objects.get(pk=item["id"]).read_at is None
    assert call(client, keys, "donor", "get", "/api/v1/inbox/count").json() == {"unread": 1}
    marked = call(client, keys, "donor", "post", "/api/v1/inbox/read", {"ids": None})
    assert marked.json() == {"unread": 0}


@pytest.mark.parametrize("role", ROLES)
def test_notification_preferences_are_each_callers_own(client, keys, people, role):
    url = "/api/v1/notification-preferences"
    expected = 401 if role == "anonymous" else 200
    changed = call(client, keys, role, "put", url, {"modes": {"message": "off"}})
    assert changed.status_code == expected
    read = call(client, keys, role, "get", url)
    assert read.status_code == expected
    if expected == 200:
        modes = {p["kind"]: (p["mode"], p["default"]) for p in read.json()}
        assert modes["message"] == ("off", "immediate")
        assert modes["pledge_made"] == ("digest", "digest")
    others = NotificationPreference.objects.exclude(user=people[role])
    assert not others.exists()  # nobody else's choice changed


def test_a_preference_of_no_kind_or_mode_is_a_400_naming_it_with_nothing_changed(client, keys):
    url = "/api/v1/notification-preferences"
    response = call(
        client, keys, "donor", "put", url, {"modes": {"message": "off", "weather": "hourly"}}
    )
    assert response.status_code == 400 and "weather" in response.content.decode()
    response = call(client, keys, "donor", "put", url, {"modes": {"message": "hourly"}})
    assert response.status_code == 400 and "hourly" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_digest_time_zone_is_the_callers_own_and_a_zone_of_no_name_is_a_400(
    client, keys, people
):
    url = "/api/v1/notification-preferences/time-zone"
    chosen = call(client, keys, "donor", "put", url, {"time_zone": "America/Chicago"})
    assert chosen.json() == {"time_zone": "America/Chicago"}
    refused = call(client, keys, "donor", "put", url, {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 400
    assert "Mars/Olympus is not an IANA time zone name" in refused.content.decode()
    assert call(client, keys, "donor", "get", url).json() == {"time_zone": "America/Chicago"}
    assert call(client, keys, "recipient", "get", url).json() == {"time_zone": ""}
    assert call(client, keys, "anonymous", "get", url).status_code == 401


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 200),
        ("coordinator", 200),
        ("donor", 403),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_failed_deliveries_are_the_programmes_coordinators(client, keys, role, expected):
    url = f"{BASE}/failed-deliveries"
    assert call(client, keys, role, "get", url).status_code == expected
    assert call(client, keys, role, "post", f"{url}/resend", {"ids": None}).status_code == expected


def test_the_coordinator_lists_failed_mail_with_its_error_and_sends_it_again(
    client, keys, people, settings
):
    settings.EMAIL_BACKEND = "tests.conversations.test_outbox.RefusingBackend"
    request_services.raise_request(
        recipient=participant("421100", "recipient"),
        lines=[request_services.LineIn(ResourceType.objects.get(code="n95_mask"), Decimal(5))],
        user=people["recipient"],
    )
    outbox.send_due()
    url = f"{BASE}/failed-deliveries"
    [failed] = call(client, keys, "coordinator", "get", url).json()["items"]
    assert failed["recipient"] == "dan_shandong" and failed["kind"] == "request_raised"
    assert failed["last_error"] == "ConnectionRefusedError: mail server down"
    resent = call(client, keys, "coordinator", "post", f"{url}/resend", {"ids": [failed["id"]]})
    assert resent.json() == {"queued": 1}
    assert Delivery.objects.get(pk=failed["id"]).message_id == failed["message_id"]
