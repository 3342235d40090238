"""The funds sheets of the workbook: a funds pledge is disbursed, not shipped; its receipt
confirmed; the disbursements exported as CSV."""

import io

import pytest
from openpyxl import load_workbook
from tests.operations.helpers import book, post

from pairaid.operations.models import Disbursement, Discrepancy, Pledge

pytestmark = pytest.mark.django_db


def test_the_funds_flow_by_workbook(client, people, funds_pledge):
    client.force_login(people["donor"])
    shipped = post(client, book(shipments=[[funds_pledge.pk, "370000", "421100", "cny", 1]]))
    assert shipped.status_code == 400 and "disbursed against the pledge" in shipped.content.decode()
    assert (
        post(
            client, book(disbursements=[[funds_pledge.pk, "370000", "421100", 300000, "TR-W1"]])
        ).status_code
        == 302
    )
    money = Disbursement.objects.get()
    client.force_login(people["recipient"])
    template = load_workbook(
        io.BytesIO(client.get("/p/hubei-2020/operations-workbook/?download=1").content)
    )
    waiting = list(template["disbursements to receive"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in waiting] == [money.pk]
    assert post(client, book(fund_receipts=[[money.pk, 290000, "fee"]])).status_code == 302
    money.refresh_from_db()
    assert money.status == "received" and Discrepancy.objects.get().quantity == 10000
    csv_lines = (
        client.get("/p/hubei-2020/operations-workbook/?csv=disbursements")
        .content.decode()
        .splitlines()
    )
    assert csv_lines[1] == "#meta+pledge,#org+code,#adm2+code,#value+disbursed,#meta+transfer"
    assert csv_lines[2].endswith("300000.0,TR-W1")
    assert Pledge.objects.get().disbursements.count() == 1
