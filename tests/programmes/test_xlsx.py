"""Needs and capacities by workbook: the template, a good upload, bad uploads that save nothing."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from pairaid.programmes.models import CapacityLine, NeedLine

pytestmark = pytest.mark.django_db
HEADER = ["region_code", "region_name", "resource_type", "quantity", "as_of", "source", "certainty"]


def workbook(**sheets: list[list[object]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/p/hubei-2020/participants/upload", {"file": io.BytesIO(data)}, format="multipart"
    )


def test_the_template_holds_the_lines_the_user_may_edit(client, people):
    client.force_login(people["donor"])
    response = client.get("/p/hubei-2020/participants/lines.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["capacities"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert [r[0] for r in rows[1:]] == ["370000"]  # only Shandong, the officer's own region
    assert rows[1][2] == "medical_staff" and rows[1][3] == 591
    assert list(book["needs"].iter_rows(values_only=True))[1:] == []
    client.force_login(people["coordinator"])
    book = load_workbook(io.BytesIO(client.get("/p/hubei-2020/participants/lines.xlsx").content))
    assert book["capacities"].max_row == 1 + 19 and book["needs"].max_row == 1 + 16


def test_a_good_upload_saves_every_row(client, people):
    client.force_login(people["coordinator"])
    data = workbook(
        capacities=[
            ["370000", "Shandong", "icu_nurse", 40, "2020-02-12", "provincial report", "verified"]
        ],
        needs=[
            ["421100", "Huanggang", "icu_nurse", 120, "2020-02-12", "city request", "uncertain"]
        ],
    )
    response = upload(client, data)
    assert response.status_code == 302
    assert CapacityLine.objects.filter(resource_type__code="icu_nurse").get().quantity == 40
    need = NeedLine.objects.get(participant__region__code="421100")
    assert need.quantity == 120 and need.certainty == "uncertain" and need.source.kind == "entry"


def test_bad_rows_are_listed_by_sheet_row_and_column_and_nothing_is_saved(client, people):
    client.force_login(people["coordinator"])
    data = workbook(
        capacities=[
            ["370000", "Shandong", "icu_nurse", 40, "2020-02-12", "report", "verified"],
            ["370000", "Shandong", "icu_nurse", -3, "2020-02-13", "report", "verified"],
            ["999999", "Nowhere", "teleporter", 1, "12/02/2020", "", "sure"],
        ],
    )
    before = CapacityLine.objects.count()
    response = upload(client, data)
    assert response.status_code == 400
    problems = [(p.file, p.row, p.column) for p in response.context["problems"]]
    assert problems == [
        ("sheet capacities", 3, "quantity"),
        ("sheet capacities", 4, "region_code"),
        ("sheet capacities", 4, "resource_type"),
        ("sheet capacities", 4, "as_of"),
        ("sheet capacities", 4, "source"),
        ("sheet capacities", 4, "certainty"),
    ]
    assert "must be a number &gt;= 0, got -3" in response.content.decode()
    assert CapacityLine.objects.count() == before


def test_an_officer_may_not_upload_another_regions_rows(client, people):
    client.force_login(people["donor"])
    data = workbook(
        capacities=[
            ["370000", "Shandong", "icu_nurse", 40, "2020-02-12", "report", "verified"],
            ["430000", "Hunan", "icu_nurse", 40, "2020-02-12", "report", "verified"],
        ]
    )
    response = upload(client, data)
    assert response.status_code == 400
    assert "you may not change Hunan&#x27;s capacity lines" in response.content.decode()
    assert not CapacityLine.objects.filter(resource_type__code="icu_nurse").exists()


def test_not_a_workbook(client, people):
    client.force_login(people["coordinator"])
    response = upload(client, b"region_code,quantity\n370000,1\n")
    assert response.status_code == 400 and "not an XLSX workbook" in response.content.decode()


def test_observers_and_outsiders_cannot_upload(client, people):
    data = workbook(
        capacities=[["370000", "Shandong", "icu_nurse", 40, "2020-02-12", "report", "verified"]]
    )
    client.force_login(people["observer"])
    assert upload(client, data).status_code == 403  # before the file is read
    client.force_login(people["outsider"])
    assert upload(client, data).status_code == 404
    assert not CapacityLine.objects.filter(resource_type__code="icu_nurse").exists()
