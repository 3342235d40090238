"""Offers and push deliveries by spreadsheet: the template lists every lot (with what is taken
and left) and every delivery; a row with a blank number offers a lot or sends a delivery through
the services, a row with a number is the programme's and is skipped; a bad row is named by
sheet, row and column and nothing is written."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from tests.operations.helpers import book, post

from pairaid.operations.models import Offer, PushDelivery
from pairaid.operations.services import push_deliveries as push_services
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db


def _lot(
    donor: str = "370000", resource: str = "n95_mask", quantity: object = 5000
) -> list[object]:
    return [None, donor, resource, quantity, 2, "2020-02-12", "2020-02-20", None, None, None,
            "from the sheet"]  # fmt: skip


def _push(recipient: str = "421100", quantity: object = 800) -> list[object]:
    return [
        None,
        "370000",
        recipient,
        "protective_suit",
        quantity,
        "2020-02-12",
        None,
        None,
        "ahead",
    ]


def _sent(people) -> PushDelivery:  # type: ignore[no-untyped-def]
    return push_services.send(
        donor=Participant.objects.get(programme__slug="hubei-2020", region__code="370000"),
        recipient=Participant.objects.get(programme__slug="hubei-2020", region__code="421100"),
        resource_type=ResourceType.objects.get(code="protective_suit"),
        quantity=Decimal(500),
        user=people["donor"],
        dispatched_on=datetime.date(2020, 2, 12),
    )


def test_the_template_and_csv_list_lots_and_deliveries(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    sent = _sent(people)
    client.force_login(people["donor"])
    workbook = load_workbook(
        io.BytesIO(client.get("/p/hubei-2020/operations-workbook/?download=1").content)
    )
    lots = list(workbook["offers"].iter_rows(min_row=2, values_only=True))
    assert len(lots) == sum(o.lines.count() for o in Offer.objects.all())
    taken = [row for row in lots if row[7]]
    assert taken, "the demo's Shandong lot has a pledge taken from it"
    for row in lots:
        assert row[8] == max(row[3] - row[7], 0)  # remaining = offered − taken
    assert {row[9] for row in lots} <= {"open", "partly_taken", "taken", "withdrawn", "expired"}
    deliveries = list(workbook["push_deliveries"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in deliveries] == [1, 2, sent.number]  # the demo's two, then ours
    assert deliveries[-1] == (
        sent.number,
        "370000",
        "421100",
        "protective_suit",
        500,
        "2020-02-12",
        "sent",
        None,
        None,
    )
    text = client.get("/p/hubei-2020/operations-workbook/?csv=offers").content.decode()
    header, hxl, *_rows = text.splitlines()
    assert header.startswith("number,donor_code,resource_type,quantity,max_takes")
    assert hxl.startswith("#meta+id,#org+code,#item+code,#value+offered")
    text = client.get("/p/hubei-2020/operations-workbook/?csv=push_deliveries").content.decode()
    assert text.splitlines()[-1].startswith(f"{sent.number},370000,421100,protective_suit,")


def test_rows_offer_lots_and_send_deliveries_and_the_programmes_own_are_skipped(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    sent = _sent(people)
    existing = Offer.objects.count()
    listed = Offer.objects.filter(donor__region__code="370000").first()
    client.force_login(people["donor"])  # Shandong's officer
    response = post(
        client,
        book(
            offers=[[listed.number, "370000", "n95_mask", 1, 1], _lot()],
            push_deliveries=[[sent.number, "370000", "421100", "protective_suit", 500], _push()],
        ),
    )
    assert response.status_code == 302
    assert Offer.objects.count() == existing + 1
    made = Offer.objects.order_by("-number").first()
    assert (made.donor.region.code, made.available_until, made.note) == (
        "370000",
        datetime.date(2020, 2, 20),
        "from the sheet",
    )
    [lot] = made.lines.all()
    assert (lot.resource_type.code, lot.quantity, lot.max_takes) == ("n95_mask", 5000, 2)
    new = PushDelivery.objects.get(number=sent.number + 1)  # the one row that sends
    assert (new.recipient.region.code, new.quantity, new.status, new.note) == (
        "421100",
        800,
        "sent",
        "ahead",
    )


def test_bad_rows_are_named_by_sheet_row_and_column_and_nothing_is_written(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    offers, deliveries = Offer.objects.count(), PushDelivery.objects.count()
    client.force_login(people["donor"])  # Shandong's officer, not Hunan's
    response = post(
        client,
        book(
            offers=[
                _lot(),  # good, but the upload is all or nothing
                _lot(donor="430000"),
                _lot(resource="unobtainium"),
                _lot(quantity="lots"),
                [999, *_lot()[1:]],
            ],
            push_deliveries=[_push(recipient="999999"), _push(quantity="many")],
        ),
    )
    assert response.status_code == 400
    problems = [(p.file, p.row, p.column) for p in response.context["problems"]]
    assert problems == [
        ("sheet offers", 3, "donor_code"),
        ("sheet offers", 4, "resource_type"),
        ("sheet offers", 5, "quantity"),
        ("sheet offers", 6, "number"),
        ("sheet push_deliveries", 2, "recipient_code"),
        ("sheet push_deliveries", 3, "quantity"),
    ]
    assert (Offer.objects.count(), PushDelivery.objects.count()) == (offers, deliveries)


def test_a_service_refusal_names_the_sheets_column(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    offers = Offer.objects.count()
    client.force_login(people["donor"])
    response = post(client, book(offers=[_lot(resource="icu_nurse")]))
    assert response.status_code == 400
    problems = [(p.file, p.row, p.column) for p in response.context["problems"]]
    assert problems == [("sheet offers", 2, "resource_type")]  # staff go as teams
    response = post(client, book(offers=[_lot(quantity=Decimal("10.5"))]))
    problems = [(p.file, p.row, p.column) for p in response.context["problems"]]
    assert problems == [("sheet offers", 2, "quantity")]  # masks are counted whole
    assert Offer.objects.count() == offers
