"""GET /api/v1/programmes/<slug>/pairings is answered from a cache of rendered pages.

What may be cached is the body; who may read it is decided on every request, through the one path
every API request takes (ninja's authentication, the permission rules, the ORM). These tests turn
a local-memory cache on (the test settings use none) and run with real transactions (nothing is
cached inside one), and prove that a cached page follows every kind of write its rows are read
from, that a revoked token or a removed membership is refused at once however warm the cache, and
that the key can leave out the caller: everyone who may see a programme gets the same bytes, in
every language.
"""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pairaid.accounts import services as account_services
from pairaid.accounts import tokens
from pairaid.accounts.models import User
from pairaid.pairing import runs
from pairaid.pairing.models import AllocationLine, Pairing, PlanRun
from pairaid.programmes.models import Programme
from pairaid.registry.models import Region, ResourceType

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("local_cache"),
]

PAGE = "/api/v1/programmes/hubei-2020/pairings?page_size=5"


def _get(client: Any, key: str, url: str = PAGE, language: str = "") -> Any:
    headers = {"Authorization": f"Bearer {key}"}
    if language:
        headers["Accept-Language"] = language
    return client.get(url, headers=headers)


def _page_with_lines(hubei: Programme) -> tuple[str, Pairing]:
    """The page of five holding the first pairing with allocation lines, and that pairing."""
    ids = list(hubei.pairings.order_by("pk").values_list("pk", flat=True))
    pairing = hubei.pairings.filter(allocations__isnull=False).order_by("pk").first()
    assert pairing is not None
    return f"{PAGE}&page={ids.index(pairing.pk) // 5 + 1}", pairing


def test_a_second_request_reads_only_the_caller_and_the_version(
    client: Any, keys: dict[str, str]
) -> None:
    first = _get(client, keys["observer"])
    with CaptureQueriesContext(connection) as captured:
        second = _get(client, keys["observer"])
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    # The token with its user, the programme, the caller's memberships, the data version.
    tables = [
        re.findall(r"FROM\s+\"?(\w+)", query["sql"])[0] for query in captured.captured_queries
    ]
    assert tables == [
        "accounts_apitoken",
        "programmes_programme",
        "accounts_membership",
        "freshness_stamp",
    ], captured.captured_queries


def _end_pairing(pairing: Pairing) -> None:
    pairing.status = Pairing.Status.ENDED
    pairing.valid_to = datetime.date(2020, 3, 1)
    pairing.save()


def _change_line(pairing: Pairing) -> None:
    line = pairing.allocations.first()
    line.quantity += Decimal("7")
    line.save()


def _add_line(pairing: Pairing) -> None:
    line = pairing.allocations.first()
    AllocationLine.objects.create(
        pairing=pairing,
        resource_type=line.resource_type,
        quantity=Decimal("3"),
        date=line.date + datetime.timedelta(days=1),
        source=line.source,
    )


def _delete_lines(pairing: Pairing) -> None:
    for line in pairing.allocations.all():
        line.delete()


def _move_donor(pairing: Pairing) -> None:
    """The participant now stands for another region (the page shows the region's code)."""
    donor = pairing.donor
    donor.region = Region.objects.exclude(pk=donor.region_id).filter(level="province").first()
    donor.save()


def _rename_region(pairing: Pairing) -> None:
    region = pairing.recipient.region
    region.name_en = "Renamed city"
    region.save()


def _recode_resource(pairing: Pairing) -> None:
    resource = pairing.allocations.first().resource_type
    resource.code = f"{resource.code}_renamed"
    resource.save()


def _set_run(pairing: Pairing) -> None:
    run = PlanRun.objects.create(
        programme=pairing.programme, number=41, as_of=datetime.date(2020, 2, 12)
    )
    pairing.plan_run = run
    pairing.save()


def _delete_pairing(pairing: Pairing) -> None:
    pairing.allocations.all().delete()
    pairing.delete()


