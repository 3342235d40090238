"""The task worker's clock. django-tasks runs what is queued and has no retries or schedules of
its own, so `pairaid worker` runs APScheduler (a maintained in-process scheduler) beside its
task loop, in a thread of its own, so a long plan run in the task loop does not hold back the
mail. Its jobs:

- every `outbox.SCHEDULE_SECONDS`, the deliveries whose (re)try is due are sent (a delivery is
  claimed before it is sent, so several workers may each run one). The daily digest needs no job
  of its own: its deliveries fall due at the digest hour and the outbox's turn sends them, each
  user's as one mail;
- every `watch.WATCH_SECONDS`, the watch's checks (`watch.run`): overdue reports, red
  occupancy, gaps, escalations, each recorded once;
- every `REMINDER_SECONDS`, the annual assessment's deadline reminders that are due
  (pairaid.assessment.reminders), each recorded once;
- every `SITUATION_SECONDS`, today's situation report for each live programme whose reporting
  deadline has passed (pairaid.situation.services.issue_due; frozen programmes, like the demo,
  are skipped), once: the programme's row lock orders two workers."""

import logging
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from pairaid.conversations import outbox, watch

logger = logging.getLogger(__name__)
# Deadlines are days: an hourly look at them is soon enough, and cheap.
REMINDER_SECONDS = 3600
# Within a quarter of an hour of the deadline; a turn that finds nothing due reads one list.
SITUATION_SECONDS = 15 * 60


def _turn(what: str, work: Callable[[], Any]) -> None:
    """One turn of a job, on a fresh connection: what it did logged; a database that does not
    answer is logged and tried again at the next turn."""
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
    """One turn of the outbox: the due deliveries sent."""
    _turn("outbox", outbox.send_due)


def run_checks() -> None:
    """One turn of the watch: overdue reports, red occupancy, gaps, escalations recorded (each
    once, so a turn repeated or run by two workers adds nothing)."""
    _turn("watch", lambda: watch.run(timezone.now()))


def send_assessment_reminders() -> None:
    """One turn of the assessment's deadline reminders (each sent once, however often)."""
    from pairaid.assessment import reminders

    _turn("assessment reminders", reminders.send_due)


def issue_due_situation_reports() -> None:
    """One turn of the daily situation reports: those due issued, once each."""
    from pairaid.situation import services as situation_services

    _turn("situation reports", lambda: [str(report) for report in situation_services.issue_due()])


def start() -> BackgroundScheduler:
    """Start the scheduler (its first turn now: what was due while no worker ran goes first)."""
    scheduler = BackgroundScheduler(daemon=True)
    for job, seconds, name in (
        (send_due_deliveries, outbox.SCHEDULE_SECONDS, "outbox"),
        (run_checks, watch.WATCH_SECONDS, "watch"),
        (send_assessment_reminders, REMINDER_SECONDS, "assessment-reminders"),
        (issue_due_situation_reports, SITUATION_SECONDS, "situation-reports"),
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
