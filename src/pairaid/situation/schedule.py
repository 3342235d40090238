"""The worker's daily situation reports: beside the outbox's turns on the worker's APScheduler
(`conversations.schedule`), every `SCHEDULE_SECONDS` each live programme whose reporting
deadline has passed today gets today's report, once (`services.issue_due`). Frozen programmes
(the demo) are skipped: their date never moves."""

import logging

from apscheduler.schedulers.base import BaseScheduler
from django.db import DatabaseError, close_old_connections, connection

from pairaid.situation import services

logger = logging.getLogger(__name__)

# Within a quarter of an hour of the deadline; a turn that finds nothing due reads one list.
SCHEDULE_SECONDS = 15 * 60


def issue_due_reports() -> None:
    """One turn. A database that does not answer is logged and tried again at the next turn;
    several workers may each run it (a second issue of a date would be a revision, so the
    turn checks first, and the programme's row lock orders two at once)."""
    close_old_connections()
    try:
        for report in services.issue_due():
            logger.info("issued %s", report)
    except DatabaseError:
        logger.exception("could not issue the due situation reports; trying again")
    finally:
        connection.close()


def add_to(scheduler: BaseScheduler) -> None:
    scheduler.add_job(
        issue_due_reports,
        "interval",
        seconds=SCHEDULE_SECONDS,
        id="situation-reports",
        max_instances=1,
        coalesce=True,
    )
