"""Decisions remembered between requests until the database changes (PostgreSQL LISTEN/NOTIFY).

An API client polling a page asks the same questions on every request: whose token is this, may
they see this programme, which data version is current. The answers come from the database, and
one round trip each cost an API request more than everything else it does. Here a process
remembers them, and forgets them all whenever anything it may have read changes:

- Every table but a few busy ones no decision reads (`UNWATCHED`) carries a statement-level
  trigger that sends a notification on `CHANNEL` (`install_triggers`, run after every
  `migrate`). PostgreSQL delivers it when the writing transaction commits, to every listening
  connection, whichever host or process wrote (web and task workers, the CLI, the admin).
- Each web process keeps one connection listening, and reads what has arrived — without waiting
  — before it answers from memory. Anything arrived: everything is forgotten.
- This process's own writes forget everything as soon as they are sent, without waiting for their
  notification: a request right after a write must not be answered from before it.
- Nothing is remembered inside a transaction (its own writes notify no one until it commits,
  and it may roll back), nor for longer than `REMEMBER_SECONDS`, nor while the listening
  connection is lost or any watched table lacks its trigger. SQLite has no notifications: there
  every decision reads the database, as before.

So a remembered answer is as fresh as a read of the database would have been, except for a
write committed by another process in the instant before its notification reaches this one.
That instant is the time one message takes on the database's connection — the same window in
which a read already under way misses the write.
"""

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import AppConfig
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger(__name__)

CHANNEL = "pairaid_change"
TRIGGER = "pairaid_change"
# Written on nearly every request or login attempt, and read by no remembered decision: the
# sessions (saved on every browser request) and django-axes' login records.
UNWATCHED = frozenset(
    {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
)
# However quiet the feed, nothing is answered from memory for longer than this: a bound on what
# a silently broken connection (no error, no notifications) could cost.
REMEMBER_SECONDS = 10.0
# Remembered answers at most: one a token, one a caller and programme.
MOST_REMEMBERED = 10_000
# After a failure to listen, the database is asked directly for this long before trying again.
RETRY_SECONDS = 5.0

T = TypeVar("T")


@dataclass
class _Feed:
    """One process's listening connection and what it remembers."""

    pid: int
    listener: Any  # psycopg.Connection, in autocommit, listening on CHANNEL
    answers: dict[Hashable, tuple[float, Any]] = field(default_factory=dict)
    generation: int = 0  # moves on each forgetting: an answer read across one is not kept

    def forget(self) -> None:
        self.answers.clear()
        self.generation += 1


_lock = threading.Lock()
_feed: _Feed | None = None
_retry_at = 0.0
_wrote = False  # set by this process's writes (`_note_writes`), cleared when acted on


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it returned for this key before, if nothing has changed since."""
    with _lock:
        feed = _current_feed()
        if feed is not None:
            asked_at, generation = time.monotonic(), feed.generation
            found = feed.answers.get(key)
            if found is not None and asked_at - found[0] < REMEMBER_SECONDS:
                return found[1]
    value = read()  # outside the lock: other threads' questions need not wait on this read
    if feed is None:
        return value
    with _lock:
        # Kept only if nothing changed while it was read: no notification, no write of ours.
        if feed is _current_feed() and feed.generation == generation:
            if len(feed.answers) >= MOST_REMEMBERED:
                feed.forget()
            feed.answers[key] = (asked_at, value)
    return value


def stop() -> None:
    """Close the listening connection and forget everything (a later question listens again)."""
    global _retry_at
    with _lock:
        _drop()
        _retry_at = 0.0


def listening() -> bool:
    """Whether this process is listening for changes (and so may answer from memory)."""
    with _lock:
        return _feed is not None and _feed.pid == os.getpid()


def _current_feed() -> _Feed | None:
    """The feed, with what has arrived acted on; None where answers must come from the
    database. Called with the lock held."""
    global _feed, _wrote
    connection = connections[DEFAULT_DB_ALIAS]
    if not getattr(settings, "PAIRAID_REMEMBER_DECISIONS", True):
        return None
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    if _feed is not None and _feed.pid != os.getpid():
        _feed = None  # forked: the parent's connection is not ours to use or close
    if _feed is None:
        _feed = _listen(connection)
        if _feed is None:
            return None
    try:
        changed = _arrived(_feed.listener)
    except Exception as error:  # the connection is lost: what it would have said is unknown
        log.warning("change feed lost (%s): answering from the database", error)
        _drop()
        return None
    if changed or _wrote:
        _feed.forget()
        _wrote = False
    return _feed


def _arrived(listener: Any) -> bool:
    """Whether any notification has arrived; reads only what is already there (libpq's sockets
    never block on this)."""
    pgconn = listener.pgconn
    pgconn.consume_input()  # raises once the server has gone
    arrived = False
    while pgconn.notifies() is not None:
        arrived = True
    return arrived


def _listen(connection: BaseDatabaseWrapper) -> _Feed | None:
    """A new listening connection, or None (and a warning) if the database cannot give one
    that hears every watched table."""
    global _retry_at
    if time.monotonic() < _retry_at:
        return None
    import psycopg

    try:
        listener = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        listener.execute(f"LISTEN {CHANNEL}")
        unheard = _tables_without_trigger(listener)
    except Exception as error:
        log.warning("cannot listen for changes (%s): answering from the database", error)
        _retry_at = time.monotonic() + RETRY_SECONDS
        return None
    if unheard:
        listener.close()
        log.warning(
            "tables without the %s trigger (run `pairaid migrate`): %s; answering from the "
            "database",
            TRIGGER,
            ", ".join(sorted(unheard)),
        )
        _retry_at = time.monotonic() + RETRY_SECONDS
        return None
    return _Feed(pid=os.getpid(), listener=listener)


def _drop() -> None:
    global _feed
    if _feed is not None:
        with contextlib.suppress(Exception):  # already gone
            _feed.listener.close()
    _feed = None


def watched_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables whose changes must be heard: every model's table but the unwatched."""
    tables = connection.introspection.django_table_names(only_existing=True)
    return sorted(set(tables) - UNWATCHED)


def _tables_without_trigger(listener: Any) -> set[str]:
    tables = watched_tables(connections[DEFAULT_DB_ALIAS])
    rows = listener.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) "
        "AND c.relnamespace = current_schema()::regnamespace AND NOT EXISTS "
        "(SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)",
        [tables, TRIGGER],
    ).fetchall()
    return {row[0] for row in rows}


def install_triggers(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After `migrate` (post_migrate): a notifying trigger on every watched table. Idempotent;
    PostgreSQL only. The payload is empty, so a transaction's many writes make one
    notification (PostgreSQL folds identical ones)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
        )
        for table in watched_tables(connection):
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
            )


def note_writes(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new database connection (connection_created): watch what this process sends."""
    if connection.vendor == "postgresql" and _note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_note_writes)


def _note_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    """Anything but a read, outside the unwatched tables, forgets what is remembered (a
    statement that changes nothing may forget needlessly; none that changes is missed): before
    it is sent, once it has run, and — inside a transaction — when that commits. Each marks a
    moment after which an answer read before it must not be kept (another thread of this
    process may be reading meanwhile)."""
    if sql.lstrip()[:6].upper() == "SELECT" or any(table in sql for table in UNWATCHED):
        return execute(sql, params, many, context)
    _mark_written()
    result = execute(sql, params, many, context)
    _mark_written()
    connection = context["connection"]
    if connection.in_atomic_block:
        connection.on_commit(_mark_written)
    return result


def _mark_written() -> None:
    global _wrote
    _wrote = True
