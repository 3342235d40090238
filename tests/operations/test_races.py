"""Numbers and names taken at the same moment by several people (issue 17, item 4): requests,
plan runs and notices are numbered one after another, never twice; two facilities of the same
name registered at once give one facility and one conflict (409), never a server error.

Threads on PostgreSQL, each with its own connection, released together by a barrier: SQLite
has one writer at a time and cannot race.
"""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from tests.operations.helpers import participant, resource

from pairaid.operations.models import Request
from pairaid.operations.services import requests as request_services
from pairaid.pairing import options as run_options
from pairaid.pairing import runs
from pairaid.pairing.models import PlanRun
from pairaid.programmes.models import Programme

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has one writer at a time: no race"
    ),
]

AT_ONCE = 8


def _at_once(work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run `work(i)` in AT_ONCE threads released together; what each returned or raised."""
    barrier = threading.Barrier(AT_ONCE)
    results: list[Any] = []
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_requests_raised_at_once_are_numbered_one_after_another(hubei: Programme) -> None:
    def raise_one(i: int) -> int:
        request = request_services.raise_request(
            recipient=participant("421100"),
            lines=[request_services.LineIn(resource("tent"), Decimal(i + 1))],
            user=None,
        )
        return request.number

    numbers, errors = _at_once(raise_one)
    assert not errors, errors
    assert sorted(numbers) == list(range(1, AT_ONCE + 1))
    assert Request.objects.count() == AT_ONCE


def test_plan_runs_started_at_once_are_numbered_one_after_another(hubei: Programme) -> None:
    def start(i: int) -> int:
        run = runs.start(
            programme=hubei,
            user=None,
            options=run_options.RunOptions(seed=i),
            enqueue=lambda run_id: None,
        )
        return run.number

    numbers, errors = _at_once(start)
    assert not errors, errors
    assert sorted(numbers) == list(range(1, AT_ONCE + 1))
    assert PlanRun.objects.count() == AT_ONCE


def test_one_facility_name_registered_at_once_gives_one_facility_and_conflicts(
    client: Any, people: dict[str, Any]
) -> None:
    from django.test import Client

    def register(i: int) -> int:
        browser = Client()
        browser.force_login(people["recipient"])
        response = browser.post(
            "/p/hubei-2020/facilities/",
            {"recipient": participant("421100").pk, "name": "Dabie Centre", "kind": "hospital"},
        )
        return response.status_code

    statuses, errors = _at_once(register)
    assert not errors, errors
    assert 500 not in statuses
    assert statuses.count(302) == 1, statuses  # the one that registered it
    assert set(statuses) <= {302, 400, 409}
