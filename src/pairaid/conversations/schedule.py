"""The task worker's clock for the outbox. django-tasks runs what is queued and has no retries
or schedules of its own, so `pairaid worker` runs APScheduler (a maintained in-process
scheduler) beside its task loop: every `outbox.SCHEDULE_SECONDS` it sends the deliveries whose
(re)try is due. In a thread of its own, so a long plan run in the task loop does not hold back
the mail; several workers may each run one (a delivery is claimed before it is sent).

Every `watch.WATCH_SECONDS` it also runs the watch's checks (`watch.run`). The daily digest
needs no job of its own: its deliveries fall due at the digest hour and the outbox's turn sends
them, each user's as one mail."""

import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from pairaid.conversations import outbox, watch

logger = logging.getLogger(__name__)


def _turn(name: str, work: Callable[[], dict[str, int]]) -> None:
    """One turn of a job, on a fresh connection: what it did logged; a database that does not
    answer is logged and tried again at the next turn."""
    close_old_connections()
    try:
        counts = work()
        if counts:
            logger.info("%s: %s", name, counts)
    except DatabaseError:
        logger.exception("%s: the database did not answer; trying again", name)
    finally:
        connection.close()


def send_due_deliveries() -> None:
    """One turn of the outbox: the due deliveries sent."""
    _turn("outbox", outbox.send_due)


def run_checks() -> None:
    """One turn of the watch: overdue reports, red occupancy, gaps, escalations recorded (each
    once, so a turn repeated or run by two workers adds nothing)."""
    _turn("watch", lambda: watch.run(timezone.now()))


def start() -> BackgroundScheduler:
    """Start the scheduler (its first turn now: what was due while no worker ran goes first)."""
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(
        send_due_deliveries,
        "interval",
        seconds=outbox.SCHEDULE_SECONDS,
        id="outbox",
        max_instances=1,  # a slow turn is not overlapped by the next
        coalesce=True,
        next_run_time=timezone.now(),
    )
    scheduler.add_job(
        run_checks,
        "interval",
        seconds=watch.WATCH_SECONDS,
        id="watch",
        max_instances=1,
        coalesce=True,
        next_run_time=timezone.now(),
    )
    scheduler.start()
    return scheduler
