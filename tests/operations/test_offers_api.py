"""Offers through the API: offer, list with what is left, take for a request line, withdraw —
with who may do each (a donor officer for its own region, coordinators, admins)."""

from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import DONORS_WRITE, READ, ROLES, call, participant, resource

from pairaid.operations.models import Offer, Pledge
from pairaid.operations.services import offers as offer_services
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"
SHANDONG, HUANGGANG = "370000", "421100"


def _offer() -> Offer:
    return offer_services.make_offer(
        donor=participant(SHANDONG),
        lines=[offer_services.OfferLineIn(resource("n95_mask"), Decimal(1000))],
        user=None,
    )


def _request_line(quantity: int = 600) -> Any:
    request = request_services.raise_request(
        recipient=participant(HUANGGANG),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(quantity))],
        user=None,
    )
    return request.lines.get()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_offer(client: Any, keys: Any, people: Any, role: str) -> None:
    answer = call(
        client,
        keys,
        role,
        "post",
        f"{BASE}/offers",
        {
            "donor": SHANDONG,
            "lines": [{"resource_type": "n95_mask", "quantity": "1000", "max_takes": 2}],
            "available_until": "2020-03-01",
        },
    )
    assert answer.status_code == DONORS_WRITE[role], answer.content
    if answer.status_code == 201:
        line = answer.json()["lines"][0]
        assert (line["unit"], Decimal(line["remaining"]), line["max_takes"]) == (
            resource("n95_mask").unit,
            Decimal(1000),
            2,
        )


@pytest.mark.parametrize("role", ROLES)
def test_who_may_take_an_offer(client: Any, keys: Any, people: Any, role: str) -> None:
    line = _offer().lines.get()
    answer = call(
        client,
        keys,
        role,
        "post",
        f"{BASE}/offer-lines/{line.pk}/takes",
        {"request_line": _request_line().pk, "quantity": "400"},
    )
    assert answer.status_code == DONORS_WRITE[role], answer.content
    assert Pledge.objects.filter(from_offer=line).exists() == (answer.status_code == 201)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_withdraw_an_offer(client: Any, keys: Any, people: Any, role: str) -> None:
    offer = _offer()
    answer = call(client, keys, role, "post", f"{BASE}/offers/{offer.number}/withdraw")
    expected = 200 if DONORS_WRITE[role] == 201 else DONORS_WRITE[role]
    assert answer.status_code == expected, answer.content


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_offers(client: Any, keys: Any, people: Any, role: str) -> None:
    _offer()
    assert call(client, keys, role, "get", f"{BASE}/offers").status_code == READ[role]


def test_the_list_shows_what_is_left_and_filters(client: Any, keys: Any) -> None:
    line = _offer().lines.get()
    taken = call(
        client,
        keys,
        "donor",
        "post",
        f"{BASE}/offer-lines/{line.pk}/takes",
        {"request_line": _request_line().pk, "quantity": "400"},
    )
    assert taken.status_code == 201, taken.content
    listed = call(client, keys, "observer", "get", f"{BASE}/offers?status=partly_taken").json()
    [offer] = listed["items"]
    assert offer["status"] == "partly_taken"
    assert Decimal(offer["lines"][0]["remaining"]) == Decimal(600)
    assert Decimal(offer["lines"][0]["taken"]) == Decimal(400)
    assert offer["lines"][0]["takes"] == 1
    for query in ("status=open", "resource_type=tent", "donor=420000"):
        assert call(client, keys, "observer", "get", f"{BASE}/offers?{query}").json()["items"] == []


def test_a_refused_take_names_the_field(client: Any, keys: Any) -> None:
    line = _offer().lines.get()
    answer = call(
        client,
        keys,
        "donor",
        "post",
        f"{BASE}/offer-lines/{line.pk}/takes",
        {"request_line": _request_line(quantity=100).pk, "quantity": "101"},
    )
    assert answer.status_code == 400
    assert "quantity" in answer.content.decode()
    assert not Pledge.objects.exists()


def test_a_withdrawn_offer_answers_conflict(client: Any, keys: Any) -> None:
    offer = _offer()
    assert (
        call(client, keys, "donor", "post", f"{BASE}/offers/{offer.number}/withdraw").json()[
            "status"
        ]
        == "withdrawn"
    )
    again = call(client, keys, "donor", "post", f"{BASE}/offers/{offer.number}/withdraw")
    assert again.status_code == 409
    take = call(
        client,
        keys,
        "donor",
        "post",
        f"{BASE}/offer-lines/{offer.lines.get().pk}/takes",
        {"request_line": _request_line().pk, "quantity": "1"},
    )
    assert take.status_code == 409


def test_unknown_offers_and_lines_answer_not_found(client: Any, keys: Any) -> None:
    assert call(client, keys, "donor", "post", f"{BASE}/offers/99/withdraw").status_code == 404
    line = _offer().lines.get()
    missing = call(
        client,
        keys,
        "donor",
        "post",
        f"{BASE}/offer-lines/{line.pk}/takes",
        {"request_line": 99999, "quantity": "1"},
    )
    assert missing.status_code == 404


def test_a_donor_officer_offers_only_for_its_own_region(client: Any, keys: Any) -> None:
    other_donor = next(
        p.region.code
        for p in participant(SHANDONG).programme.participants.filter(role="donor")
        if p.region.code != SHANDONG
    )
    answer = call(
        client,
        keys,
        "donor",
        "post",
        f"{BASE}/offers",
        {"donor": other_donor, "lines": [{"resource_type": "n95_mask", "quantity": "10"}]},
    )
    assert answer.status_code == 403
    assert not Offer.objects.exists()
