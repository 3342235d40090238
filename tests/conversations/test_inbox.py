"""The inbox: each user's own notifications, worded in their language and linked to the
object; mark one or all as read; the header's count and the fragment htmx polls."""

from decimal import Decimal

import pytest
from tests.operations.helpers import participant, resource

from pairaid.conversations.models import Notification
from pairaid.conversations.views import POLL_SECONDS
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db


def raise_request(cast):  # type: ignore[no-untyped-def]
    return request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(100))],
        user=cast["recipient"],
    )


def test_a_request_shows_in_the_paired_donors_header_count_and_inbox(client, cast):
    request = raise_request(cast)
    client.force_login(cast["donor"])
    home = client.get("/p/hubei-2020/requests/").content.decode()
    assert 'id="inbox-count"' in home and "1 unread" in home
    assert f'hx-trigger="every {POLL_SECONDS}s"' in home and 10 <= POLL_SECONDS <= 15
    inbox = client.get("/inbox/").content.decode()
    assert f"/p/hubei-2020/requests/#request-{request.number}" in inbox
    assert f"raised request {request.number}" in inbox
    fragment = client.get("/inbox/count").content.decode()
    assert fragment.startswith('<a id="inbox-count"') and "1 unread" in fragment


def test_the_inbox_speaks_the_users_language(client, cast):
    raise_request(cast)
    client.force_login(cast["donor"])
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/inbox/"})
    page = client.get("/inbox/").content.decode()
    assert "黄冈" in page and "收件箱" in page


def test_marking_one_and_all_read_touches_only_ones_own(client, cast):
    raise_request(cast)
    raise_request(cast)
    mine = list(Notification.objects.filter(recipient=cast["donor"]).order_by("pk"))
    hunans = Notification.objects.filter(recipient=cast["hunan"])
    client.force_login(cast["hunan"])
    assert client.post(f"/inbox/{mine[0].pk}/read").status_code == 302
    assert Notification.objects.get(pk=mine[0].pk).read_at is None  # not Hunan's to mark
    client.force_login(cast["donor"])
    client.post(f"/inbox/{mine[0].pk}/read")
    assert [
        n.read_at is not None
        for n in Notification.objects.filter(recipient=cast["donor"]).order_by("pk")
    ] == [True, False]
    client.post("/inbox/read")
    assert not Notification.objects.filter(recipient=cast["donor"], read_at=None).exists()
    assert hunans.filter(read_at=None).count() == 2
    assert "unread" not in client.get("/inbox/count").content.decode()


def test_the_inbox_needs_a_login_and_the_count_shows_nothing_to_no_one(client):
    assert client.get("/inbox/").status_code == 302
    assert client.get("/inbox/count").content.strip() == b""
