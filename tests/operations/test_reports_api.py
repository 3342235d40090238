"""Daily team reports through the API: filed by the team's donor's officers (filing again for
the day replaces the report), listed, and summed per recipient with the overdue teams named, as
the reports page shows them."""

import datetime

import pytest
from tests.operations.helpers import DONORS_WRITE, READ, ROLES, call, participant

from pairaid.operations.models import DailyReport
from pairaid.operations.services import reports as report_services
from pairaid.operations.services import teams as team_services
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"
FIGURES = {"patients_seen": 40, "admitted": 6, "severe": 3, "critical": 1, "staff_on_duty": 10}


@pytest.fixture
def teams(hubei):  # type: ignore[no-untyped-def]
    """Two Shandong teams on duty in Huanggang since 2020-02-10."""
    nurse = ResourceType.objects.get(code="icu_nurse")
    made = []
    for name in ("Team A", "Team B"):
        team = team_services.register_team(
            donor=participant("370000"), name=name, members={nurse: 10}
        )
        deployment = team_services.deploy(
            team=team, recipient=participant("421100"), start=datetime.date(2020, 2, 10)
        )
        team_services.dispatch_team(deployment=deployment, on=datetime.date(2020, 2, 10))
        team_services.confirm_arrival(deployment=deployment, on=datetime.date(2020, 2, 10))
        made.append(team)
    return made


@pytest.mark.parametrize("role", ROLES)
def test_filing_a_report(client, keys, teams, role):
    body = {"team": teams[0].pk, "date": "2020-02-12", **FIGURES}
    response = call(client, keys, role, "post", f"{BASE}/reports", body)
    assert response.status_code == DONORS_WRITE[role], response.content
    assert DailyReport.objects.count() == (1 if response.status_code == 201 else 0)
    if response.status_code == 201:
        report = response.json()
        assert (report["team_name"], report["donor"], report["date"]) == (
            "Team A",
            "CN:370000",
            "2020-02-12",
        )
        assert report["figures"] == dict.fromkeys(DailyReport.FIGURES, 0) | FIGURES


def test_filing_again_for_the_day_replaces_the_report(client, keys, teams):
    for seen in (40, 45):
        body = {"team": teams[0].pk, "date": "2020-02-12", "patients_seen": seen}
        assert call(client, keys, "donor", "post", f"{BASE}/reports", body).status_code == 201
    listed = call(client, keys, "observer", "get", f"{BASE}/reports").json()
    assert listed["count"] == 1 and listed["items"][0]["figures"]["patients_seen"] == 45


@pytest.mark.parametrize(
    "change, field",
    [
        ({"deaths": -1}, "deaths"),
        ({"admitted": 1.5}, "admitted"),
        ({"severe": "3"}, "severe"),
        ({"team": 999999}, "team"),
        ({"team": True}, "team"),
        ({"date": "2020-02-30"}, "date"),
    ],
)
def test_bad_reports_are_refused_naming_the_field(client, keys, teams, change, field):
    body = {"team": teams[0].pk, "date": "2020-02-12", **FIGURES} | change
    response = call(client, keys, "coordinator", "post", f"{BASE}/reports", body)
    assert response.status_code == 400, response.content
    assert field in " ".join(response.json()["detail"])


def test_a_team_of_another_programme_is_no_team_here(client, keys, teams):
    url = "/api/v1/programmes/wenchuan-2008/reports"
    response = call(client, keys, "outsider", "post", url, {"team": teams[0].pk})
    assert response.status_code == 400 and DailyReport.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_the_summary_sums_per_recipient_and_names_the_overdue(client, keys, teams, role):
    report_services.file_report(team=teams[0], on=datetime.date(2020, 2, 12), **FIGURES)
    response = call(client, keys, role, "get", f"{BASE}/reports/summary?date=2020-02-12")
    assert response.status_code == READ[role]
    if response.status_code != 200:
        return
    day = response.json()
    assert day["date"] == "2020-02-12"
    assert [
        (r["recipient"], r["reports"], r["figures"]["patients_seen"]) for r in day["recipients"]
    ] == [("CN:421100", 1, 40)]
    assert [(o["team_name"], o["recipient"]) for o in day["overdue"]] == [("Team B", "CN:421100")]


def test_reports_are_listed_latest_first_and_filtered(client, keys, teams):
    for day in (10, 11, 12):
        for team in teams:
            report_services.file_report(team=team, on=datetime.date(2020, 2, day))
    listed = call(client, keys, "observer", "get", f"{BASE}/reports?page_size=4").json()
    assert listed["count"] == 6
    assert [(r["date"], r["team_name"]) for r in listed["items"]] == [
        ("2020-02-12", "Team A"),
        ("2020-02-12", "Team B"),
        ("2020-02-11", "Team A"),
        ("2020-02-11", "Team B"),
    ]
    one_day = call(client, keys, "observer", "get", f"{BASE}/reports?date=2020-02-10").json()
    assert one_day["count"] == 2
    one_team = call(client, keys, "observer", "get", f"{BASE}/reports?team={teams[1].pk}").json()
    assert {r["team_name"] for r in one_team["items"]} == {"Team B"}
    bad = call(client, keys, "observer", "get", f"{BASE}/reports?date=yesterday")
    assert bad.status_code == 400
