"""What every kind of long work in the task worker shares (plan runs, forecast runs): being
stopped by SIGTERM, and being found stalled when its worker stopped answering.

A run model that uses it has the fields `state` ("running" while a worker has it), `started_at`
and `heartbeat_at` (the worker's last sign of life)."""

import contextlib
import datetime
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

RUNNING = "running"

M = TypeVar("M", bound=Model)


@contextlib.contextmanager
def stopped_by_sigterm(stop: threading.Event) -> Iterator[None]:
    """While a run works, SIGTERM sets its stop, then does what it did before (the task worker
    finishes the task it is on and exits). Signals reach only the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.getsignal(signal.SIGTERM)
    received = threading.Event()

    def on_sigterm(signum: int, frame: Any) -> None:
        received.set()
        stop.set()
        if callable(before):
            before(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
        if received.is_set() and before == signal.SIG_DFL:
            os.kill(os.getpid(), signal.SIGTERM)  # as if it had come now: the default ends us


def stalled(runs: QuerySet[M]) -> QuerySet[M]:
    """The runs whose worker stopped answering: running, with no heartbeat for
    `PAIRAID_RUN_STALL_SECONDS` (the worker was killed, ran out of memory, or its host went)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.PAIRAID_RUN_STALL_SECONDS)
    return runs.filter(state=RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def beat(runs: QuerySet[Any], **progress: Any) -> None:
    """A running run's sign of life (and, given, its progress). An update, not a save: a
    heartbeat is not a change worth a history record."""
    runs.filter(state=RUNNING).update(heartbeat_at=timezone.now(), **progress)
