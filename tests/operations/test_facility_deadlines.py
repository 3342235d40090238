"""The daily reporting deadline in programme time: which facilities missed the latest one
(overdue), on the Facilities page and in the API."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from tests.operations.helpers import call, participant

from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.services import facilities as facility_services
from pairaid.programmes.models import Programme

BEIJING = ZoneInfo("Asia/Shanghai")
NOON = datetime.time(12, 0)
GENERAL = {"general": {"open": 100, "occupied": 90}}


def test_the_latest_deadline_is_todays_once_its_time_has_come() -> None:
    after = datetime.datetime(2020, 2, 12, 12, 0, tzinfo=BEIJING)
    before = datetime.datetime(2020, 2, 12, 11, 59, tzinfo=BEIJING)
    assert facility_queries.latest_deadline(after, NOON) == after
    assert facility_queries.latest_deadline(before, NOON) == datetime.datetime(
        2020, 2, 11, 12, 0, tzinfo=BEIJING
    )


def _hospital(name: str, reported_utc: datetime.datetime | None):  # type: ignore[no-untyped-def]
    facility = facility_services.register_facility(recipient=participant("421100"), name=name)
    if reported_utc is not None:
        facility_services.record_snapshot(facility=facility, beds=GENERAL, reported_at=reported_utc)
    return facility_queries.facilities(facility.programme).get(pk=facility.pk)


@pytest.mark.django_db
def test_a_report_at_11_59_programme_time_is_on_time_and_one_at_12_01_is_overdue(
    hubei: Programme,
) -> None:
    # Given in UTC: 03:59 and 04:01 are 11:59 and 12:01 in Beijing, the programme's zone.
    early = _hospital("Early", datetime.datetime(2020, 2, 12, 3, 59, tzinfo=datetime.UTC))
    late = _hospital("Late", datetime.datetime(2020, 2, 12, 4, 1, tzinfo=datetime.UTC))
    silent = _hospital("Silent", None)
    deadline = datetime.datetime(2020, 2, 12, 12, 0, tzinfo=BEIJING)
    assert [facility_queries.overdue(f, deadline) for f in (early, late, silent)] == [
        False,
        True,
        True,
    ]
    # The same moments in a programme on Berlin time (UTC+1 in February) were both on time,
    # on 2020-02-12 at 04:59 and 05:01, long before noon there.
    hubei.time_zone = "Europe/Berlin"
    hubei.save()
    berlin_noon = datetime.datetime(2020, 2, 12, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    again = facility_queries.facilities(hubei).get(pk=late.pk)
    assert again.snapshots.get().date == datetime.date(2020, 2, 12)
    assert facility_queries.overdue(again, berlin_noon) is False


@pytest.mark.django_db
def test_overdue_facilities_are_listed_on_the_page_and_in_the_api(client, keys, people) -> None:  # type: ignore[no-untyped-def]
    hubei = Programme.objects.get(slug="hubei-2020")
    # A deadline at midnight has always passed on the programme date (2020-02-12), whatever
    # the hour of the test: a report at 00:00 that day is on time, none is overdue.
    hubei.report_deadline = datetime.time(0, 0)
    hubei.save()
    _hospital("On time", datetime.datetime(2020, 2, 12, 0, 0, tzinfo=BEIJING))
    _hospital("Silent", None)
    listed = call(client, keys, "observer", "get", "/api/v1/programmes/hubei-2020/facilities")
    assert [(f["name"], f["overdue"]) for f in listed.json()["items"]] == [
        ("On time", False),
        ("Silent", True),
    ]
    client.force_login(people["observer"])
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    assert "1 facility has not reported its beds by 2020-02-12 00:00 (Asia/Shanghai)." in page


@pytest.mark.django_db
def test_the_page_speaks_chinese(client, people, hubei: Programme) -> None:  # type: ignore[no-untyped-def]
    _hospital("Silent", None)
    client.force_login(people["observer"])
    page = client.get("/p/hubei-2020/facilities/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    text = page.decode()
    assert "逾期" in text and "各类床位" in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "recipient", "observer"])
def test_a_coordinator_sets_the_time_zone_and_deadline(client, keys, role) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/programmes/hubei-2020/reporting"
    body = {"time_zone": "Asia/Urumqi", "report_deadline": "10:00"}
    response = call(client, keys, role, "post", url, body)
    hubei = Programme.objects.get(slug="hubei-2020")
    if role == "coordinator":
        assert response.status_code == 200
        assert (response.json()["time_zone"], response.json()["report_deadline"]) == (
            "Asia/Urumqi",
            "10:00",
        )
        assert (hubei.time_zone, hubei.report_deadline) == ("Asia/Urumqi", datetime.time(10))
    else:
        assert response.status_code == 403
        assert (hubei.time_zone, hubei.report_deadline) == ("Asia/Shanghai", NOON)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"time_zone": "Mars/Olympus", "report_deadline": "12:00"},
        {"time_zone": "Asia/Shanghai", "report_deadline": "12:00+08:00"},
        {"time_zone": "x" * 65, "report_deadline": "12:00"},
    ],
)
def test_a_bad_time_zone_or_deadline_is_refused(client, keys, body) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/programmes/hubei-2020/reporting"
    response = call(client, keys, "coordinator", "post", url, body)
    assert response.status_code == 400
    assert Programme.objects.get(slug="hubei-2020").time_zone == "Asia/Shanghai"
