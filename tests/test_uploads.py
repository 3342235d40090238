"""Workbook uploads (pairaid/uploads.py, pairaid/spreadsheets.py): who may not change anything
is refused before the file is read, and a file is read only within limits of bytes, rows and
cells, each checked while the file streams in, with an error naming the sheet and the limit.

An observer once uploaded a 283 KB workbook with 2 million empty rows, which held a web worker
for 30 s (issue 17). The limits are set low here rather than files built large."""

import io

import pytest
from openpyxl import Workbook
from tests.operations.helpers import book

from pairaid.operations.models import Team
from pairaid.programmes.models import CapacityLine

pytestmark = pytest.mark.django_db

UPLOADS = {
    "operations": "/p/hubei-2020/operations-workbook/",
    "needs and capacities": "/p/hubei-2020/participants/upload",
}


def upload(client, url: str, data: bytes, name: str = "upload.xlsx"):  # type: ignore[no-untyped-def]
    file = io.BytesIO(data)
    file.name = name
    return client.post(url, {"file": file}, format="multipart")


def problems(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(problem) for problem in response.context["problems"]]


def capacities(rows: int, *, last_row: int | None = None) -> bytes:
    """A capacities sheet with `rows` filled rows, and optionally one cell far below them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "capacities"
    sheet.append(["region_code", "resource_type", "quantity", "as_of", "source", "certainty"])
    for day in range(1, rows + 1):
        as_of = f"2020-{1 + day // 28:02d}-{1 + day % 28:02d}"
        sheet.append(["370000", "doctor", day, as_of, "a report", "verified"])
    if last_row is not None:
        sheet.cell(row=last_row, column=1, value="370000")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("url", UPLOADS.values(), ids=list(UPLOADS))
def test_an_observer_is_refused_before_the_file_is_read(client, people, url):  # type: ignore[no-untyped-def]
    """Not a workbook at all: were it read, the answer would be 400 'not an XLSX workbook'."""
    client.force_login(people["observer"])
    response = upload(client, url, b"this is not a workbook")
    assert response.status_code == 403


@pytest.mark.parametrize("url", UPLOADS.values(), ids=list(UPLOADS))
def test_an_outsider_does_not_learn_the_programme_exists(client, people, url):  # type: ignore[no-untyped-def]
    client.force_login(people["outsider"])
    assert upload(client, url, b"this is not a workbook").status_code == 404


@pytest.mark.parametrize("url", UPLOADS.values(), ids=list(UPLOADS))
def test_an_officer_s_unreadable_file_is_a_clear_400(client, people, url):  # type: ignore[no-untyped-def]
    client.force_login(people["donor"])
    response = upload(client, url, b"this is not a workbook", name="notes.xlsx")
    assert response.status_code == 400
    assert problems(response) == ["notes.xlsx: not an XLSX workbook (BadZipFile)"]


def test_a_sheet_over_the_row_limit_is_refused_naming_sheet_and_limit(client, people, settings):  # type: ignore[no-untyped-def]
    settings.PAIRAID_UPLOAD_MAX_ROWS = 5
    client.force_login(people["donor"])
    response = upload(client, UPLOADS["needs and capacities"], capacities(10))
    assert response.status_code == 400
    [problem] = problems(response)
    assert "sheet capacities" in problem and "5 rows" in problem
    assert not CapacityLine.objects.filter(source__title="a report").exists()


def test_empty_rows_count_towards_the_row_limit(client, people, settings):  # type: ignore[no-untyped-def]
    """One cell on row 1,048,576 (the last) makes a sheet of a million rows in a 5 KB file."""
    client.force_login(people["donor"])
    response = upload(client, UPLOADS["needs and capacities"], capacities(1, last_row=1_048_576))
    assert response.status_code == 400
    [problem] = problems(response)
    assert "sheet capacities" in problem
    assert f"{settings.PAIRAID_UPLOAD_MAX_ROWS:,} rows" in problem


def test_rows_within_the_limit_are_read(client, people, settings):  # type: ignore[no-untyped-def]
    settings.PAIRAID_UPLOAD_MAX_ROWS = 11  # the header and ten rows
    client.force_login(people["donor"])
    response = upload(client, UPLOADS["needs and capacities"], capacities(10))
    assert response.status_code == 302
    assert CapacityLine.objects.filter(source__title="a report").count() == 10


def test_a_workbook_over_the_cell_limit_is_refused(client, people, settings):  # type: ignore[no-untyped-def]
    settings.PAIRAID_UPLOAD_MAX_CELLS = 30
    client.force_login(people["coordinator"])
    rows = [["370000", f"Shandong team {n}", "icu_nurse:3", "", "", ""] for n in range(10)]
    data = book(teams=rows).getvalue()
    response = upload(client, UPLOADS["operations"], data)
    assert response.status_code == 400
    [problem] = problems(response)
    assert "sheet teams" in problem and "30 cells" in problem
    assert not Team.objects.exists()


@pytest.mark.parametrize(
    "limit, says",
    [
        ("PAIRAID_UPLOAD_MAX_BYTES", "larger than 4,000 bytes"),  # dropped as it streams in
        # A zip of a few KB can unpack to gigabytes (a zip bomb): its parts' stated sizes are
        # summed before any part is parsed.
        ("PAIRAID_UPLOAD_MAX_UNPACKED_BYTES", "unpacks to more than 4,000 bytes"),
    ],
)
def test_a_file_over_a_size_limit_is_refused(client, people, settings, limit, says):  # type: ignore[no-untyped-def]
    setattr(settings, limit, 4000)
    data = capacities(3)
    assert len(data) > 4000  # an XLSX's own parts take about 5 KB
    client.force_login(people["donor"])
    response = upload(client, UPLOADS["needs and capacities"], data, name="big.xlsx")
    assert response.status_code == 400
    [problem] = problems(response)
    assert problem.startswith(f"big.xlsx: {says}")
    assert not CapacityLine.objects.filter(source__title="a report").exists()
