"""Data versions: cache keys that change whenever the data behind a cached response changes.

Some responses are costly to compute and read often: a national programme's overview (about a
second: the whole engine instance, evaluated) and the pages of its pairings API (polled by
clients). They are cached, and rather than invalidating entries on each write, their keys carry
a *data version*: the highest history id of every model whose rows the response reads.
django-simple-history writes a history row for every save and delete — forms, admin, API, plan
runs, scenario loads (`bulk_create_with_history`) — so any such change moves the version, and
the next request computes afresh under a new key. Nothing has to be deleted, and the scheme is
correct whether or not the processes share one cache (web workers, task workers and the CLI on
several hosts all write to the one database).

The version is one query of index look-ups (`MAX` of each history table's primary key): about a
millisecond for every versioned app's 29 history tables, a quarter of that for the six behind a
page of pairings — hence `data_version(of=...)`, for responses that read only a few models.

Two limits, both bounded by the entries' timeout (`ENTRY_SECONDS`): writes that bypass history
(`QuerySet.update()`, plain `bulk_create`) do not move the version — today only the allocation
lines of *proposed* pairings, written in the same transaction as their `Pairing` rows, which
move it; and a transaction that commits after a later-started one has already committed a
higher history id can leave an entry computed without it.
"""

import hashlib
from collections.abc import Sequence
from functools import lru_cache

from django.apps import apps
from django.db import connection
from django.db.models import Model

# The apps whose history tables make up the version by default: regions, indicators and resource
# types; programmes, participants, needs and capacities; pairings, allocations and plan runs;
# and the operations (requests, shipments, deployments) behind the dashboard's gaps panel. Not
# accounts: a login saves its user, and memberships do not change what a programme shows.
VERSIONED_APPS = ("registry", "programmes", "pairing", "operations")
# Upper bound on how long an entry may outlive a change the version cannot see (see above).
ENTRY_SECONDS = 30 * 60


def _history_models(of: tuple[type[Model], ...] | None) -> list[type[Model]]:
    """django-simple-history's historical models: of the given models, or of the versioned apps
    (with their many-to-many history tables)."""
    found = [
        model
        for label in VERSIONED_APPS
        for model in apps.get_app_config(label).get_models()
        if hasattr(model, "instance_type")
    ]
    if of is None:
        return found
    chosen = [model for model in found if model.instance_type in of]
    missing = set(of) - {model.instance_type for model in chosen}
    if missing:
        raise ValueError(f"no history in the versioned apps for {sorted(map(str, missing))}")
    return chosen


@lru_cache(maxsize=8)  # one per kind of cached response
def version_columns(of: tuple[type[Model], ...] | None = None) -> str:
    """The version's columns, to select alone (`data_version`) or beside a query's own (one
    round trip for both; `version_from` reads them back)."""
    quote = connection.ops.quote_name
    # Not MAX(): PostgreSQL plans `ORDER BY … DESC LIMIT 1` in half the time, for the same
    # backward step on the primary key's index (and NULL for an empty table alike).
    return ", ".join(
        f"(SELECT {column} FROM {quote(model._meta.db_table)} ORDER BY {column} DESC LIMIT 1)"
        for model in _history_models(of)
        for column in [quote(model._meta.pk.column)]
    )


def version_from(values: Sequence[int | None]) -> str:
    """The data version from the values of `version_columns`."""
    return ".".join("-" if value is None else str(value) for value in values)


def data_version(*, of: tuple[type[Model], ...] | None = None) -> str:
    """The current data version: changes with every recorded write to the given models, or (by
    default) to any model of the versioned apps."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + version_columns(of))
        row = cursor.fetchone()
    return version_from(row)


def cache_key(kind: str, *parts: object) -> str:
    """A cache key for one kind of cached response, from everything it depends on (its data
    version among them); hashed, since parts come from query strings and versions are long."""
    # The parts' repr, not their text joined: no two different lists of parts give one key.
    return f"pairaid:{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
