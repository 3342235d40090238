"""The outbox: each notification's deliveries through the channels beside the inbox, written in
the transaction of its event and sent by the task worker once it commits.

At least once, nothing lost: a delivery is due from the moment it is written
(`next_attempt_at`). After commit a task sends it; if that task never runs (the queue was down,
the worker died), or the send fails, the worker's scheduler (`send_due`, every
`SCHEDULE_SECONDS`) sends it when it is due again. A failure is recorded with its error and
waits 1, 2, 4 … minutes, at most PAIRAID_MAIL_RETRY_MAX_SECONDS, and is never given up.
Before sending, a worker claims the delivery by moving its due time past `LEASE` in one
conditional update, so two workers do not send it at once; one that dies while sending leaves
it due again after the lease. A send that succeeded but was not recorded is repeated with the
same Message-ID, so the recipient's mail program can tell the duplicate.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pairaid.conversations.channels import CHANNELS
from pairaid.conversations.models import Delivery, Notification

logger = logging.getLogger(__name__)

State = Delivery.State

# How often the worker's scheduler looks for due deliveries.
SCHEDULE_SECONDS = 60
# How long a claimed delivery is left to the worker sending it: above the mail timeout
# (EMAIL_TIMEOUT, 30 s by default) with room for a slow server's several replies.
LEASE = datetime.timedelta(minutes=10)
# The first retry's wait; each further failure doubles it.
FIRST_RETRY = datetime.timedelta(minutes=1)
# The most deliveries one scheduler turn sends (the rest wait for the next turn).
BATCH = 200


def message_id() -> str:
    """A Message-ID of its own for a delivery, under the site's host name (RFC 5322 §3.6.4)."""
    host = urlsplit(settings.PAIRAID_SITE_URL).hostname or "pairaid.localhost"
    return f"<{uuid.uuid4().hex}.delivery@{host}>"


def write(notifications: Iterable[Notification]) -> list[Delivery]:
    """One delivery per notification and channel its recipient can be reached on, written in
    the caller's transaction, and queued to be sent once that commits."""
    now = timezone.now()
    deliveries = [
        Delivery(
            notification=notification,
            channel=channel.name,
            address=address,
            message_id=message_id(),
            next_attempt_at=now,
        )
        for notification in notifications
        for channel in CHANNELS.values()
        if (address := channel.address(notification.recipient))
    ]
    written = Delivery.objects.bulk_create(deliveries)
    ids = [delivery.pk for delivery in written]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return written


def _enqueue(ids: list[int]) -> None:
    from pairaid.conversations import tasks

    for delivery_id in ids:
        try:
            tasks.send_delivery.enqueue(delivery_id)
        except Exception:  # the scheduler sends it when due: queueing is only the fast path
            logger.exception("could not queue delivery %s; the scheduler will send it", delivery_id)


def send_now(deliveries: Iterable[int]) -> int:
    """Make the unsent deliveries named due at once and queue them (a failed one need not wait
    out its backoff once its server is mended). Returns how many; a sent one is left alone."""
    unsent = Delivery.objects.filter(pk__in=list(deliveries)).exclude(state=State.SENT)
    ids = list(unsent.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4 … minutes, capped."""
    ceiling = datetime.timedelta(seconds=settings.PAIRAID_MAIL_RETRY_MAX_SECONDS)
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 30), ceiling)


def _due(now: datetime.datetime) -> Q:
    return ~Q(state=State.SENT) & Q(next_attempt_at__lte=now)


def claim(delivery_id: int) -> bool:
    """Take a due delivery for this worker (True), or learn that it is sent, not due or taken
    by another worker (False)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(_due(now), pk=delivery_id).update(next_attempt_at=now + LEASE)
    return claimed == 1


def send(delivery_id: int) -> str:
    """Send one delivery if it is due and this worker claims it; record it sent, or failed with
    the error and the time of its next attempt. Returns its state."""
    if not claim(delivery_id):
        return Delivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first() or ""
    delivery = Delivery.objects.select_related(
        "notification__recipient", "notification__event__programme"
    ).get(pk=delivery_id)
    attempts = delivery.attempts + 1
    try:
        CHANNELS[delivery.channel].send(delivery)
    except Exception as error:  # any failure of the transport is recorded and retried
        Delivery.objects.filter(pk=delivery_id).update(
            state=State.FAILED,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        logger.warning("delivery %s failed (attempt %s): %s", delivery_id, attempts, error)
        return State.FAILED
    Delivery.objects.filter(pk=delivery_id).update(
        state=State.SENT, attempts=attempts, sent_at=timezone.now(), next_attempt_at=None
    )
    return State.SENT


def due_ids(limit: int = BATCH) -> list[int]:
    """The deliveries due now, oldest due first."""
    rows = Delivery.objects.filter(_due(timezone.now())).order_by("next_attempt_at", "pk")
    return list(rows.values_list("pk", flat=True)[:limit])


def send_due() -> dict[str, int]:
    """Send every delivery due now (the scheduler's turn); how many ended in each state."""
    counts: dict[str, int] = {}
    for delivery_id in due_ids():
        state = send(delivery_id)
        counts[state] = counts.get(state, 0) + 1
    return counts
