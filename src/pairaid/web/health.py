"""What /healthz reports: the database's state (and, once there is one, the task worker's)."""

import time
from typing import Any

from django.db import DatabaseError, connection

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


def report() -> dict[str, Any]:
    database = database_status()
    return {
        "status": "ok" if database["status"] == "ok" else "error",
        "version": __version__,
        "database": database,
    }
