"""The Offers page: a donor's officer offers lots of goods, sees what is left of each, takes a
lot as a pledge against an open request line named in words, and withdraws the offer; the
services' refusals are shown beside the fields; others see the offers but no form."""

from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import participant, resource

from pairaid.operations.models import Offer, OfferLine, Pledge
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db

PAGE = "/p/hubei-2020/offers/"
SHANDONG, HUANGGANG = "370000", "421100"


def _offered(client: Any, **fields: str) -> Any:
    return client.post(
        PAGE,
        {
            "donor": participant(SHANDONG).pk,
            "resource_type_0": "n95_mask",
            "quantity_0": "1000",
            "max_takes_0": "2",
            "resource_type_1": "protective_suit",
            "quantity_1": "300",
            **fields,
        },
    )


def _asked(quantity: int = 600) -> Any:
    request = request_services.raise_request(
        recipient=participant(HUANGGANG),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(quantity))],
        user=None,
    )
    return request.lines.get()


def test_an_offer_of_two_lots_made_taken_and_withdrawn(client: Any, people: Any) -> None:
    asked = _asked()
    client.force_login(people["donor"])
    made = _offered(client)
    assert made.status_code == 302, made.content.decode()
    offer = Offer.objects.get()
    masks, suits = offer.lines.order_by("pk")
    assert (masks.quantity, masks.max_takes, suits.quantity) == (1000, 2, 300)
    page = client.get(PAGE).content.decode()
    assert "Shandong" in page and "open" in page
    # The request line is offered by a label people read, not by its id alone.
    assert "Request 1 · Huanggang" in page and "600 still needed" in page
    taken = client.post(
        f"/p/hubei-2020/offer-lines/{masks.pk}/take",
        {"request_line": asked.pk, "quantity": "400"},
    )
    assert taken.status_code == 302, taken.content.decode()
    pledge = Pledge.objects.get()
    assert (pledge.donor, pledge.line, pledge.quantity, pledge.from_offer) == (
        participant(SHANDONG),
        asked,
        Decimal(400),
        masks,
    )
    page = client.get(PAGE).content.decode()
    assert "partly taken" in page and ">600<" in page  # the masks' remainder
    assert "200 still needed" in page
    withdrawn = client.post(f"{PAGE}{offer.number}/withdraw")
    assert withdrawn.status_code == 302
    page = client.get(PAGE).content.decode()
    assert "withdrawn" in page and "take-form" not in page


def test_a_refused_offer_is_shown_beside_its_field(client: Any, people: Any) -> None:
    client.force_login(people["donor"])
    refused = _offered(client, quantity_0="1.5", available_until="2020-01-01")
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "whole" in page  # 1.5 masks
    assert "available from" in page  # until before from
    assert not Offer.objects.exists()
    # A lot with a resource but no quantity is refused by the form.
    refused = _offered(client, quantity_1="")
    assert refused.status_code == 400 and "a lot needs its quantity" in refused.content.decode()


def test_a_take_beyond_the_line_says_why(client: Any, people: Any) -> None:
    asked = _asked(100)
    client.force_login(people["donor"])
    _offered(client)
    masks = OfferLine.objects.filter(resource_type__code="n95_mask").get()
    refused = client.post(
        f"/p/hubei-2020/offer-lines/{masks.pk}/take",
        {"request_line": asked.pk, "quantity": "500"},
    )
    assert refused.status_code == 400
    assert "still needs" in refused.content.decode()
    assert not Pledge.objects.exists()


def test_others_see_offers_but_may_not_act(client: Any, people: Any) -> None:
    asked = _asked()
    client.force_login(people["donor"])
    _offered(client)
    masks = OfferLine.objects.filter(resource_type__code="n95_mask").get()
    for role in ("observer", "recipient"):
        client.force_login(people[role])
        page = client.get(PAGE).content.decode()
        assert "Shandong" in page and 'id="make-offer"' not in page and "take-form" not in page
        assert _offered(client).status_code == 403
        taken = client.post(
            f"/p/hubei-2020/offer-lines/{masks.pk}/take",
            {"request_line": asked.pk, "quantity": "1"},
        )
        assert taken.status_code == 403
        assert client.post(f"{PAGE}1/withdraw").status_code == 403
    assert Offer.objects.get().standing == "open"


def test_the_page_speaks_chinese(client: Any, people: Any) -> None:
    client.force_login(people["donor"])
    _offered(client)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "捐赠物资" in page and "山东" in page
