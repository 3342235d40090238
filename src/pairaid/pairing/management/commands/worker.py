"""`pairaid worker`: the task worker. It fails the plan and forecast runs of workers that died
(their heartbeat stopped) as it starts and then every few seconds while it runs, sends the
outbox's due e-mail every minute (pairaid.conversations.schedule), issues the live programmes'
daily situation reports (pairaid.conversations.schedule), and takes tasks as
django-tasks' `db_worker` does, with the same options."""

import logging
import threading
from typing import Any

from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from pairaid import commands
from pairaid.conversations import schedule
from pairaid.foresight import services as forecast_runs
from pairaid.pairing import runs
from pairaid.pairing.solver_process import HEARTBEAT_SECONDS

logger = logging.getLogger(__name__)

# How often a worker looks for stalled runs: once a heartbeat, so a dead worker's run is failed
# at most this long after it crosses the stall threshold. One indexed count while nothing stalls.
STALL_WATCH_SECONDS = HEARTBEAT_SECONDS


class Command(commands.OneLineErrors, db_worker.Command):
    help = "Run the task worker (plan runs and other background work); fails stalled runs."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = runs.fail_stalled()
        if failed:
            self.stderr.write(f"marked {failed} stalled plan run(s) failed: their worker had died")
        failed = forecast_runs.fail_stalled()
        if failed:
            self.stderr.write(f"marked {failed} stalled forecast run(s) failed: their worker died")
        stop = threading.Event()
        watch = threading.Thread(
            target=watch_stalled_runs, args=(stop,), name="pairaid-stall-watch", daemon=True
        )
        watch.start()
        scheduler = schedule.start()
        try:
            super().handle(*args, **options)
        finally:
            scheduler.shutdown(wait=False)
            stop.set()
            watch.join(timeout=STALL_WATCH_SECONDS)


def watch_stalled_runs(stop: threading.Event) -> None:
    """Fail stalled runs every `STALL_WATCH_SECONDS` until `stop` is set.

    A thread beside django-tasks' task loop, which has no hook of its own: when one of several
    workers dies mid-run, the others fail its run whether they are idle or solving, not only the
    next time one starts or takes a task. A database that does not answer is logged and tried
    again at the next turn."""
    try:
        while not stop.wait(STALL_WATCH_SECONDS):
            close_old_connections()
            try:
                _fail_stalled_runs()
            except DatabaseError:
                logger.exception("could not look for stalled plan runs; trying again")
    finally:
        connection.close()


def _fail_stalled_runs() -> None:
    # Read first: fail_stalled takes a write lock (on SQLite, of the whole database).
    if runs.stalled().exists():
        failed = runs.fail_stalled()
        logger.warning("marked %s stalled plan run(s) failed: their worker died", failed)
    if forecast_runs.any_stalled():
        failed = forecast_runs.fail_stalled()
        logger.warning("marked %s stalled forecast run(s) failed: their worker died", failed)
