"""Data versions are exact: every write moves them, a write still in flight leaves them unknown,
and a new generation (migrate, restore, flush) makes every earlier key unreachable.

Real transactions throughout: nothing is versioned inside one.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from pairaid import freshness
from pairaid.freshness import triggers
from pairaid.freshness.models import Stamp
from pairaid.pairing.models import AllocationLine, Pairing
from pairaid.programmes.models import Programme

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time: nothing in flight"
)


def test_every_versioned_table_has_its_trigger() -> None:
    assert triggers.tables_without_trigger(connection) == []
    assert Pairing._meta.db_table in triggers.versioned_tables()
    assert not any("historical" in table for table in triggers.versioned_tables())


def test_writes_that_bypass_the_history_move_the_version(hubei: Programme) -> None:
    """`QuerySet.update()`, `bulk_create` and raw SQL write no history rows; the version moves
    with each all the same (the hole the history-based version had)."""
    line = AllocationLine.objects.filter(pairing__programme=hubei).first()
    assert line is not None
    seen = {freshness.data_version()}
    AllocationLine.objects.filter(pk=line.pk).update(quantity=line.quantity + Decimal(1))
    seen.add(freshness.data_version())
    line.pk = None
    line.date += datetime.timedelta(days=1)
    AllocationLine.objects.bulk_create([line])
    seen.add(freshness.data_version())
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AllocationLine._meta.db_table} WHERE id = %s", [line.pk])
    seen.add(freshness.data_version())
    assert None not in seen
    assert len(seen) == 4


def test_a_read_changes_nothing(hubei: Programme) -> None:
    before = freshness.data_version()
    list(Pairing.objects.filter(programme=hubei))
    assert freshness.data_version() == before


def test_nothing_is_versioned_inside_a_transaction(hubei: Programme) -> None:
    """A transaction's own writes may roll back: what it computes must not be kept."""
    assert freshness.data_version() is not None
    with transaction.atomic():
        assert freshness.data_version() is None
        assert freshness.cache_key("overview", hubei.pk) is None


def test_a_new_generation_changes_every_key(hubei: Programme) -> None:
    before = freshness.cache_key("overview", hubei.pk)
    freshness.new_generation()
    after = freshness.cache_key("overview", hubei.pk)
    assert before is not None and after is not None and before != after


def test_migrate_starts_a_new_generation() -> None:
    before = Stamp.objects.get().generation
    call_command("migrate", verbosity=0)
    assert Stamp.objects.get().generation != before
    assert triggers.tables_without_trigger(connection) == []


def test_a_flushed_stamp_starts_a_new_generation() -> None:
    """`flush` empties every table, the stamp's too: the next read draws a new generation."""
    before = freshness.data_version()
    Stamp.objects.all().delete()
    after = freshness.data_version()
    assert after is not None and after != before
    assert Stamp.objects.count() == 1


@postgresql_only
def test_a_write_in_flight_leaves_the_version_unknown(
    hubei: Programme, other_connection: Any
) -> None:
    before = freshness.data_version()
    assert before is not None
    other_connection.execute(
        f"UPDATE {Programme._meta.db_table} SET name_en = 'Changed' WHERE id = %s", [hubei.pk]
    )
    # Uncommitted: its count may name data that is not visible yet, or never will be.
    assert freshness.data_version() is None
    other_connection.commit()
    after = freshness.data_version()
    assert after is not None and after != before


@postgresql_only
def test_a_page_is_never_cached_without_a_write_that_commits_after_a_later_one(
    client: Any, people: dict[str, Any], local_cache: Any, other_connection: Any
) -> None:
    """The commit-order race of history ids: a transaction that began writing first commits
    last. Under a count read only while no write is in flight, no page can be kept that lacks
    it."""
    client.force_login(people["observer"])
    url = "/api/v1/programmes/hubei-2020/pairings?page_size=100"
    pairing = Pairing.objects.filter(programme__slug="hubei-2020").order_by("pk").first()
    assert pairing is not None
    # The first writer: begun, not committed.
    other_connection.execute(
        f"UPDATE {Pairing._meta.db_table} SET valid_to = '2020-03-01' WHERE id = %s", [pairing.pk]
    )
    # A later writer commits first (this connection, in autocommit).
    Programme.objects.filter(slug="hubei-2020").update(name_en="Renamed")
    served = client.get(url).json()
    assert {row["valid_to"] for row in served["items"] if row["id"] == pairing.pk} == {None}
    other_connection.commit()
    served = client.get(url).json()
    assert {row["valid_to"] for row in served["items"] if row["id"] == pairing.pk} == {"2020-03-01"}
