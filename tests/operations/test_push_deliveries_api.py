"""Push deliveries through the API: send ahead, list, read one with its history, and move it —
with who may do each (the donor's officer sends, returns and redirects; the recipient's officer
accepts and declines; coordinators and admins both)."""

from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import (
    DONORS_WRITE,
    READ,
    RECIPIENTS_WRITE,
    ROLES,
    call,
    participant,
    resource,
)

from pairaid.operations.models import PushDelivery
from pairaid.operations.services import push_deliveries as push_services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020/push-deliveries"
SHANDONG, HUANGGANG, XIAOGAN = "370000", "421100", "420900"


def _sent(people: Any) -> PushDelivery:
    return push_services.send(
        donor=participant(SHANDONG),
        recipient=participant(HUANGGANG),
        resource_type=resource("n95_mask"),
        quantity=Decimal(500),
        user=people["donor"],
    )


def _declined(people: Any) -> PushDelivery:
    return push_services.move(
        delivery=_sent(people), name="decline", user=people["recipient"], note="no room"
    )


@pytest.mark.parametrize("role", ROLES)
def test_who_may_send_ahead(client: Any, keys: Any, people: Any, role: str) -> None:
    answer = call(
        client,
        keys,
        role,
        "post",
        BASE,
        {"donor": SHANDONG, "recipient": HUANGGANG, "resource_type": "n95_mask", "quantity": "500"},
    )
    assert answer.status_code == DONORS_WRITE[role], answer.content
    if answer.status_code == 201:
        body = answer.json()
        assert (body["number"], body["status"], Decimal(body["quantity"])) == (1, "sent", 500)
        assert [e["move"] for e in body["history"]] == ["send"]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_accept(client: Any, keys: Any, people: Any, role: str) -> None:
    delivery = _sent(people)
    answer = call(client, keys, role, "post", f"{BASE}/{delivery.number}/accept", {})
    expected = 200 if RECIPIENTS_WRITE[role] == 201 else RECIPIENTS_WRITE[role]
    assert answer.status_code == expected, answer.content
    accepted = PushDelivery.objects.get().status == "accepted"
    assert accepted == (answer.status_code == 200)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_return_a_declined_one(client: Any, keys: Any, people: Any, role: str) -> None:
    delivery = _declined(people)
    answer = call(client, keys, role, "post", f"{BASE}/{delivery.number}/return", {})
    expected = 200 if DONORS_WRITE[role] == 201 else DONORS_WRITE[role]
    assert answer.status_code == expected, answer.content


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read(client: Any, keys: Any, people: Any, role: str) -> None:
    delivery = _sent(people)
    assert call(client, keys, role, "get", BASE).status_code == READ[role]
    one = call(client, keys, role, "get", f"{BASE}/{delivery.number}")
    assert one.status_code == READ[role]


def test_a_redirect_names_the_new_delivery_both_ways(client: Any, keys: Any, people: Any) -> None:
    hubei = participant(SHANDONG).programme
    hubei.pledges_beyond_pairs = True
    hubei.save()
    delivery = _declined(people)
    answer = call(
        client, keys, "donor", "post", f"{BASE}/{delivery.number}/redirect", {"to": XIAOGAN}
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["redirected_to"]) == ("redirected", 2)
    onward = call(client, keys, "observer", "get", f"{BASE}/2").json()
    assert (onward["recipient"], onward["redirected_from"], onward["status"]) == (
        f"CN:{XIAOGAN}",
        1,
        "sent",
    )
    listed = call(client, keys, "observer", "get", f"{BASE}?status=sent").json()["items"]
    assert [row["number"] for row in listed] == [2]


def test_refusals_name_the_field_and_the_state(client: Any, keys: Any, people: Any) -> None:
    delivery = _sent(people)
    refused = call(client, keys, "recipient", "post", f"{BASE}/{delivery.number}/decline", {})
    assert refused.status_code == 400 and "note" in refused.content.decode()
    early = call(client, keys, "donor", "post", f"{BASE}/{delivery.number}/return", {})
    assert early.status_code == 409
    unknown = call(client, keys, "admin", "post", f"{BASE}/{delivery.number}/lose", {})
    assert unknown.status_code == 400 and "unknown move" in unknown.content.decode()
    assert call(client, keys, "admin", "get", f"{BASE}/99").status_code == 404
    outside = call(
        client,
        keys,
        "donor",
        "post",
        BASE,
        {"donor": SHANDONG, "recipient": XIAOGAN, "resource_type": "n95_mask", "quantity": "5"},
    )
    assert outside.status_code == 400 and "recipient" in outside.content.decode()
