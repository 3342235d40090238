"""Transfers and community queues by spreadsheet: the template lists the programme's transfers
and queue counts; a row with a blank number requests a transfer (from a facility, or from the
region's community queue), a row with a number is the programme's and is skipped; a bad row is
named by sheet, row and column and nothing is written."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from tests.operations.helpers import book, post

from pairaid.accounts import services as account_services
from pairaid.accounts.models import Membership, User
from pairaid.operations.models import Facility, QueueEntry, Transfer
from pairaid.operations.services import transfers as transfer_services
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db

DABIE = "Dabie Mountain Regional Medical Centre (demo)"
XIAOGAN = "Xiaogan Central Hospital (demo)"


def _row(
    sending: str = "421100",
    facility: str = DABIE,
    acuity: str = "oxygen",
    requested: object = 3,
    receiving: str = XIAOGAN,
) -> list[object]:
    return [None, sending, facility, "420900", receiving, acuity, None, requested, None, None,
            "T-1", "2020-02-13 10:00"]  # fmt: skip


def _requested(people) -> Transfer:  # type: ignore[no-untyped-def]
    return transfer_services.request_transfer(
        origin=Facility.objects.get(name=DABIE),
        receiving_facility=Facility.objects.get(name=XIAOGAN),
        acuity="icu",
        requested=2,
        reference="HG-7",
        user=people["recipient"],
        at=datetime.datetime(2020, 2, 12, 9, 30),
    )


def test_the_template_and_csv_list_the_transfers_in_programme_time(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    made = _requested(people)
    client.force_login(people["recipient"])
    workbook = load_workbook(
        io.BytesIO(client.get("/p/hubei-2020/operations-workbook/?download=1").content)
    )
    rows = list(workbook["transfers"].iter_rows(min_row=2, values_only=True))
    assert rows == [
        (
            made.number,
            "421100",
            DABIE,
            "420900",
            XIAOGAN,
            "icu",
            "icu",
            2,
            None,
            "requested",
            "HG-7",
            "2020-02-12 09:30",
        )
    ]
    queue = list(workbook["community_queue"].iter_rows(min_row=2, values_only=True))
    assert ("421100", "general", 60, "2020-02-12 08:00") in queue
    assert len(queue) == QueueEntry.objects.count()
    lines = client.get("/p/hubei-2020/operations-workbook/?csv=transfers").content.decode()
    header, hxl, first = lines.splitlines()
    assert header.startswith("number,sending_code,sending_facility,receiving_code")
    assert hxl.startswith("#meta+id,#adm2+code+sending,#loc+name+sending,#adm2+code+receiving")
    assert first.startswith(f"{made.number},421100,")
    page = client.get("/p/hubei-2020/operations-workbook/").content.decode()
    assert "?csv=transfers" in page and "?csv=community_queue" in page


def test_rows_request_transfers_and_the_programmes_own_are_skipped(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    made = _requested(people)
    client.force_login(people["recipient"])  # Huanggang's officer
    listed = [made.number, "421100", DABIE, "420900", XIAOGAN, "icu", "icu", 2, None, "requested"]
    from_queue = _row(facility="", acuity="general", requested=5)
    response = post(client, book(transfers=[listed, _row(), from_queue]))
    assert response.status_code == 302
    new = Transfer.objects.exclude(pk=made.pk).order_by("number")
    assert [(t.sending_facility, t.acuity, t.bed_type, t.requested, t.status) for t in new] == [
        (Facility.objects.get(name=DABIE), "oxygen", "oxygen", 3, "requested"),
        (None, "general", "general", 5, "requested"),
    ]
    assert new[0].requested_at == datetime.datetime(2020, 2, 13, 2, 0, tzinfo=datetime.UTC)
    assert new[0].events.get().move == "request"


def test_bad_rows_are_named_by_sheet_row_and_column_and_nothing_is_written(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    client.force_login(people["recipient"])  # Huanggang's officer, not Xiaogan's
    response = post(
        client,
        book(
            transfers=[
                _row(),  # good, but the upload is all or nothing
                _row(facility="No such hospital"),
                _row(acuity="critical"),
                _row(sending="420900", facility=XIAOGAN, receiving=DABIE),
                _row(sending="420900", facility=""),
                [7, *_row()[1:]],
                [None, *_row()[1:8], 2, "accepted", None, None],
            ],
            community_queue=[["420900", "general", 12, ""]],
        ),
    )
    assert response.status_code == 400
    problems = [(p.file, p.row, p.column) for p in response.context["problems"]]
    assert problems == [
        ("sheet community_queue", 2, "recipient_code"),
        ("sheet transfers", 3, "sending_facility"),
        ("sheet transfers", 4, "acuity"),
        ("sheet transfers", 5, "sending_facility"),  # Xiaogan's hospital
        ("sheet transfers", 5, "receiving_facility"),  # Dabie is not Xiaogan's
        ("sheet transfers", 6, "sending_code"),  # Xiaogan's community queue
        ("sheet transfers", 7, "number"),
        ("sheet transfers", 8, "accepted"),
        ("sheet transfers", 8, "status"),
    ]
    assert "you may not request transfers from" in response.content.decode()
    assert not Transfer.objects.exists()
    assert QueueEntry.objects.count() == 5  # the bundle's counts only


def test_a_service_refusal_names_the_sheets_column(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    client.force_login(people["recipient"])
    icu_in_general = [None, *_row(acuity="icu")[1:6], "general", *_row()[7:]]
    response = post(client, book(transfers=[icu_in_general]))
    assert response.status_code == 400
    problems = [(p.file, p.row, p.column) for p in response.context["problems"]]
    assert problems == [("sheet transfers", 2, "bed_type")]
    long_ago = [*_row()[:11], "1899-12-31 23:00"]
    response = post(client, book(transfers=[long_ago]))
    problems = [(p.file, p.row, p.column) for p in response.context["problems"]]
    assert problems == [("sheet transfers", 2, "requested_at")]  # the service's `at`
    assert not Transfer.objects.exists()


def test_queue_rows_record_counts_and_recorded_ones_are_skipped(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    client.force_login(people["recipient"])
    response = post(
        client,
        book(
            community_queue=[
                ["421100", "general", 60, "2020-02-12 08:00"],  # the bundle's, as exported
                ["421100", "general", 48, "2020-02-13 08:00"],
            ]
        ),
    )
    assert response.status_code == 302
    latest = QueueEntry.objects.filter(recipient__region__code="421100", acuity="general")
    assert [e.waiting for e in latest.order_by("recorded_at")] == [60, 48]


def test_a_facility_officer_requests_from_its_facility_only(client, people):
    scenario_services.load_bundle("hubei-2020-demo")
    officer = User.objects.create_user("fei_dabie", "fei@example.org", "a-long-password-1")
    account_services.grant(
        user=officer,
        programme=Facility.objects.get(name=DABIE).programme,
        role=Membership.Role.FACILITY_OFFICER,
        facility=Facility.objects.get(name=DABIE),
    )
    client.force_login(officer)
    refused = post(client, book(transfers=[_row(), _row(facility="")]))
    problems = [(p.file, p.row, p.column) for p in refused.context["problems"]]
    assert problems == [("sheet transfers", 3, "sending_code")]  # its region's queue is not its
    assert post(client, book(transfers=[_row()])).status_code == 302
    assert Transfer.objects.get().sending_facility == Facility.objects.get(name=DABIE)
