"""Matching offers to requests (issue 19, item 4): the problem built from the offers and open
request lines, the coordinator's proposal, and each donor's officer accepting its own lines as
pledges in one step — refused whole, line by line, where a line has gone stale."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import participant, resource

from pairaid.operations.models import OfferLine, Request, RequestLine
from pairaid.operations.queries import matching as matching_queries
from pairaid.operations.services import offers as offer_services
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db

D = datetime.date
# Shandong and Hunan are paired with Huanggang, Jiangsu with Huangshi; Xiaogan with neither.
SHANDONG, HUNAN, JIANGSU = "370000", "430000", "320000"
HUANGGANG, HUANGSHI, XIAOGAN = "421100", "420200", "420900"


def offer(
    donor: str = SHANDONG, quantity: int = 1000, max_takes: int = 3, code: str = "n95_mask"
) -> OfferLine:
    made = offer_services.make_offer(
        donor=participant(donor),
        lines=[offer_services.OfferLineIn(resource(code), Decimal(quantity), max_takes)],
        user=None,
    )
    return made.lines.get()


def asked(recipient: str = HUANGGANG, quantity: int = 600, code: str = "n95_mask") -> RequestLine:
    made = request_services.raise_request(
        recipient=participant(recipient),
        lines=[request_services.LineIn(resource(code), Decimal(quantity))],
        user=None,
    )
    return made.lines.get()


def reference(code: str) -> str:
    return participant(code).region.reference


def test_the_problem_holds_what_is_left_of_the_lots_and_the_open_lines(hubei: Any) -> None:
    lot, need = offer(quantity=1000, max_takes=3), asked(quantity=600)
    offer_services.take_offer(line=lot, request_line=need, quantity=Decimal(100), user=None)
    built = matching_queries.build(hubei, D(2020, 2, 12))
    document = built.document
    assert document["kind"] == "matching" and document["follow_pairing"] is True
    assert document["lots"] == [
        {
            "id": matching_queries.lot_id(lot),
            "donor": reference(SHANDONG),
            "item": "n95_mask",
            "quantity": 900.0,
            "max_shipments": 2,
        }
    ]
    assert document["needs"] == [
        {
            "id": matching_queries.need_id(need),
            "recipient": reference(HUANGGANG),
            "item": "n95_mask",
            "quantity": 600.0,
            "pledged": 100.0,
        }
    ]
    assert [reference(SHANDONG), reference(HUANGGANG)] in document["pairs"]
    (distance,) = document["distances"]
    assert (distance["donor"], distance["recipient"]) == (reference(SHANDONG), reference(HUANGGANG))
    assert 500 < distance["km"] < 1500  # Jinan to Huanggang, as the crow flies
    assert built.lots[matching_queries.lot_id(lot)] == lot


def test_spent_withdrawn_and_expired_lots_and_closed_or_staff_lines_are_left_out(
    hubei: Any,
) -> None:
    spent = offer(quantity=100, max_takes=1)
    offer_services.take_offer(line=spent, request_line=asked(), quantity=Decimal(50), user=None)
    offer_services.withdraw_offer(offer=offer().offer)
    offer_services.make_offer(
        donor=participant(HUNAN),
        lines=[offer_services.OfferLineIn(resource("n95_mask"), Decimal(10))],
        user=None,
        available_from=D(2020, 2, 1),
        available_until=D(2020, 2, 11),
    )
    asked(code="icu_nurse", quantity=30)
    closed = asked(quantity=5)
    Request.objects.filter(pk=closed.request_id).update(status=Request.Status.CLOSED)
    document = matching_queries.build(hubei, D(2020, 2, 12)).document
    assert document["lots"] == []
    assert {n["item"] for n in document["needs"]} == {"n95_mask"}
    assert matching_queries.need_id(closed) not in {n["id"] for n in document["needs"]}


def test_beyond_the_pairs_every_donor_reaches_every_recipient(hubei: Any) -> None:
    offer(donor=JIANGSU)
    asked(recipient=XIAOGAN)
    asked(recipient=HUANGGANG)
    paired = matching_queries.build(hubei, D(2020, 2, 12)).document
    assert paired["distances"] == []  # Jiangsu is paired with neither
    hubei.pledges_beyond_pairs = True
    hubei.save(update_fields=["pledges_beyond_pairs"])
    free = matching_queries.build(hubei, D(2020, 2, 12)).document
    assert free["follow_pairing"] is False
    assert {(d["donor"], d["recipient"]) for d in free["distances"]} == {
        (reference(JIANGSU), reference(XIAOGAN)),
        (reference(JIANGSU), reference(HUANGGANG)),
    }
