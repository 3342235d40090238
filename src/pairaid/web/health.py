"""What /healthz (liveness: the database) and /healthz/work (background work) report."""

import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from pairaid import __version__
from pairaid.pairing.solver_process import HEARTBEAT_SECONDS


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


def work_status() -> dict[str, Any]:
    """The background work as an operator needs to see it: tasks waiting (and how long the oldest
    has waited), and plan runs whose worker stopped answering. Counts only: the endpoint is open."""
    from django_tasks_db.models import DBTaskResult

    from pairaid.pairing import runs

    try:
        waiting = DBTaskResult.objects.filter(status="READY")
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        finished = (
            DBTaskResult.objects.exclude(finished_at__isnull=True)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        waiting_count = waiting.count()
        stalled = runs.stalled().count()
        running = runs.PlanRun.objects.filter(state=runs.PlanRun.State.RUNNING).count()
    except DatabaseError as error:
        return {"status": "error", "error": str(error)}
    waited = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    # A task waiting longer than a run may stall means no worker is taking tasks.
    no_worker = waited > settings.PAIRAID_RUN_STALL_SECONDS
    return {
        "status": "stalled" if stalled or no_worker else "ok",
        "waiting_tasks": waiting_count,
        "oldest_waiting_seconds": round(waited, 1),
        "running_plan_runs": running,
        "stalled_plan_runs": stalled,
        "stall_seconds": settings.PAIRAID_RUN_STALL_SECONDS,
        "heartbeat_seconds": HEARTBEAT_SECONDS,
        "last_finished_at": finished.isoformat() if finished else None,
    }


def report() -> dict[str, Any]:
    """Liveness of this web process: it answers and its database is there and migrated. Never
    the state of background work (`work_report`): a load balancer must not drop a healthy web
    process because a worker is down."""
    database = database_status()
    return {
        "status": "ok" if database["status"] == "ok" else "error",
        "version": __version__,
        "database": database,
    }


def work_report() -> dict[str, Any]:
    database = database_status()
    work = work_status() if database["status"] == "ok" else {"status": "unknown"}
    return {"status": work["status"], "version": __version__, "work": work}
