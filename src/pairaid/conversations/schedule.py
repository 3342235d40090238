"""The task worker's clock for the outbox. django-tasks runs what is queued and has no retries
or schedules of its own, so `pairaid worker` runs APScheduler (a maintained in-process
scheduler) beside its task loop: every `outbox.SCHEDULE_SECONDS` it sends the deliveries whose
(re)try is due. In a thread of its own, so a long plan run in the task loop does not hold back
the mail; several workers may each run one (a delivery is claimed before it is sent)."""

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from pairaid.conversations import outbox

logger = logging.getLogger(__name__)
# Deadlines are days: an hourly look at them is soon enough, and cheap.
REMINDER_SECONDS = 3600


def send_due_deliveries() -> None:
    """One turn: the due deliveries sent. A database that does not answer is logged and tried
    again at the next turn."""
    close_old_connections()
    try:
        counts = outbox.send_due()
        if counts:
            logger.info("outbox: %s", counts)
    except DatabaseError:
        logger.exception("could not send the due deliveries; trying again")
    finally:
        connection.close()


def send_assessment_reminders() -> None:
    """One turn of the assessment's deadline reminders (each sent once, however often)."""
    from pairaid.assessment import reminders

    close_old_connections()
    try:
        sent = reminders.send_due()
        if sent:
            logger.info("assessment reminders: %s", sent)
    except DatabaseError:
        logger.exception("could not send the assessment reminders; trying again")
    finally:
        connection.close()


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
        send_assessment_reminders,
        "interval",
        seconds=REMINDER_SECONDS,
        id="assessment-reminders",
        max_instances=1,
        coalesce=True,
        next_run_time=timezone.now(),
    )
    scheduler.start()
    return scheduler
