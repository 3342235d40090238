"""GET /api/v1/programmes/<slug>/pairings: the page read ids first, in the documented shape.

The rows are built from plain values (no model instances) and the page is selected by id before
its joins; these tests check that what the client receives is still what the models say.
"""

import datetime
from typing import Any

import pytest

from pairaid.accounts import services as account_services
from pairaid.accounts import tokens
from pairaid.accounts.models import User
from pairaid.pairing.models import Pairing, PlanRun
from pairaid.programmes.models import Programme
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db


def _expected(pairing: Pairing) -> dict[str, Any]:
    """The row as the models give it (Region.reference, the run's number, lines in order)."""
    return {
        "id": pairing.pk,
        "donor": pairing.donor.region.reference,
        "recipient": pairing.recipient.region.reference,
        "donor_name_en": pairing.donor.region.name_en,
        "recipient_name_en": pairing.recipient.region.name_en,
        "status": pairing.status,
        "origin": pairing.origin,
        "valid_from": pairing.valid_from.isoformat() if pairing.valid_from else None,
        "valid_to": pairing.valid_to.isoformat() if pairing.valid_to else None,
        "plan_run": pairing.plan_run.number if pairing.plan_run else None,
        "illustrative": pairing.illustrative,
        "parent": pairing.parent_id,
        "allocations": [
            {
                "resource_type": line.resource_type.code,
                "quantity": str(line.quantity),
                "date": line.date.isoformat(),
                "certainty": line.certainty,
            }
            for line in pairing.allocations.order_by("resource_type_id", "date")
        ],
    }


@pytest.fixture
def wenchuan_key() -> tuple[Programme, str]:
    """wenchuan-2008 has code-less areas as recipients (PARENTCODE/name references)."""
    scenario_services.load_bundle("wenchuan-2008")
    programme = Programme.objects.get(slug="wenchuan-2008")
    user = User.objects.create_user("olivia", "olivia@example.org", "a-long-password-1")
    account_services.grant(user=user, programme=programme, role="observer")
    return programme, tokens.create(owner=user, name="test")[1]


def test_pages_list_every_pairing_once_in_id_order_as_the_models_say(
    client: Any, wenchuan_key: tuple[Programme, str]
) -> None:
    programme, key = wenchuan_key
    run = PlanRun.objects.create(programme=programme, number=7, as_of=programme.current_date())
    Pairing.objects.filter(pk=programme.pairings.order_by("pk").first().pk).update(plan_run=run)
    headers = {"Authorization": f"Bearer {key}"}
    # The reconstruction pairings all ended in 2010: asked for by their status.
    url = f"/api/v1/programmes/{programme.slug}/pairings?status=ended"
    seen = []
    for page in (1, 2, 3):
        body = client.get(f"{url}&page={page}&page_size=8", headers=headers).json()
        assert body["count"] == programme.pairings.count() == 20
        seen += body["items"]
    expected = [_expected(p) for p in programme.pairings.order_by("pk")]
    assert seen == expected
    # The areas' references, in the one public form (docs/api.md).
    assert "CN:620000/Seriously affected areas of Gansu" in {row["recipient"] for row in seen}
    assert seen[0]["plan_run"] == 7


def test_the_status_filter_counts_and_lists_only_that_status(
    client: Any, wenchuan_key: tuple[Programme, str]
) -> None:
    programme, key = wenchuan_key
    first = programme.pairings.order_by("pk").first()
    Pairing.objects.filter(pk=first.pk).update(status="active")
    body = client.get(
        f"/api/v1/programmes/{programme.slug}/pairings?status=active",
        headers={"Authorization": f"Bearer {key}"},
    ).json()
    assert body["count"] == 1
    assert [row["id"] for row in body["items"]] == [first.pk]


def test_a_page_past_the_end_is_empty(client: Any, wenchuan_key: tuple[Programme, str]) -> None:
    programme, key = wenchuan_key
    body = client.get(
        f"/api/v1/programmes/{programme.slug}/pairings?status=ended&page=99",
        headers={"Authorization": f"Bearer {key}"},
    ).json()
    assert body == {"items": [], "count": programme.pairings.count()}


@pytest.fixture
def hubei_key(hubei: Programme) -> str:
    user = User.objects.create_user("otto", "otto@example.org", "a-long-password-1")
    account_services.grant(user=user, programme=hubei, role="observer")
    return tokens.create(owner=user, name="test")[1]


def _pairings(client: Any, key: str, query: str = "") -> Any:
    return client.get(
        f"/api/v1/programmes/hubei-2020/pairings?page_size=100{query}",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_by_default_the_pairings_in_force_at_the_programme_date_not_a_runs_proposals(
    client: Any, hubei_key: str, unapproved_run: PlanRun
) -> None:
    body = _pairings(client, hubei_key).json()
    assert body["count"] == 21
    assert {(row["status"], row["origin"]) for row in body["items"]} == {("active", "historical")}
    # The proposals are the run's: its result holds its pairs, one per proposal.
    run = client.get(
        f"/api/v1/programmes/hubei-2020/plan-runs/{unapproved_run.number}",
        headers={"Authorization": f"Bearer {hubei_key}"},
    ).json()
    proposed = unapproved_run.pairings.filter(status=Pairing.Status.PROPOSED)
    assert {(a["donor"], a["recipient"]) for a in run["result"]["pairs"]} == {
        (p.donor.region.code, p.recipient.region.code) for p in proposed
    }


def test_a_date_lists_those_in_force_then_and_a_status_those_of_record_with_it(
    client: Any, hubei_key: str, hubei: Programme
) -> None:
    ended = hubei.pairings.order_by("pk").first()
    Pairing.objects.filter(pk=ended.pk).update(
        status=Pairing.Status.ENDED, valid_to=datetime.date(2020, 2, 11)
    )
    cases = {
        "": 20,  # the programme date, 2020-02-12: the ended one is over
        "&date=2020-02-12": 20,
        "&date=2020-02-10": 21,  # it ended on the 11th: in force the day before
        "&date=2020-02-09": 0,  # before they began
        "&status=active": 20,  # of record with this status, whatever the date
        "&status=ended": 1,
        "&status=ended&date=2020-02-10": 1,
        "&status=ended&date=2020-02-12": 0,
        "&status=approved": 0,
    }
    for query, count in cases.items():
        assert _pairings(client, hubei_key, query).json()["count"] == count, query
    (row,) = _pairings(client, hubei_key, "&status=ended").json()["items"]
    assert (row["id"], row["valid_to"]) == (ended.pk, "2020-02-11")


def test_proposals_unknown_statuses_and_bad_dates_are_refused_by_name(
    client: Any, hubei_key: str
) -> None:
    for query, field in (
        ("&status=proposed", "status"),
        ("&status=open", "status"),
        ("&date=2020-02-30", "date"),
    ):
        response = _pairings(client, hubei_key, query)
        assert response.status_code == 400, query
        assert field in str(response.json()["detail"]), query
    refused = _pairings(client, hubei_key, "&status=proposed").json()["detail"]
    assert "plan-runs" in str(refused)
