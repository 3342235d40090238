"""Browser tests: Debian's headless Chromium, driven by Playwright, against a live server.

Chromium comes from Debian's `chromium` package (`.ci/run` installs it with `fonts-noto-cjk`);
Playwright never downloads a browser of its own. On a contributor's machine without Chromium the
tests are skipped with a visible reason; in CI (the `CI` variable set) a missing Chromium fails.

Every page the browser opens is watched for console errors and uncaught page errors; each
screenshot step (`Visit.step`) asserts there were none so far, so a failure names the page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright
from tests.browser.browsing import DESKTOP, PASSWORD, Visit

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-output" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
# The flags the environment notes prescribe. Without the background-networking ones Chromium
# keeps calling home, and this machine's closed network refuses each attempt.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing_browser(reason: str) -> None:
    """Skip on a contributor's machine, fail in CI: CI never silently drops a leg (DESIGN §8)."""
    if _in_ci():
        pytest.fail(f"{reason} — CI runs the browser tests, so this is a failure.", pytrace=False)
    pytest.skip(f"{reason}; install it (apt-get install chromium fonts-noto-cjk) to run them")


@pytest.fixture(scope="package")
def chromium(django_db_setup) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    """One headless Chromium for this folder's tests; each test opens its own contexts.

    Playwright's sync API marks an asyncio loop as running in this thread for as long as it is
    started. Django then (1) takes the test's own ORM calls (fixtures, the flush after each
    test) for calls from async code and refuses them — they are not: Playwright's loop is idle
    while they run, so DJANGO_ALLOW_ASYNC_UNSAFE says so for this package's span; and (2) keeps
    database connections per async context instead of per thread, so the test would get a
    second connection, without the serialized rollback data and beside the one the live server
    shares. Handing the thread's connections back keeps one connection, as without Playwright.
    The package scope stops the loop before the rest of the suite runs.
    """
    from django.db import connections

    if not CHROMIUM.exists():
        _missing_browser(f"browser tests need Debian's Chromium at {CHROMIUM}, which is missing")
    thread_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _test_folder(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    folder = SCREENSHOTS / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


@pytest.fixture
def open_tab(chromium, live_server, request) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Opens tabs (one browser context each, so each has its own login) on the live server."""
    contexts = []
    folder = _test_folder(request)
    visits: list[Visit] = []

    def open_tab(viewport: dict[str, int] = DESKTOP, name: str = "") -> Visit:
        # locale en-US: the interface starts in English whatever the machine's language is.
        context = chromium.new_context(viewport=viewport, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        shots = folder / name if name else folder
        shots.mkdir(parents=True, exist_ok=True)
        visit = Visit(page=context.new_page(), base_url=live_server.url, shots=shots)
        visit.watch()
        visits.append(visit)
        return visit

    yield open_tab
    for context in contexts:
        context.close()
    late = [problem for visit in visits for problem in visit.problems]
    if late:  # errors after a test's last step still count
        pytest.fail("browser errors:\n" + "\n".join(late), pytrace=False)


@pytest.fixture
def tab(open_tab) -> Visit:  # type: ignore[no-untyped-def]
    """A desktop-sized tab."""
    return open_tab()


@pytest.fixture
def hubei_people(django_db_serialized_rollback, hubei):  # type: ignore[no-untyped-def]
    """The hubei-2020 programme with a coordinator and Shandong's donor officer.

    The live server needs a transactional database, which is emptied after each test, rows made
    by data migrations (resource types, indicators) included; the serialized rollback puts
    those back, so the next test can load the bundle again.
    """
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User
    from pairaid.registry.models import Region

    coordinator = User.objects.create_user("carol_coordinator", "carol@example.org", PASSWORD)
    account_services.grant(user=coordinator, programme=hubei, role="coordinator")
    donor = User.objects.create_user("dan_shandong", "dan@example.org", PASSWORD)
    account_services.grant(
        user=donor,
        programme=hubei,
        role="donor_officer",
        region=Region.objects.get(code="370000"),
    )
    return {"programme": hubei, "coordinator": coordinator, "donor": donor}


@pytest.fixture
def hubei_ledger_people(hubei_people):  # type: ignore[no-untyped-def]
    """hubei_people and Huanggang's recipient officer, who raises requests and confirms receipts."""
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User
    from pairaid.registry.models import Region

    recipient = User.objects.create_user("rita_huanggang", "rita@example.org", PASSWORD)
    account_services.grant(
        user=recipient,
        programme=hubei_people["programme"],
        role="recipient_officer",
        region=Region.objects.get(code="421100"),
    )
    return {**hubei_people, "recipient": recipient}


@pytest.fixture
def hubei_demo_people(hubei_ledger_people):  # type: ignore[no-untyped-def]
    """hubei_ledger_people with the demo's illustrative layer (teams, facilities, reports), as
    `make demo` shows it: without it the operations pages are nearly empty, and the widths that
    issue 18 measured (overview 478 px, Teams 522 px on a 390 px phone) do not appear."""
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("hubei-2020-demo")
    return hubei_ledger_people
