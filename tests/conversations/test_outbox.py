"""The outbox: an e-mail delivery per notified user, written in the event's transaction and
sent after commit, in the user's language with a link to the object; failures recorded with
their error and retried with backoff; never sent twice at once."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from tests.conversations.test_inbox import raise_request
from tests.operations.helpers import participant, resource

from pairaid.config import email_settings
from pairaid.conversations import outbox
from pairaid.conversations.models import Delivery
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db

State = Delivery.State


class RefusingBackend:
    """An e-mail backend whose server is down."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("mail server down")


def test_a_request_writes_one_email_per_notified_user_sent_after_commit(
    cast, django_capture_on_commit_callbacks, settings
):
    settings.PAIRAID_SITE_URL = "https://pairaid.example.org"
    cast["donor"].language = "zh-hans"
    cast["donor"].save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = raise_request(cast)
    deliveries = Delivery.objects.order_by("address")
    assert [(d.address, d.state) for d in deliveries] == [
        ("dan_shandong@example.org", State.PENDING),
        ("hugo_hunan@example.org", State.PENDING),
    ]
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert {d.state for d in Delivery.objects.all()} == {State.SENT}
    sent = {message.to[0]: message for message in mail.outbox}
    chinese, english = sent["dan_shandong@example.org"], sent["hugo_hunan@example.org"]
    link = f"https://pairaid.example.org/p/hubei-2020/requests/#request-{request.number}"
    assert "黄冈" in chinese.subject and link in chinese.body and "打开" in chinese.body
    assert f"raised request {request.number}" in english.subject and link in english.body
    for address, message in sent.items():
        assert message.extra_headers["Message-ID"] == deliveries.get(address=address).message_id


def test_no_event_no_delivery_when_the_change_rolls_back(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_request(cast)
        raise RuntimeError("the change failed after its event was recorded")
    assert not Delivery.objects.exists()


def test_a_user_without_an_address_gets_the_inbox_only(cast):
    cast["hunan"].email = ""
    cast["hunan"].save()
    raise_request(cast)
    assert list(Delivery.objects.values_list("address", flat=True)) == ["dan_shandong@example.org"]


def test_a_failure_is_recorded_and_retried_with_backoff_until_sent(cast, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    raise_request(cast)
    delivery = Delivery.objects.get(address="dan_shandong@example.org")
    waits = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        assert outbox.send(delivery.pk) == State.FAILED
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.last_error == "ConnectionRefusedError: mail server down"
        waits.append(delivery.next_attempt_at - before)
        # not due yet: the scheduler's turn leaves it alone
        assert delivery.pk not in outbox.due_ids()
        assert outbox.send(delivery.pk) == State.FAILED and mail.outbox == []
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    minute = datetime.timedelta(minutes=1)
    assert [round(w / minute) for w in waits] == [1, 2, 4]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.send_due() == {State.SENT: 2}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (State.SENT, 4, None)
    assert outbox.send(delivery.pk) == State.SENT and len(mail.outbox) == 2  # never re-sent


def test_backoff_doubles_up_to_its_ceiling(settings):
    settings.PAIRAID_MAIL_RETRY_MAX_SECONDS = 3600
    waits = [outbox.backoff(n).total_seconds() / 60 for n in range(1, 10)]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert outbox.backoff(500).total_seconds() == 3600


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(cast):
    raise_request(cast)
    delivery = Delivery.objects.first()
    assert delivery is not None
    assert outbox.claim(delivery.pk) is True
    assert outbox.claim(delivery.pk) is False  # the other worker's claim holds it for the lease
    assert outbox.send(delivery.pk) == State.PENDING and mail.outbox == []


def test_the_mail_transport_is_read_from_one_address():
    assert email_settings("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    assert email_settings("smtp://pa%40x:s3cret@mail.example.org:587?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "pa@x",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    assert email_settings("smtps://mail.example.org")["EMAIL_PORT"] == 465
    with pytest.raises(ValueError, match="PAIRAID_EMAIL_URL: expected smtp://"):
        email_settings("http://mail.example.org")
    with pytest.raises(ValueError, match="no mail server"):
        email_settings("smtp://")


def test_mail_reaches_exactly_the_users_the_inbox_does(cast):
    request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(10))],
        user=cast["recipient"],
    )
    notified = set(Delivery.objects.values_list("notification__recipient", flat=True))
    assert notified == {cast["donor"].pk, cast["hunan"].pk}  # as the inbox: no one out of scope


def test_the_admin_sends_failed_deliveries_now_and_never_resends_a_sent_one(
    cast, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    raise_request(cast)
    failed, sent = Delivery.objects.order_by("pk")
    outbox.send(failed.pk)
    Delivery.objects.filter(pk=sent.pk).update(state=State.SENT, next_attempt_at=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(cast["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            "/admin/conversations/delivery/",
            {"action": "send_now", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 delivery queued to be sent now." in page.content.decode()
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [failed.message_id]
    assert Delivery.objects.get(pk=failed.pk).state == State.SENT
