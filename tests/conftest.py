"""Shared fixtures. Database tests carry `pytest.mark.django_db`; the PostgreSQL leg runs those,
and the tests marked `postgres` (the smoke test of the production setup)."""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from tests.bundle_shelf import BundleShelves
from tests.people import make_people

# Hypothesis draws new examples on every run on a contributor's machine (more cases over time),
# and the same ones in CI, so that a red build is the code's fault, never the draw's.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts and ends in the default language: a page requested in Chinese leaves
    it active in the thread (LocaleMiddleware activates, nothing deactivates), which would carry
    into the next test."""
    from django.conf import settings
    from django.utils import translation

    if not settings.configured:  # the engine's tests run without Django (`-p no:django`)
        yield
        return
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def local_cache(settings):  # type: ignore[no-untyped-def]
    """A local-memory cache, empty before and after the test (the test settings use none: SQLite
    reuses ids after a rollback, so two tests could reach the same data version)."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def other_connection() -> Iterator[Any]:
    """A second connection to the PostgreSQL test database, as another process would hold
    (its transaction is left open until the test commits it)."""
    import psycopg
    from django.db import connection

    other = psycopg.connect(**connection.get_connection_params())
    yield other
    other.rollback()
    other.close()


_shelves = BundleShelves()
_running: list[pytest.Item] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """The test about to run, for the module's shelf (a module fixture sees only its module)."""
    _running[:] = [item]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After the test's own transaction is rolled back: close the shelf before a test of the
    module that must not see it (a transactional one, or one that loads no bundle)."""
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _shelves.close_unless_next_wants_it(nextitem)


@pytest.fixture(scope="module")
def _bundle_shelf(request, django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """This module's bundles, loaded once (tests/bundle_shelf.py)."""
    item = _running[0]
    module_items = [other for other in request.session.items if other.module is item.module]
    with django_db_blocker.unblock():
        _shelves.open_for(item, module_items)
    yield _shelves
    with django_db_blocker.unblock():
        _shelves.close()


def _bundled(request, slug: str):  # type: ignore[no-untyped-def]
    """The programme of a bundle: from the module's shelf, or loaded now."""
    from pairaid.programmes.models import Programme
    from pairaid.scenarios import services as scenario_services

    if not _shelves.holds(request.node, slug):
        scenario_services.load_bundle(slug)
    return Programme.objects.get(slug=slug)


@pytest.fixture
def hubei(request, _bundle_shelf, db):  # type: ignore[no-untyped-def]
    """The hubei-2020 bundle, loaded."""
    return _bundled(request, "hubei-2020")


@pytest.fixture
def unapproved_run(hubei):  # type: ignore[no-untyped-def]
    """A finished plan run on hubei-2020 that nobody approved or discarded, made through the
    service `pairaid plan` uses: its proposals stand in the database beside the 21 historical
    pairings, some naming the same pairs."""
    from pairaid.pairing import runs

    run = runs.start(
        programme=hubei,
        user=None,
        options=runs.RunOptions(time_limit_seconds=3, deterministic=True),
        enqueue=lambda _pk: None,
    )
    run, _ = runs.execute(run.pk)
    assert run.pairings.filter(status="proposed").exists()
    return run


@pytest.fixture
def wenchuan(request, _bundle_shelf, db):  # type: ignore[no-untyped-def]
    """The wenchuan-2008 bundle, loaded: 20 recipients, two of them code-less areas."""
    return _bundled(request, "wenchuan-2008")


@pytest.fixture
def people(hubei, wenchuan):  # type: ignore[no-untyped-def]
    """Named test users, one per role (healthchecks style), on hubei-2020; an outsider coordinates
    wenchuan-2008 only."""
    return make_people(hubei, wenchuan)


@pytest.fixture
def keys(people):  # type: ignore[no-untyped-def]
    """An API token for each of `people` but the anonymous, by role (what
    `tests.operations.helpers.call` sends)."""
    from pairaid.accounts import tokens

    return {
        role: tokens.create(owner=user, name="test")[1] for role, user in people.items() if user
    }


@pytest.fixture
def township(hubei):  # type: ignore[no-untyped-def]
    """A township (a code-less area) under Huanggang, for projects."""
    from pairaid.registry.models import Region, Source

    huanggang = Region.objects.get(code="421100")
    return Region.objects.create(
        level=Region.Level.AREA,
        parent=huanggang,
        name_en="Test township",
        name_zh="测试镇",
        source=Source.objects.create(key="test-township", title="a township for the tests"),
    )


@pytest.fixture
def shandong_huanggang(hubei):  # type: ignore[no-untyped-def]
    from pairaid.pairing.models import Pairing

    return Pairing.objects.get(
        programme=hubei,
        donor__region__code="370000",
        recipient__region__code="421100",
        status="active",
    )


@pytest.fixture
def project(people, township, shandong_huanggang):  # type: ignore[no-untyped-def]
    """A school Shandong builds in the township: CNY 2 million of its budget, 0.5 million of
    the recipient's."""
    import datetime
    from decimal import Decimal

    from pairaid.projects import services as project_services

    return project_services.create_project(
        user=people["donor"],
        pairing=shandong_huanggang,
        title="Township middle school",
        sector="education",
        location=township,
        planned_start=datetime.date(2020, 3, 1),
        planned_end=datetime.date(2021, 8, 31),
        budget={"donor_budget": Decimal(2_000_000), "recipient_share": Decimal(500_000)},
    )


def pytest_report_header(config):  # type: ignore[no-untyped-def]
    from django.conf import settings

    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    return f"pairaid test database: {engine} {database.get('HOST') or ''}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the database it found (serialized_rollback): a flush
    without it recreates the content types under new ids, and the next serialized test's restore
    then fails on their unique names, far from the test that caused it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )
