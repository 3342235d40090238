"""What /healthz reports: the database's state (and, once there is one, the task worker's)."""

import time
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from pairaid import __version__


def database_status() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return {"status": "error", "vendor": connection.vendor, "error": str(error)}
    return {
        "status": "ok" if not pending else "migrations_pending",
        "vendor": connection.vendor,
        "pending_migrations": len(pending),
        "milliseconds": round((time.perf_counter() - started) * 1000, 1),
    }


def worker_status() -> dict[str, Any]:
    """The task queue as the worker sees it: waiting tasks, and how long the oldest has waited."""
    from django_tasks_db.models import DBTaskResult

    try:
        waiting = DBTaskResult.objects.filter(status="READY")
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        finished = (
            DBTaskResult.objects.exclude(finished_at__isnull=True)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
    except DatabaseError as error:
        return {"status": "error", "error": str(error)}
    waited = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {
        # A task waiting over a minute means no worker is taking tasks.
        "status": "stalled" if waited > 60 else "ok",
        "waiting_tasks": waiting.count(),
        "oldest_waiting_seconds": round(waited, 1),
        "last_finished_at": finished.isoformat() if finished else None,
    }


def report() -> dict[str, Any]:
    database = database_status()
    worker = worker_status() if database["status"] == "ok" else {"status": "unknown"}
    return {
        "status": "ok" if database["status"] == "ok" else "error",
        "version": __version__,
        "database": database,
        "worker": worker,
    }
