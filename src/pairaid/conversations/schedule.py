"""The task worker's clock for the outbox and the assessment's reminders. django-tasks runs
what is queued and has no retries or schedules of its own, so `pairaid worker` runs APScheduler
(a maintained in-process scheduler) beside its task loop: every `outbox.SCHEDULE_SECONDS` it
sends the deliveries whose (re)try is due, and every `REMINDER_SECONDS` it sends the annual
assessment's deadline reminders that are due (pairaid.assessment.reminders). In a thread of its
own, so a long plan run in the task loop does not hold back the mail; several workers may each
run one (a delivery is claimed before it is sent; a reminder is recorded once)."""

import logging
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from pairaid.conversations import outbox

logger = logging.getLogger(__name__)
# Deadlines are days: an hourly look at them is soon enough, and cheap.
REMINDER_SECONDS = 3600


def _turn(what: str, work: Callable[[], Any]) -> None:
    """One turn of a job: what it did logged; a database that does not answer is logged and
    tried again at the next turn."""
    close_old_connections()
    try:
        done = work()
        if done:
            logger.info("%s: %s", what, done)
    except DatabaseError:
        logger.exception("%s: the database did not answer; trying again", what)
    finally:
        connection.close()


def send_due_deliveries() -> None:
    """One turn: the due deliveries sent."""
    _turn("outbox", outbox.send_due)


def send_assessment_reminders() -> None:
    """One turn of the assessment's deadline reminders (each sent once, however often)."""
    from pairaid.assessment import reminders

    _turn("assessment reminders", reminders.send_due)


def start() -> BackgroundScheduler:
    """Start the scheduler (its first turn now: what was due while no worker ran goes first)."""
    scheduler = BackgroundScheduler(daemon=True)
    for job, seconds, name in (
        (send_due_deliveries, outbox.SCHEDULE_SECONDS, "outbox"),
        (send_assessment_reminders, REMINDER_SECONDS, "assessment-reminders"),
    ):
        scheduler.add_job(
            job,
            "interval",
            seconds=seconds,
            id=name,
            max_instances=1,  # a slow turn is not overlapped by the next
            coalesce=True,
            next_run_time=timezone.now(),
        )
    scheduler.start()
    return scheduler
