"""Offers (issue 19, item 4): a donor offers goods before anyone asks, and a lot is taken as a
pledge against an open request line — refused for another resource, beyond the lot or the line,
beyond the lot's number of takes, outside the pairing, from a withdrawn or expired offer."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import participant, resource

from pairaid.errors import Conflict, ValidationFailed
from pairaid.operations.models import Offer, Pledge
from pairaid.operations.queries import offers as offer_queries
from pairaid.operations.services import offers as offer_services
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db

D = datetime.date
SHANDONG, HUANGGANG, XIAOGAN = "370000", "421100", "420900"  # Shandong is paired with Huanggang


def _offer(quantity: int = 1000, max_takes: int = 3, **fields: Any) -> Any:
    offer = offer_services.make_offer(
        donor=participant(SHANDONG),
        lines=[offer_services.OfferLineIn(resource("n95_mask"), Decimal(quantity), max_takes)],
        user=None,
        **fields,
    )
    return offer.lines.get()


def _asked(quantity: int = 600, recipient: str = HUANGGANG, code: str = "n95_mask") -> Any:
    request = request_services.raise_request(
        recipient=participant(recipient),
        lines=[request_services.LineIn(resource(code), Decimal(quantity))],
        user=None,
    )
    return request.lines.get()


def _take(line: Any, request_line: Any, quantity: int, **kwargs: Any) -> Pledge:
    return offer_services.take_offer(
        line=line, request_line=request_line, quantity=Decimal(quantity), user=None, **kwargs
    )


def test_an_offer_is_numbered_and_starts_at_the_programme_date(hubei: Any) -> None:
    first, second = _offer().offer, _offer().offer
    assert (first.number, second.number) == (1, 2)
    assert first.available_from == D(2020, 2, 12)
    assert first.standing == Offer.Standing.OPEN


def test_a_take_becomes_the_donors_pledge_and_the_remainder_shrinks(hubei: Any) -> None:
    line, asked = _offer(), _asked()
    pledge = _take(line, asked, 400)
    assert (pledge.donor, pledge.line, pledge.quantity) == (
        participant(SHANDONG),
        asked,
        Decimal(400),
    )
    assert pledge.from_offer == line
    assert offer_queries.remaining(line) == Decimal(600)
    lines = list(offer_queries.lines_with_takes(line.offer.lines.all()))
    assert offer_queries.offer_status(line.offer, lines, D(2020, 2, 12)) == "partly_taken"


def test_a_cancelled_pledge_gives_its_quantity_back_to_the_lot(hubei: Any) -> None:
    line = _offer()
    pledge = _take(line, _asked(), 400)
    pledge.status = Pledge.Status.CANCELLED
    pledge.save()
    assert offer_queries.remaining(line) == Decimal(1000)


def test_a_lot_taken_whole_reads_taken(hubei: Any) -> None:
    line = _offer(quantity=500)
    _take(line, _asked(), 500)
    lines = list(offer_queries.lines_with_takes(line.offer.lines.all()))
    assert offer_queries.offer_status(line.offer, lines, D(2020, 2, 12)) == "taken"


def test_another_resource_is_refused(hubei: Any) -> None:
    with pytest.raises(ValidationFailed, match="the request line asks for") as refused:
        _take(_offer(), _asked(code="tent"), 10)
    assert refused.value.problems[0].column == "request_line"
    assert not Pledge.objects.exists()


def test_more_than_is_left_of_the_lot_is_refused(hubei: Any) -> None:
    line = _offer(quantity=500)
    _take(line, _asked(), 300)
    with pytest.raises(ValidationFailed, match="at most 200: what is left"):
        _take(line, _asked(), 201)
    assert Pledge.objects.count() == 1


def test_more_than_the_line_still_needs_is_refused(hubei: Any) -> None:
    asked = _asked(quantity=600)
    request_services.pledge(
        line=asked, donor=participant(SHANDONG), quantity=Decimal(500), user=None
    )
    with pytest.raises(ValidationFailed, match="at most 100: what request 1 still needs"):
        _take(_offer(), asked, 101)


def test_a_fraction_of_a_thing_counted_whole_is_refused(hubei: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _take(_offer(), _asked(), Decimal("1.5"))  # type: ignore[arg-type]
    assert refused.value.problems[0].column == "quantity"


def test_beyond_the_lots_number_of_takes_is_refused(hubei: Any) -> None:
    line = _offer(max_takes=2)
    _take(line, _asked(), 10)
    _take(line, _asked(), 10)
    with pytest.raises(ValidationFailed, match="already split into 2 pledges"):
        _take(line, _asked(), 10)
    assert Pledge.objects.count() == 2


def test_a_request_outside_the_pairing_is_refused_by_the_pledge_rule(hubei: Any) -> None:
    with pytest.raises(ValidationFailed, match="not paired with Xiaogan"):
        _take(_offer(), _asked(recipient=XIAOGAN), 10)
    assert not Pledge.objects.exists()


def test_the_programmes_rule_may_allow_takes_beyond_the_pairs(hubei: Any) -> None:
    hubei.pledges_beyond_pairs = True
    hubei.save()
    assert _take(_offer(), _asked(recipient=XIAOGAN), 10).pk


def test_a_withdrawn_offer_is_not_taken(hubei: Any) -> None:
    line = _offer()
    offer_services.withdraw_offer(offer=line.offer)
    with pytest.raises(Conflict, match="withdrawn"):
        _take(line, _asked(), 10)
    with pytest.raises(Conflict, match="already withdrawn"):
        offer_services.withdraw_offer(offer=line.offer)


def test_an_expired_offer_is_not_taken(hubei: Any) -> None:
    line = _offer(available_until=D(2020, 2, 20))
    with pytest.raises(Conflict, match="expired on 2020-02-20"):
        _take(line, _asked(), 10, on=D(2020, 2, 21))
    lines = list(offer_queries.lines_with_takes(line.offer.lines.all()))
    assert offer_queries.offer_status(line.offer, lines, D(2020, 2, 21)) == "expired"


def test_a_closed_request_takes_nothing(hubei: Any) -> None:
    asked = _asked()
    asked.request.status = "withdrawn"
    asked.request.save()
    with pytest.raises(Conflict, match="takes no pledges"):
        _take(_offer(), asked, 10)


@pytest.mark.parametrize(
    ("fields", "column"),
    [
        ({"lines": []}, "lines"),
        ({"available_from": D(2020, 2, 20), "available_until": D(2020, 2, 19)}, "available_until"),
    ],
)
def test_a_bad_offer_names_its_field(hubei: Any, fields: dict[str, Any], column: str) -> None:
    values: dict[str, Any] = {
        "donor": participant(SHANDONG),
        "lines": [offer_services.OfferLineIn(resource("n95_mask"), Decimal(5))],
        "user": None,
    }
    with pytest.raises(ValidationFailed) as refused:
        offer_services.make_offer(**(values | fields))
    assert [problem.column for problem in refused.value.problems] == [column]


def test_a_bad_offer_line_names_its_place(hubei: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        offer_services.make_offer(
            donor=participant(SHANDONG),
            lines=[
                offer_services.OfferLineIn(resource("n95_mask"), Decimal(5)),
                offer_services.OfferLineIn(resource("n95_mask"), Decimal("0.5"), 0),
            ],
            user=None,
        )
    assert {problem.column for problem in refused.value.problems} == {
        "lines.1.quantity",
        "lines.1.max_takes",
    }
    assert not Offer.objects.exists()


def test_only_a_donor_offers(hubei: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        offer_services.make_offer(
            donor=participant(HUANGGANG),
            lines=[offer_services.OfferLineIn(resource("n95_mask"), Decimal(5))],
            user=None,
        )
    assert refused.value.problems[0].column == "donor"
