"""Data versions: cache keys that change whenever the data behind a cached response changes.

Some responses are costly to compute and read often: a national programme's overview (about a
second: the whole engine instance, evaluated) and the pages of its pairings API (polled by
clients). They are cached, and rather than invalidating entries on each write, their keys carry
the *data version*. Nothing has to be deleted, and the scheme is correct whether or not the
processes share one cache (web workers, task workers and the CLI on several hosts all write to the
one database).

The version is exact — a key names one state of the data — because of three choices:

- **Every write moves it.** A database trigger on every table of the versioned apps counts each
  statement that writes (`triggers.py`): forms, admin, API, plan runs, scenario loads, and writes
  that bypass the history (`QuerySet.update()`, `bulk_create`) alike.
- **It is read only when every write it counts has ended.** Under PostgreSQL, transactions
  commit in any order, so a count taken while a write is in flight would name data that may not
  be visible yet (or never, if it rolls back). There a writing transaction holds a shared
  advisory lock from its first counted write to its end, and the version is read only if the
  reader can take the lock exclusively at that instant; otherwise it is unknown (None) and
  nothing is cached. SQLite has one writer at a time, whose count commits with its data.
  Nothing is cached inside a transaction either: its own writes may yet roll back.
- **A generation names the database's history.** A restore rewinds the count (a restored copy
  would reach the same count again with other data). Each `migrate` (and so each restore through
  `pairaid restore`, and each `flush`) draws a new random generation, which is part of the key.

The version is read before the response is computed, so an entry never holds data older than its
key says (a write during the computation only makes the next key differ).
"""

import hashlib

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from pairaid.freshness import triggers

# Entries are never stale, so this only bounds the room they take.
ENTRY_SECONDS = 30 * 60


def data_version() -> str | None:
    """The current data version, or None when it cannot be known exactly now (inside a
    transaction, or while a write is in flight): then nothing may be cached."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        return None
    row = _read_stamp(connection)
    if row is None:  # the stamp's row was flushed away with everything else
        new_generation()
        row = _read_stamp(connection)
        assert row is not None
    generation, changes = row
    return None if changes is None else f"{generation}.{changes}"


def _read_stamp(connection: BaseDatabaseWrapper) -> tuple[str, int | None] | None:
    with connection.cursor() as cursor:
        cursor.execute(triggers.read_version_sql(connection))
        row: tuple[str, int | None] | None = cursor.fetchone()
    return row


def new_generation() -> None:
    """Start a new generation of data versions: after a restore, a migration or a flush, no
    earlier key can name the data again."""
    triggers.start_generation(connections[DEFAULT_DB_ALIAS])


def cache_key(kind: str, *parts: object) -> str | None:
    """A cache key for one kind of cached response, from everything it depends on and the data
    version; None where the version is unknown (the response must then not be cached). Hashed,
    since parts come from query strings."""
    version = data_version()
    if version is None:
        return None
    # The parts' repr, not their text joined: no two different lists of parts give one key.
    digest = hashlib.sha256(repr((*parts, version)).encode()).hexdigest()[:40]
    return f"pairaid:{kind}:{digest}"
