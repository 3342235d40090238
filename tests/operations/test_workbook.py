"""Teams, requests, shipments, disbursements and daily reports by workbook: templates,
all-or-nothing uploads with sheet/row/column errors, and CSV exports with an HXL row."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from pairaid.operations.models import (
    DailyReport,
    Disbursement,
    Discrepancy,
    Pledge,
    Request,
    Shipment,
    Team,
)
from pairaid.operations.workbook import SHEETS
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db


def book(**sheets: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append([column for column, _ in SHEETS[name]])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def post(client, data: io.BytesIO):  # type: ignore[no-untyped-def]
    return client.post("/p/hubei-2020/operations-workbook/", {"file": data}, format="multipart")


def test_the_template_and_csv_carry_the_demo_rows(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    client.force_login(people["donor"])
    workbook = load_workbook(
        io.BytesIO(client.get("/p/hubei-2020/operations-workbook/?download=1").content)
    )
    assert workbook["teams"].max_row == 1 + 4
    assert [row[1] for row in workbook["open pledges"].iter_rows(min_row=2, values_only=True)] == [
        "370000"
    ] * 3
    csv_lines = (
        client.get("/p/hubei-2020/operations-workbook/?csv=shipments").content.decode().splitlines()
    )
    assert csv_lines[1].startswith("#meta+pledge,#org+code,#adm2+code")
    assert len(csv_lines) == 2 + 4


def test_a_good_workbook_applies_every_row(client, people):
    client.force_login(people["coordinator"])
    response = post(
        client,
        book(
            teams=[
                [
                    "370000",
                    "Shandong team X",
                    "icu_nurse:10;icu_doctor:2",
                    "emt2",
                    "Lead",
                    "Hospital",
                ]
            ],
            requests=[["421100", "ventilator", 8, "high", "2020-02-15", "for the ICU"]],
            reports=[],
        ),
    )
    assert response.status_code == 302
    assert Team.objects.get().size == 12
    assert Request.objects.get().lines.get().quantity == 8


def test_one_bad_row_saves_nothing_and_names_sheet_row_and_column(client, people):
    client.force_login(people["donor"])
    response = post(
        client,
        book(
            teams=[["370000", "Shandong team Y", "icu_nurse:10", "emt2", "", ""]],
            requests=[["421100", "ventilator", 8, "high", "", ""]],
            reports=[["No such team", "2020-02-12", 1, 0, 0, 0, 0, 0, 1, ""]],
        ),
    )
    assert response.status_code == 400
    problems = [(p.file, p.row, p.column) for p in response.context["problems"]]
    assert problems == [
        (
            "sheet requests",
            2,
            "recipient_code",
        ),  # a donor officer does not raise Huanggang's requests
        ("sheet reports", 2, "team"),
    ]
    assert (
        not Team.objects.exists()
        and not Request.objects.exists()
        and not DailyReport.objects.exists()
    )


def test_a_refusal_by_a_service_rolls_back_the_whole_upload(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    client.force_login(people["donor"])
    pledge_id = Shipment.objects.filter(reference="SD-DEMO-002").get().pledge_id
    before = Shipment.objects.count()
    response = post(
        client,
        book(
            teams=[["370000", "Shandong team Z", "icu_nurse:5", "", "", ""]],
            shipments=[
                [pledge_id, "370000", "421100", "protective_suit", 1, "SD-OVER", ""]
            ],  # beyond the pledge
        ),
    )
    assert response.status_code == 400
    assert "sheet shipments" in response.content.decode()
    assert (
        Shipment.objects.count() == before
        and not Team.objects.filter(name="Shandong team Z").exists()
    )


def test_the_whole_ledger_flow_by_workbook(client, people):
    from pairaid.operations.models import Discrepancy, Pledge, RequestLine

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