WRITES: dict[str, Callable[[Pairing], None]] = {
    "pairing ended": _end_pairing,
    "allocation line changed": _change_line,
    "allocation line added": _add_line,
    "allocation lines deleted": _delete_lines,
    "participant moved to another region": _move_donor,
    "region renamed": _rename_region,
    "resource type recoded": _recode_resource,
    "pairing set to a plan run": _set_run,
    "pairing deleted": _delete_pairing,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_cached_page_follows_every_kind_of_write_to_its_rows(
    client: Any, hubei: Programme, keys: dict[str, str], write: Callable[[Pairing], None]
) -> None:
    url, pairing = _page_with_lines(hubei)
    before = _get(client, keys["observer"], url).content
    assert _get(client, keys["observer"], url).content == before  # now cached

    write(pairing)

    after = _get(client, keys["observer"], url).content
    assert after != before
    cache.clear()
    assert after == _get(client, keys["observer"], url).content  # what a fresh page says


def test_a_deleted_plan_run_leaves_its_pairings_at_once(
    client: Any, hubei: Programme, keys: dict[str, str]
) -> None:
    """Deleting a run sets its pairings' run to null without their history (SET_NULL is an
    update); the run's own history moves the version."""
    url, pairing = _page_with_lines(hubei)
    _set_run(pairing)
    assert b'"plan_run": 41' in _get(client, keys["observer"], url).content
    PlanRun.objects.get(number=41, programme=hubei).delete()
    assert b'"plan_run": 41' not in _get(client, keys["observer"], url).content


def test_approved_pairings_becoming_active_show_at_once(
    client: Any, hubei: Programme, keys: dict[str, str]
) -> None:
    url, pairing = _page_with_lines(hubei)
    pairing.status = Pairing.Status.APPROVED
    pairing.save()
    assert _get(client, keys["observer"], url).json()["items"]
    assert runs.activate_due(programme=hubei) >= 1
    rows = {row["id"]: row for row in _get(client, keys["observer"], url).json()["items"]}
    assert rows[pairing.pk]["status"] == "active"


def test_each_date_and_status_has_its_own_entry(
    client: Any, hubei: Programme, keys: dict[str, str]
) -> None:
    def count(query: str = "") -> int:
        return int(_get(client, keys["observer"], f"{PAGE}{query}").json()["count"])

    assert count() == 21  # in force at the programme date, 2020-02-12
    assert count("&date=2020-02-09") == 0  # before they began
    assert count("&status=ended") == 0
    assert count("&status=active") == count("&status=active&date=2020-02-10") == 21
    assert count("&status=active&date=2020-02-09") == 0
    explicit = _get(client, keys["observer"], f"{PAGE}&date=2020-02-12").content
    assert explicit == _get(client, keys["observer"]).content


def test_the_default_date_is_keyed_as_resolved(
    client: Any, hubei: Programme, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A programme that follows today moves to the next day without any write: the entry of
    the day before must not answer for it."""
    assert _get(client, keys["observer"]).json()["count"] == 21
    monkeypatch.setattr(Programme, "current_date", lambda self: datetime.date(2020, 2, 9))
    assert _get(client, keys["observer"]).json()["count"] == 0


def test_a_revoked_token_is_refused_however_warm_the_cache(
    client: Any, people: dict[str, Any], keys: dict[str, str]
) -> None:
    assert _get(client, keys["observer"]).status_code == 200
    token = people["observer"].api_tokens.get()
    tokens.revoke(actor=people["coordinator"], token_id=token.pk)
    assert _get(client, keys["observer"]).status_code == 401


@pytest.mark.skipif(connection.vendor != "postgresql", reason="another process needs PostgreSQL")
def test_a_token_revoked_by_another_process_is_refused_on_the_next_request(
    client: Any, people: dict[str, Any], keys: dict[str, str], other_connection: Any
) -> None:
    """No process remembers a decision: a revocation committed anywhere counts at once."""
    assert _get(client, keys["observer"]).status_code == 200
    token = people["observer"].api_tokens.get()
    other_connection.execute(
        "UPDATE accounts_apitoken SET revoked_at = now() WHERE id = %s", [token.pk]
    )
    other_connection.commit()
    assert _get(client, keys["observer"]).status_code == 401


def test_a_deactivated_user_is_refused_however_warm_the_cache(
    client: Any, people: dict[str, Any], keys: dict[str, str]
) -> None:
    assert _get(client, keys["observer"]).status_code == 200
    User.objects.filter(pk=people["observer"].pk).update(is_active=False)
    assert _get(client, keys["observer"]).status_code == 401


def test_a_removed_membership_answers_404_however_warm_the_cache(
    client: Any, hubei: Programme, people: dict[str, Any], keys: dict[str, str]
) -> None:
    assert _get(client, keys["observer"]).status_code == 200
    account_services.revoke(user=people["observer"], programme=hubei, role="observer")
    response = _get(client, keys["observer"])
    assert response.status_code == 404
    assert response.json() == {"detail": ["no programme 'hubei-2020'"]}


def test_a_cached_page_is_never_shown_outside_the_programme(
    client: Any, keys: dict[str, str]
) -> None:
    assert _get(client, keys["coordinator"]).status_code == 200
    assert _get(client, keys["outsider"]).status_code == 404  # coordinates wenchuan-2008 only
    assert _get(client, "pa_not-a-token").status_code == 401
    assert client.get(PAGE).status_code == 401  # neither token nor session


def test_everyone_who_may_see_the_programme_gets_the_same_bytes_in_every_language(
    client: Any, people: dict[str, Any], keys: dict[str, str], settings: Any
) -> None:
    """Why the key holds neither the caller's scope nor the language: the rows do not depend
    on them. Measured with no cache, so that each body is computed for its caller."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    people["donor"].language = "zh-hans"
    people["donor"].save(update_fields=["language"])
    bodies = {name: _get(client, key).content for name, key in keys.items() if name != "outsider"}
    chinese = _get(client, keys["observer"], language="zh-hans")
    assert chinese["Content-Language"] == "zh-hans"
    bodies["observer, Chinese"] = chinese.content
    assert set(bodies) >= {"admin", "coordinator", "donor", "recipient", "observer"}
    assert len(set(bodies.values())) == 1


def test_the_version_covers_every_table_the_page_reads(
    client: Any, hubei: Programme, keys: dict[str, str]
) -> None:
    """Every table a page's rows come from moves the data version when written: a table read
    but not counted would leave a cached page unchanged by its writes."""
    from pairaid.freshness import triggers

    url, _ = _page_with_lines(hubei)
    _get(client, keys["observer"], url)  # the token's first use is recorded (an update)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert _get(client, keys["observer"], url).status_code == 200
    tables = {
        table
        for query in captured.captured_queries
        for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])
    }
    # The caller and the programme's standing are checked on every request, cached or not.
    checked = {"accounts_apitoken", "accounts_user", "accounts_membership", "freshness_stamp"}
    counted = set(triggers.versioned_tables())
    assert tables - checked <= counted, tables - checked - counted
    assert {Pairing._meta.db_table, AllocationLine._meta.db_table} <= tables
    assert ResourceType._meta.db_table in tables
