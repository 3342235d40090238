"""Facilities' bed reports by spreadsheet: the template lists the reports filed, a row files one
(open and occupied beds per type) for a facility of a recipient the user manages."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from tests.operations.helpers import book, post

from pairaid.operations.models import Facility, FacilitySnapshot
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db

DABIE = "Dabie Mountain Regional Medical Centre (demo)"


def _row(recipient: str, at: str, occupied_general: int) -> list[object]:
    return [recipient, DABIE, at, 700, occupied_general, 240, 230, None, None, None, None]


def test_the_template_lists_the_bed_reports_in_programme_time(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    client.force_login(people["recipient"])
    workbook = load_workbook(
        io.BytesIO(client.get("/p/hubei-2020/operations-workbook/?download=1").content)
    )
    rows = list(workbook["bed_reports"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == FacilitySnapshot.objects.count()
    assert rows[0][:5] == ("421100", DABIE, "2020-02-10 09:10", 700, 560)


def test_a_row_files_a_report_and_another_recipients_facility_is_refused(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    client.force_login(people["recipient"])  # Huanggang's officer
    filed = post(client, book(bed_reports=[_row("421100", "2020-02-13 11:30", 650)]))
    assert filed.status_code == 302
    report = Facility.objects.get(name=DABIE).snapshots.get(date=datetime.date(2020, 2, 13))
    assert report.reported_at == datetime.datetime(2020, 2, 13, 3, 30, tzinfo=datetime.UTC)
    figures = {b.bed_type: (b.open, b.occupied) for b in report.beds.all()}
    assert figures == {"general": (700, 650), "oxygen": (240, 230)}
    refused = post(client, book(bed_reports=[_row("420900", "2020-02-13 11:30", 1)]))
    assert refused.status_code == 400
    assert "bed_reports" in refused.content.decode()
