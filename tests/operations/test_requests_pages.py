"""The request ledger through the pages, as issue 5's done-when says, and its permission matrix."""

import pytest
from tests.operations.helpers import pk

from pairaid.operations.models import Discrepancy, Pledge, Request, Shipment
from pairaid.programmes.models import Participant

pytestmark = pytest.mark.django_db


def raise_masks(client):  # type: ignore[no-untyped-def]
    return client.post(
        "/p/hubei-2020/requests/",
        {
            "recipient": pk("421100"),
            "resource_type": "n95_mask",
            "quantity": "10000",
            "priority": "urgent",
        },
    )


def test_request_pledge_dispatch_and_a_short_receipt(client, people):
    client.force_login(people["recipient"])
    assert raise_masks(client).status_code == 302
    line = Request.objects.get().lines.get()
    client.force_login(people["donor"])
    response = client.post(
        f"/p/hubei-2020/requests/lines/{line.pk}/pledge",
        {"donor": pk("370000"), "quantity": "6000"},
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (
        client.post(
            f"/p/hubei-2020/pledges/{pledge.pk}/dispatch", {"quantity": "6000", "reference": "SD-1"}
        ).status_code
        == 302
    )
    shipment = Shipment.objects.get()
    client.force_login(people["recipient"])
    response = client.post(
        f"/p/hubei-2020/shipments/{shipment.pk}/receive",
        {
            "received_quantity": "5500",
            "discrepancy": "damaged",
            "discrepancy_quantity": "500",
            "note": "crushed boxes",
        },
    )
    assert response.status_code == 302
    assert Discrepancy.objects.get().kind == "damaged"
    page = client.get("/p/hubei-2020/requests/").content.decode()
    assert "5,500" in page and "damaged 500: crushed boxes" in page
    league = client.get("/p/hubei-2020/league/").content.decode()
    assert 'id="formula"' in league and "Shandong" in league
    assert client.get("/p/hubei-2020/gaps/").status_code == 200
    csv_text = client.get("/p/hubei-2020/league/?format=csv").content.decode().splitlines()
    assert csv_text[1].startswith("#org+code,#org+name")


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("recipient", 302),
        ("donor", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_raise_a_request_for_huanggang(client, people, role, expected):
    client.force_login(people[role])
    response = raise_masks(client)
    assert response.status_code == expected
    assert Request.objects.count() == (1 if expected == 302 else 0)


@pytest.fixture
def open_line(people, client):  # type: ignore[no-untyped-def]
    client.force_login(people["recipient"])
    raise_masks(client)
    client.logout()
    return Request.objects.get().lines.get()


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 302),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_pledge_for_shandong(client, people, open_line, role, expected):
    client.force_login(people[role])
    response = client.post(
        f"/p/hubei-2020/requests/lines/{open_line.pk}/pledge",
        {"donor": pk("370000"), "quantity": "100"},
    )
    assert response.status_code == expected
    assert Pledge.objects.count() == (1 if expected == 302 else 0)


def test_a_donor_officer_cannot_pledge_for_another_donor(client, people, open_line):
    client.force_login(people["donor"])
    client.post(
        f"/p/hubei-2020/requests/lines/{open_line.pk}/pledge",
        {"donor": pk("430000"), "quantity": "100"},
    )
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    "role, expected",
    [
        ("coordinator", 302),
        ("recipient", 302),
        ("donor", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_confirm_a_receipt(client, people, open_line, role, expected):
    from decimal import Decimal

    from pairaid.operations.services import requests as request_services

    pledge = request_services.pledge(
        line=open_line,
        donor=Participant.objects.get(pk=pk("370000")),
        quantity=Decimal(100),
        user=None,
    )
    shipment = request_services.dispatch(pledge=pledge, quantity=Decimal(100))
    client.force_login(people[role])
    response = client.post(
        f"/p/hubei-2020/shipments/{shipment.pk}/receive", {"received_quantity": "100"}
    )
    assert response.status_code == expected
    shipment.refresh_from_db()
    assert (shipment.status == "received") == (expected == 302)
