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

Not every notification is mailed at once (`preferences`): one its recipient wants "not at all"
has no delivery (the inbox still has it); one for the daily digest is due at the next
PAIRAID_DIGEST_HOUR in its recipient's time zone (their own, else the programme's). A burst is
merged, never dropped: beyond PAIRAID_MAIL_BURST immediate deliveries to one user within
PAIRAID_MAIL_BURST_MINUTES, the next wait until that window has passed. Whatever is due for one
address when a delivery is first sent goes in its mail (`gather`): the held burst, or the day's
digest, as one message.
"""

import datetime
import logging
import uuid
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from pairaid.conversations import preferences
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


def next_digest(zone: zoneinfo.ZoneInfo, now: datetime.datetime) -> datetime.datetime:
    """When the next daily digest goes: the first PAIRAID_DIGEST_HOUR o'clock after `now` in
    the recipient's time zone (`preferences.digest_zone`; real time: a demo's frozen programme
    date does not hold mail)."""
    local = now.astimezone(zone)
    at = local.replace(hour=settings.PAIRAID_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if at <= local:
        # the same hour tomorrow (wall-clock, so it stays the set hour across a DST change)
        at = datetime.datetime.combine(
            at.date() + datetime.timedelta(days=1), at.timetz().replace(tzinfo=None), at.tzinfo
        )
    return at


def held_until(
    recipient_ids: Iterable[int], channel: str, now: datetime.datetime
) -> dict[int, datetime.datetime]:
    """The users in a burst on a channel (PAIRAID_MAIL_BURST immediate deliveries or more within
    the window before `now`), each with when their next one is due: the window after the first
    of the burst. Those held are then sent together, as one mail, never dropped."""
    window = datetime.timedelta(minutes=settings.PAIRAID_MAIL_BURST_MINUTES)
    recent = (
        Delivery.objects.filter(
            channel=channel,
            digest=False,
            notification__recipient__in=list(recipient_ids),
            created_at__gt=now - window,
        )
        .values("notification__recipient")
        .annotate(count=Count("pk"), first=Min("created_at"))
    )
    return {
        row["notification__recipient"]: row["first"] + window
        for row in recent
        if row["count"] >= settings.PAIRAID_MAIL_BURST
    }


def write(notifications: Iterable[Notification]) -> list[Delivery]:
    """One delivery per notification and channel its recipient can be reached on and wants it
    on (`preferences`): due now, at the end of a burst's window, or at the next digest. Written
    in the caller's transaction, and queued to be sent once that commits."""
    rows = list(notifications)
    if not rows:
        return []
    event = rows[0].event
    now = timezone.now()
    modes = preferences.modes((n.recipient_id for n in rows), event.kind)
    mailed = [n for n in rows if modes[n.recipient_id] != preferences.Mode.OFF]
    deliveries = []
    for channel in CHANNELS.values():
        held = held_until((n.recipient_id for n in mailed), channel.name, now)
        for notification in mailed:
            address = channel.address(notification.recipient)
            if not address:
                continue
            digest = modes[notification.recipient_id] == preferences.Mode.DIGEST
            if digest:
                zone = preferences.digest_zone(notification.recipient, event.programme)
                due = next_digest(zone, now)
            else:
                due = max(now, held.get(notification.recipient_id, now))
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=channel.name,
                    address=address,
                    message_id=message_id(),
                    next_attempt_at=due,
                    digest=digest,
                    created_at=now,
                )
            )
    written = Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in written if d.next_attempt_at is not None and d.next_attempt_at <= now]
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
    out its backoff once its server is mended), each with its own Message-ID still. One carried
    in another's mail is sent by sending that mail. Returns how many mails; a sent one is left
    alone."""
    unsent = Delivery.objects.filter(pk__in=list(deliveries)).exclude(state=State.SENT)
    ids = sorted({carrier or pk for pk, carrier in unsent.values_list("pk", "carrier")})
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


def gather(delivery: Delivery) -> None:
    """Before its first attempt, let a claimed delivery carry every other delivery due for the
    same address and channel (a held burst, the day's digest): they go in its mail. Each is
    taken by a conditional update, so one another worker claimed meanwhile stays its own."""
    now = timezone.now()
    candidates = (
        Delivery.objects.filter(
            _due(now), channel=delivery.channel, address=delivery.address, carrier=None
        )
        .filter(attempts=0, carried__isnull=True)
        .exclude(pk=delivery.pk)
    )
    ids = list(candidates.values_list("pk", flat=True)[:BATCH])
    Delivery.objects.filter(_due(now), pk__in=ids, carrier=None).update(
        carrier=delivery, next_attempt_at=None
    )


def send(delivery_id: int) -> str:
    """Send one delivery if it is due and this worker claims it, with those it carries; record
    them sent, or failed with the error and the time of the mail's next attempt. Returns its
    state."""
    if not claim(delivery_id):
        return Delivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first() or ""
    related = ("notification__recipient", "notification__event__programme")
    delivery = Delivery.objects.select_related(*related).get(pk=delivery_id)
    if delivery.attempts == 0:
        gather(delivery)
    carried = list(delivery.carried.select_related(*related).order_by("pk"))
    attempts = delivery.attempts + 1
    mail = Delivery.objects.filter(Q(pk=delivery_id) | Q(carrier=delivery_id))
    try:
        CHANNELS[delivery.channel].send(delivery, carried)
    except Exception as error:  # any failure of the transport is recorded and retried
        mail.update(
            state=State.FAILED,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        Delivery.objects.filter(pk=delivery_id).update(
            next_attempt_at=timezone.now() + backoff(attempts)
        )
        logger.warning("delivery %s failed (attempt %s): %s", delivery_id, attempts, error)
        return State.FAILED
    mail.update(state=State.SENT, attempts=attempts, sent_at=timezone.now(), next_attempt_at=None)
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
