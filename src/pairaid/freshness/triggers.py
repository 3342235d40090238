"""The database side of data versions: the count of writes, its triggers and the generation.

PostgreSQL counts with a sequence, which concurrent writers advance without waiting for one
another; each counting statement first takes the shared advisory lock `LOCK_KEY` for the rest of
its transaction, so that a reader can tell whether any counted write is still in flight (it takes
the lock exclusively, for an instant, with `pg_try_advisory_xact_lock`). SQLite counts in the
stamp's row: it has one writer at a time, so nothing is ever in flight for a reader.

`install` runs after every `migrate` (post_migrate) and is idempotent: tables added by later
migrations get their trigger then.
"""

import secrets
from typing import Any

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper

# The apps whose tables make up what cached responses show: regions, indicators and resource
# types; programmes, participants, needs and capacities; pairings, allocations and plan runs; the
# operations behind the gaps panel; the loaded bundles and their illustrative overlays. Not
# accounts (a login saves its user; memberships decide who may see, on every request) and not
# the sessions, the login throttle or the task queue, which are written all the time.
VERSIONED_APPS = ("registry", "programmes", "pairing", "operations", "scenarios")
STAMP_TABLE = "freshness_stamp"
SEQUENCE = "freshness_changes"
FUNCTION = "freshness_change"
READ_FUNCTION = "freshness_version"
TRIGGER = "freshness_change"
# Any fixed number: advisory locks are per database, and no other code of ours uses one.
LOCK_KEY = 7_263_015_442


def versioned_tables() -> list[str]:
    """The tables whose writes move the version: every concrete table of the versioned apps
    (with many-to-many tables), except the history tables, which are written with their rows."""
    tables = {
        model._meta.db_table
        for label in VERSIONED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model._meta.proxy and not hasattr(model, "instance_type")
    }
    return sorted(tables)


def read_version_sql(connection: BaseDatabaseWrapper) -> str:
    """One row: the generation and the count of writes (NULL while a write is in flight)."""
    if connection.vendor == "postgresql":
        return f"SELECT generation, {READ_FUNCTION}() FROM {STAMP_TABLE} WHERE id = 1"
    return f"SELECT generation, changes FROM {STAMP_TABLE} WHERE id = 1"


def start_generation(connection: BaseDatabaseWrapper) -> None:
    """A new random generation in the stamp's row (created if a flush removed it)."""
    generation = secrets.token_hex(8)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {STAMP_TABLE} SET generation = %s WHERE id = 1", [generation])
        if cursor.rowcount == 0:
            # Two processes may both find the row missing: the second insert changes nothing.
            conflict = "ON CONFLICT (id) DO NOTHING"
            cursor.execute(
                f"INSERT INTO {STAMP_TABLE} (id, generation, changes) VALUES (1, %s, 0) {conflict}",
                [generation],
            )


def install(connection: BaseDatabaseWrapper) -> None:
    """The counting trigger on every versioned table, and what it needs."""
    if connection.vendor == "postgresql":
        _install_postgresql(connection)
    elif connection.vendor == "sqlite":
        _install_sqlite(connection)
    else:
        raise NotImplementedError(
            f"data versions need PostgreSQL or SQLite, not {connection.vendor}"
        )


def _install_postgresql(connection: BaseDatabaseWrapper) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_advisory_xact_lock_shared({LOCK_KEY}); "
            f"PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$"
        )
        # The count only once no counted write is in flight; called outside any transaction,
        # so the exclusive lock lasts only this statement.
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {READ_FUNCTION}() RETURNS bigint LANGUAGE plpgsql AS $$ "
            f"BEGIN IF pg_try_advisory_xact_lock({LOCK_KEY}) THEN "
            f"RETURN (SELECT last_value FROM {SEQUENCE}); END IF; RETURN NULL; END $$"
        )
        for table in versioned_tables():
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )


def _install_sqlite(connection: BaseDatabaseWrapper) -> None:
    # SQLite has row triggers only: one per operation and table. Its DELETE without WHERE
    # deletes row by row where a table has triggers, so that too is counted.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in versioned_tables():
            for operation in ("INSERT", "UPDATE", "DELETE"):
                name = quote(f"{TRIGGER}_{table}_{operation.lower()}")
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {operation} ON {quote(table)} "
                    f"BEGIN UPDATE {STAMP_TABLE} SET changes = changes + 1 WHERE id = 1; END"
                )


def tables_without_trigger(connection: BaseDatabaseWrapper) -> list[str]:
    """Versioned tables missing their trigger (none after `migrate`)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [TRIGGER],
            )
            found = {row[0] for row in cursor.fetchall()}
            return [table for table in versioned_tables() if table not in found]
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        names: set[Any] = {row[1] for row in cursor.fetchall()}
        return [
            table
            for table in versioned_tables()
            if any(f"{TRIGGER}_{table}_{op}" not in names for op in ("insert", "update", "delete"))
        ]
