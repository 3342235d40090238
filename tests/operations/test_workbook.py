"""The operations workbook as a whole: the template and CSV exports with an HXL row, all-or-nothing
uploads with sheet/row/column errors."""

import io

import pytest
from openpyxl import load_workbook
from tests.operations.helpers import book, post

from pairaid.operations.models import DailyReport, Request, Shipment, Team
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db


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
