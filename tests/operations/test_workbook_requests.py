"""The request ledger by workbook: request, pledge, shipment and receipt sheets, each by the
officer who may act."""

import io

import pytest
from openpyxl import load_workbook
from tests.operations.helpers import book, post

from pairaid.operations.models import Discrepancy, Pledge, Shipment

pytestmark = pytest.mark.django_db


def test_the_whole_ledger_flow_by_workbook(client, people):
    from pairaid.operations.models import RequestLine

    client.force_login(people["recipient"])
    assert (
        post(
            client, book(requests=[["421100", "n95_mask", 10000, "urgent", "", "masks"]])
        ).status_code
        == 302
    )
    line = RequestLine.objects.get()
    client.force_login(people["donor"])
    template = load_workbook(
        io.BytesIO(client.get("/p/hubei-2020/operations-workbook/?download=1").content)
    )
    assert [
        r[0] for r in template["open request lines"].iter_rows(min_row=2, values_only=True)
    ] == [line.pk]
    assert (
        post(
            client, book(pledges=[[line.pk, "370000", "421100", "n95_mask", 6000, ""]])
        ).status_code
        == 302
    )
    pledge = Pledge.objects.get()
    assert (
        post(
            client, book(shipments=[[pledge.pk, "370000", "421100", "n95_mask", 6000, "SD-X1", ""]])
        ).status_code
        == 302
    )
    shipment = Shipment.objects.get()
    # The donor may not confirm the receipt; the recipient may.
    refused = post(client, book(receipts=[[shipment.pk, 5800, "short", 200, ""]]))
    assert (
        refused.status_code == 400
        and "you may not confirm receipts for Huanggang" in refused.content.decode()
    )
    client.force_login(people["recipient"])
    assert (
        post(
            client, book(receipts=[[shipment.pk, 5800, "short", 200, "two cartons missing"]])
        ).status_code
        == 302
    )
    shipment.refresh_from_db()
    assert shipment.status == "received" and shipment.received_quantity == 5800
    assert Discrepancy.objects.get().note == "two cartons missing"
