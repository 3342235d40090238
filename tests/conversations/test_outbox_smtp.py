"""The outbox against a real SMTP server (aiosmtpd, started in the test) that first refuses with
451 and then accepts: nothing lost, every delivery recorded sent or failed with the error, and a
repeated send recognisable by its Message-ID."""

import email
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from tests.conversations.test_inbox import raise_request

from pairaid.conversations import channels, outbox, schedule
from pairaid.conversations.models import Delivery

State = Delivery.State


class FlakyServer:
    """An SMTP server's message handler that refuses the first `refusals` messages (451: try
    again later), then accepts each one and keeps it."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.refused = 0
        self.accepted: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refused < self.refusals:
            self.refused += 1
            return "451 4.3.0 Mail server busy, try again later"
        self.accepted.append(email.message_from_bytes(envelope.content))
        return "250 2.0.0 Message accepted for delivery"

    def message_ids(self) -> Counter[str]:
        return Counter(str(message["Message-ID"]) for message in self.accepted)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings) -> Iterator[FlakyServer]:  # type: ignore[no-untyped-def]
    handler = FlakyServer(refusals=3)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()


def let_the_retries_fall_due() -> None:
    """The backoff's wait, passed: each failed delivery due now (as after a few minutes)."""
    Delivery.objects.filter(state=State.FAILED).update(next_attempt_at=timezone.now())


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # sent after commit, as in production
def test_a_refusing_then_accepting_server_loses_nothing(cast, smtp_server):
    raise_request(cast)  # Shandong and Hunan are told, each by mail
    raise_request(cast)
    deliveries = Delivery.objects.order_by("pk")
    assert deliveries.count() == 4
    # After commit the worker sent each once: three refused, the fourth accepted.
    assert Counter(deliveries.values_list("state", flat=True)) == {State.FAILED: 3, State.SENT: 1}
    for failed in deliveries.filter(state=State.FAILED):
        assert failed.attempts == 1 and failed.next_attempt_at > timezone.now()
        assert "451" in failed.last_error and "try again later" in failed.last_error
    assert schedule.send_due_deliveries() is None and smtp_server.refused == 3  # none due yet

    let_the_retries_fall_due()
    schedule.send_due_deliveries()  # the scheduler's turn

    assert set(deliveries.values_list("state", flat=True)) == {State.SENT}
    assert sorted(deliveries.values_list("attempts", flat=True)) == [1, 2, 2, 2]
    ids = smtp_server.message_ids()
    assert ids == Counter({d.message_id: 1 for d in deliveries})  # each exactly once
    addressed = {str(message["To"]) for message in smtp_server.accepted}
    assert addressed == {cast["donor"].email, cast["hunan"].email}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_send_repeated_after_a_worker_died_carries_the_same_message_id(cast, smtp_server):
    smtp_server.refusals = 0
    raise_request(cast)
    delivery = Delivery.objects.get(address=cast["donor"].email)
    # A worker claims a due delivery and sends it, then dies before recording it: the server
    # has the mail, the outbox does not know.
    Delivery.objects.filter(pk=delivery.pk).update(
        state=State.FAILED, next_attempt_at=timezone.now()
    )
    assert outbox.claim(delivery.pk)
    channels.EMAIL.send(delivery, [])
    # Its lease runs out; another worker's scheduler sends it again.
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    schedule.send_due_deliveries()

    assert Delivery.objects.get(pk=delivery.pk).state == State.SENT
    assert smtp_server.message_ids()[delivery.message_id] == 3  # after commit, died, again
    copies = [m for m in smtp_server.accepted if m["Message-ID"] == delivery.message_id]
    assert len({(m["Subject"], m.get_payload()) for m in copies}) == 1  # the same mail
