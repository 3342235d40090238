"""Database queries per page are constant in the number of rows (no N+1).

Each page is requested for three programmes in one database: the bundled hubei-2020 (35
participants, 21 pairings) and two programmes made by the benchmark generator
(benchmarks/national_programme.py) with the same shape at two sizes — about 60 and 340
participants. The two generated programmes differ only in their number of rows, so every page
must issue exactly the same number of queries for both. hubei-2020 is real data with a different
configuration; its count may differ from the larger generated programme's only by the constant
allowance given per page below, justified there.

The pages are counted twice: with no cache (the test settings' default: every dashboard request
computes the overview) and with a local-memory cache after the warm-up request filled it (the
dashboard and its map data then read the computed overview from the cache).

Counts only — no timings (DESIGN.md §8); the timings are in benchmarks/web_pages.py.
"""

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Real transactions: nothing is cached inside one (pairaid.freshness).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _token_use_recorded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token's last use is written at most once a minute (tokens.LAST_USED_EVERY_SECONDS), so
    on a loaded machine a counted request could fall just past the minute and write once more
    than its warm-up did. Here the first use is recorded and no later one: the counts are of the
    page, not of the clock."""
    from pairaid.accounts import tokens

    monkeypatch.setattr(tokens, "LAST_USED_EVERY_SECONDS", 10**9)


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "national_programme", REPO / "benchmarks" / "national_programme.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate_national


def _pages(slug: str, country: str, region: str, donor_pk: int) -> dict[str, tuple[str, bool]]:
    """page name -> (path, uses the API token)"""
    return {
        "dashboard": (f"/p/{slug}/", False),
        "dashboard map data": (f"/p/{slug}/map.json", False),
        "participants": (f"/p/{slug}/participants/", False),
        "participant (donor)": (f"/p/{slug}/participants/{donor_pk}/", False),
        "plan workspace": (f"/p/{slug}/plan/", False),
        "region (recipient)": (f"/regions/{country}:{region}/", False),
        "API pairings page 1": (f"/api/v1/programmes/{slug}/pairings?page=1", True),
        "API pairings page 2": (f"/api/v1/programmes/{slug}/pairings?page=2", True),
    }


def _count(client: Any, path: str, headers: dict[str, str]) -> int:
    client.get(path, headers=headers)  # warm per-process caches (content types, templates)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries)


# How far hubei-2020's count may differ from the larger generated programme's, per page, and why.
ALLOWANCE: dict[str, int] = {
    # hubei-2020 derives need from an indicator (programme.need_indicator, confirmed cases): one
    # query for the indicator type, one for its values, one for the capacity resource codes
    # (translate._Builder.needs); the generated programme has need lines instead. Its donor
    # strength is found on the first try (gdp) where the generated one also tries population:
    # one query fewer. Its figures include later ones (dated after the programme date), whose
    # note names their resources and the need's indicator in the reader's language: one query
    # each (translate._resource_names, _indicator_name). Net +4, whatever the number of rows.
    "dashboard": 4,
    "dashboard map data": 4,  # the same computation, without the page's own queries
    # The plan page shows the churn trade-off curve (pairing.tradeoff.shown): what it reads
    # depends on whether a plan is in force and on the curve's state (cached, or queued now),
    # not on the number of rows.
    "plan workspace": 4,
}


def test_queries_per_page_do_not_grow_with_the_number_of_rows(
    client: Any, hubei: Any, tmp_path: Path, settings: Any
) -> None:
    from pairaid.accounts import services as account_services
    from pairaid.accounts import tokens
    from pairaid.accounts.models import User
    from pairaid.programmes.models import Programme
    from pairaid.scenarios import services as scenario_services

    generate = _generator()
    sizes = {"small": (100, 60), "large": (400, 300)}  # regions argument, pairings
    for (name, (regions, pairings)), country in zip(sizes.items(), ("XA", "XB"), strict=True):
        folder = tmp_path / name
        counts = generate(
            folder,
            regions=regions,
            indicators=2,
            pairings=pairings,
            country=country,
            slug=f"generated-{name}",
        )
        assert counts["pairings"] == pairings
        scenario_services.load_bundle(str(folder))
    programmes = {
        "hubei": (hubei, "CN", "421100"),
        "small": (Programme.objects.get(slug="generated-small"), "XA", None),
        "large": (Programme.objects.get(slug="generated-large"), "XB", None),
    }
    small, large = programmes["small"][0], programmes["large"][0]
    assert large.participants.count() >= 5 * small.participants.count()
    assert large.pairings.count() == 300 and small.pairings.count() == 60

    user = User.objects.create_user("perf", "perf@example.org", "a-long-password-1")
    for programme, *_ in programmes.values():
        account_services.grant(user=user, programme=programme, role="coordinator")
    _, key = tokens.create(owner=user, name="query counts")
    client.force_login(user)

    # The same programmes are counted without a cache, then with one: loading them is most of
    # this test's time, so it is done once.
    _check_counts(_count_pages(client, programmes, key), cached=False)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "q"}
    }
    cache.clear()
    _check_counts(_count_pages(client, programmes, key), cached=True)


def _count_pages(client: Any, programmes: dict[str, Any], key: str) -> dict[str, dict[str, int]]:
    """page name -> programme label -> queries of its second request"""
    counted: dict[str, dict[str, int]] = {}
    for label, (programme, country, region) in programmes.items():
        recipient = programme.participants.filter(role="recipient").order_by("region__code")
        region = region or recipient.first().region.code
        donor = programme.participants.filter(role="donor").order_by("region__code").first()
        for page, (path, api) in _pages(programme.slug, country, region, donor.pk).items():
            if label == "hubei" and page.endswith("page 2"):
                continue  # 21 pairings: one page
            headers = {"Authorization": f"Bearer {key}"} if api else {}
            counted.setdefault(page, {})[label] = _count(client, path, headers)
    return counted


def _check_counts(counted: dict[str, dict[str, int]], *, cached: bool) -> None:
    table = (
        ("cached" if cached else "no cache")
        + "\n"
        + "\n".join(f"  {page}: {by}" for page, by in counted.items())
    )
    for page, by in counted.items():
        assert by["small"] == by["large"], f"{page} grows with rows:\n{table}"
        if "hubei" in by:
            difference = abs(by["hubei"] - by["large"])
            # A cache hit reads no programme data: no allowance for how it is configured.
            allowance = 0 if cached else ALLOWANCE.get(page, 0)
            assert difference <= allowance, f"{page}:\n{table}"
    if cached:
        # What a cache hit costs, page and map data alike: session, user, its second-factor
        # device, programme, memberships, the data version, and the session's save (savepoint,
        # update, release: SESSION_SAVE_EVERY_REQUEST). The page's tables, gaps and team
        # reports come from the cache too. The page alone adds the two reads of the flags on
        # records left behind by ended pairs (operations.queries.handover: the pairs ended, the
        # pairs open), which are computed, never stored; and the header's unread count of the
        # user's inbox (conversations), which is the user's own, never cached.
        assert counted["dashboard map data"]["large"] == 9, table
        assert counted["dashboard"]["large"] == 12, table


def test_the_api_pairings_page_needs_the_same_queries_however_far_it_pages(
    client: Any, tmp_path: Path
) -> None:
    """Page 1 and the last page of 50 pairings each: allocations are prefetched, not per row."""
    from pairaid.accounts import services as account_services
    from pairaid.accounts import tokens
    from pairaid.accounts.models import User
    from pairaid.programmes.models import Programme
    from pairaid.scenarios import services as scenario_services

    folder = tmp_path / "bundle"
    _generator()(folder, regions=200, indicators=1, pairings=120, slug="generated-api")
    scenario_services.load_bundle(str(folder))
    programme = Programme.objects.get(slug="generated-api")
    user = User.objects.create_user("api", "api@example.org", "a-long-password-1")
    account_services.grant(user=user, programme=programme, role="observer")
    _, key = tokens.create(owner=user, name="query counts")
    headers = {"Authorization": f"Bearer {key}"}
    base = f"/api/v1/programmes/{programme.slug}/pairings"
    first = _count(client, f"{base}?page=1", headers)
    last = _count(client, f"{base}?page=3", headers)  # 20 pairings on the last page
    assert first == last
    assert client.get(f"{base}?page=3", headers=headers).json()["count"] == 120
