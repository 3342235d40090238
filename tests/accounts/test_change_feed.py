"""Token and membership decisions remembered until the database changes (pairaid.change_feed).

PostgreSQL only, and with committed transactions: notifications are sent at commit, so these
tests use a transactional database (restored afterwards by a serialized rollback). The writes
"of another process" go through a second connection of their own, as a task worker's or
another host's would.
"""

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pairaid import change_feed
from pairaid.accounts import tokens
from pairaid.accounts.models import Membership

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("local_cache"),
]

URL = "/api/v1/programmes/hubei-2020/pairings?page_size=5"


@pytest.fixture(autouse=True)
def postgresql_feed() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no notifications (every decision is read)")
    change_feed.stop()
    yield
    change_feed.stop()  # no listener may outlive the test (the test database is dropped)


@pytest.fixture
def observer_key(people: dict[str, Any]) -> str:
    return tokens.create(owner=people["observer"], name="test")[1]


def _get(client: Any, key: str) -> Any:
    return client.get(URL, headers={"Authorization": f"Bearer {key}"})


def _queries(client: Any, key: str) -> tuple[int, int]:
    """(status, queries) of one request."""
    with CaptureQueriesContext(connection) as captured:
        status = _get(client, key).status_code
    return status, len(captured.captured_queries)


def _warm(client: Any, key: str) -> None:
    """Requests until one reads nothing from the database. A request's own writes (a token's
    first use is recorded) forget at once and once more when their notification arrives, a
    moment later: until then a request may still read."""
    _until(lambda: _queries(client, key) == (200, 0))


def _elsewhere(sql: str, params: list[Any]) -> None:
    """A committed write through a connection of its own (another process's, in effect)."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute(sql, params)


def _until(condition: Any, seconds: float = 5.0) -> float:
    """Seconds until the condition holds (asked every 10 ms); fails after `seconds`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, "not heard in time"
        time.sleep(0.01)
    return time.monotonic() - started


def test_every_watched_table_notifies() -> None:
    watched = change_feed.watched_tables(connection)
    assert {"accounts_apitoken", "accounts_membership", "programmes_programme"} <= set(watched)
    assert "django_session" not in watched
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as listener:
        assert change_feed._tables_without_trigger(listener) == set()


def test_a_warm_request_reads_nothing_from_the_database(client: Any, observer_key: str) -> None:
    first = _get(client, observer_key)
    _warm(client, observer_key)
    assert _queries(client, observer_key) == (200, 0)
    assert change_feed.listening()
    assert _get(client, observer_key).content == first.content


def test_this_processs_writes_are_heard_at_once(
    client: Any, people: dict[str, Any], observer_key: str
) -> None:
    _warm(client, observer_key)
    token = tokens.create(owner=people["observer"], name="second")
    key = token[1]
    assert _get(client, key).status_code == 200
    tokens.revoke(actor=people["observer"], token_id=token[0].pk)
    assert _get(client, key).status_code == 401  # no wait: our own write forgot at once
    Membership.objects.filter(user=people["observer"]).delete()
    assert _get(client, observer_key).status_code == 404


def test_another_processs_writes_are_heard(
    client: Any, people: dict[str, Any], observer_key: str
) -> None:
    _warm(client, observer_key)
    _elsewhere("DELETE FROM accounts_membership WHERE user_id = %s", [people["observer"].pk])
    _until(lambda: _get(client, observer_key).status_code == 404)
    admin_key = tokens.create(owner=people["admin"], name="test")[1]
    _warm(client, admin_key)
    _elsewhere("UPDATE accounts_user SET is_active = false WHERE id = %s", [people["admin"].pk])
    _until(lambda: _get(client, admin_key).status_code == 401)


def test_a_lost_listener_means_reading_the_database(
    client: Any, people: dict[str, Any], observer_key: str
) -> None:
    _warm(client, observer_key)
    assert change_feed._feed is not None
    pid = change_feed._feed.listener.info.backend_pid
    _elsewhere("SELECT pg_terminate_backend(%s)", [pid])
    _until(lambda: _queries(client, observer_key)[1] > 0)  # heard as lost, answered from reads
    assert _get(client, observer_key).status_code == 200
    # Listening again on a later request; what it missed meanwhile was forgotten.
    Membership.objects.filter(user=people["observer"]).delete()
    assert _get(client, observer_key).status_code == 404


def test_nothing_is_remembered_inside_a_transaction(client: Any, observer_key: str) -> None:
    _get(client, observer_key)
    with transaction.atomic():
        assert _queries(client, observer_key) == (200, 2)
        assert _queries(client, observer_key) == (200, 2)


def test_a_table_without_its_trigger_means_reading_the_database(
    client: Any, observer_key: str
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {change_feed.TRIGGER} ON accounts_membership")
    try:
        _get(client, observer_key)
        assert _queries(client, observer_key) == (200, 2)
        assert not change_feed.listening()
    finally:
        change_feed.install_triggers(sender=None)  # type: ignore[arg-type]
    change_feed.stop()
    _warm(client, observer_key)


def test_switched_off_it_reads_the_database(client: Any, observer_key: str, settings: Any) -> None:
    settings.PAIRAID_REMEMBER_DECISIONS = False
    _get(client, observer_key)
    assert _queries(client, observer_key) == (200, 2)
