"""Cache keys that change whenever the data behind a programme overview changes.

The overview of a national programme takes about a second to compute (the whole engine
instance, evaluated), so it is cached. Rather than invalidating entries on each write, the key
carries a *data version*: the highest history id of every model whose rows the overview, its map
or its gaps panel read. django-simple-history writes a history row for every save and delete —
forms, admin, API, plan runs, scenario loads (`bulk_create_with_history`) — so any such change
moves the version, and the next request computes afresh under a new key. Nothing has to be
deleted, and the scheme is correct whether or not the workers share one cache.

The version is one query of index look-ups (`MAX` of each history table's primary key), a
fraction of a millisecond at national scale.

Two limits, both bounded by the entries' timeout (`ENTRY_SECONDS`): writes that bypass history
(`QuerySet.update()`, plain `bulk_create`) do not move the version — today only
`runs.activate_due()` (approved → active, which the overview counts alike) and the allocation
lines of *proposed* pairings (whose `Pairing` rows move it) do so; and a transaction that commits
after a later-started one has already committed a higher history id can leave an entry computed
without it.
"""

import datetime
import hashlib
from functools import lru_cache

from django.apps import apps
from django.db import connection

# The apps whose history tables make up the version: regions, indicators and resource types;
# programmes, participants, needs and capacities; pairings, allocations and plan runs; and the
# operations (requests, shipments, deployments) behind the gaps panel. Not accounts: a login
# saves its user, and memberships do not change what a programme shows.
VERSIONED_APPS = ("registry", "programmes", "pairing", "operations")
# Upper bound on how long an entry may outlive a change the version cannot see (see above).
ENTRY_SECONDS = 30 * 60


@lru_cache(maxsize=1)
def _version_sql() -> str:
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})"
        for label in VERSIONED_APPS
        for model in apps.get_app_config(label).get_models()
        if hasattr(model, "instance_type")  # django-simple-history's historical models
    ]
    return "SELECT " + ", ".join(parts)


def data_version() -> str:
    """The current data version: changes with every recorded write to the versioned apps."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    return ".".join("-" if value is None else str(value) for value in row)


def overview_key(
    *, programme_id: int, on: datetime.date, resource: str, language: str, version: str
) -> str:
    """A cache key for one programme's overview as of a date, per filter and language."""
    # Hashed: `resource` comes from the query string and the version is long.
    parts = f"{programme_id}|{on.isoformat()}|{resource}|{language}|{version}"
    return "pairaid:overview:" + hashlib.sha256(parts.encode()).hexdigest()[:40]
