"""Teams, deployments and rotations, facilities with the responsibility matrix, contacts and
daily reports through the pages, with their region-scoped permissions."""

import datetime

import pytest

from pairaid.operations import ledger
from pairaid.operations.models import Contact, DailyReport, Deployment, Facility, Team
from pairaid.programmes.models import Participant

pytestmark = pytest.mark.django_db


def pk(code: str) -> int:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code).pk


@pytest.fixture
def hospital(client, people):  # type: ignore[no-untyped-def]
    client.force_login(people["recipient"])
    response = client.post(
        "/p/hubei-2020/facilities/",
        {
            "recipient": pk("421100"),
            "name": "Huanggang Dabie Mountain Regional Medical Centre",
            "kind": "hospital",
            "beds": "1000",
            "icu_beds": "60",
        },
    )
    assert response.status_code == 302
    return Facility.objects.get()


@pytest.mark.parametrize(
    "role, expected",
    [
        ("donor", 302),
        ("coordinator", 302),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_who_registers_a_shandong_team(client, people, role, expected):
    client.force_login(people[role])
    response = client.post(
        "/p/hubei-2020/teams/",
        {"donor": pk("370000"), "name": "Shandong team 1", "members": "icu_nurse:30, icu_doctor:5"},
    )
    assert response.status_code == expected
    assert Team.objects.count() == (1 if expected == 302 else 0)


def test_deploy_dispatch_arrive_rotate_and_the_responsibility_matrix(client, people, hospital):
    client.force_login(people["donor"])
    client.post(
        "/p/hubei-2020/teams/",
        {"donor": pk("370000"), "name": "Shandong team 1", "members": "icu_nurse:30"},
    )
    team = Team.objects.get()
    matrix = ledger.responsibility_matrix(team.programme, datetime.date(2020, 2, 12))
    assert matrix[0].uncovered
    assert (
        client.post(
            f"/p/hubei-2020/teams/{team.pk}/deploy",
            {"recipient": pk("421100"), "facility": hospital.pk},
        ).status_code
        == 302
    )
    deployment = Deployment.objects.get()
    assert client.post(f"/p/hubei-2020/deployments/{deployment.pk}/dispatch").status_code == 302
    # Only the recipient confirms the arrival.
    assert client.post(f"/p/hubei-2020/deployments/{deployment.pk}/arrive").status_code == 403
    client.force_login(people["recipient"])
    assert client.post(f"/p/hubei-2020/deployments/{deployment.pk}/arrive").status_code == 302
    deployment.refresh_from_db()
    assert deployment.status == "arrived" and deployment.arrived_on == datetime.date(2020, 2, 12)
    matrix = ledger.responsibility_matrix(team.programme, datetime.date(2020, 2, 12))
    assert matrix[0].donors == ["Shandong"] and not matrix[0].uncovered
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    assert "Dabie Mountain" in page and "Shandong" in page


def test_a_facility_claimed_by_two_donors_is_flagged(client, people, hospital):
    from pairaid.operations import services as ops
    from pairaid.registry.models import ResourceType

    nurse = ResourceType.objects.get(code="icu_nurse")
    for code, name in (("370000", "Shandong team"), ("430000", "Hunan team")):
        team = ops.register_team(
            donor=Participant.objects.get(pk=pk(code)), name=name, members={nurse: 10}
        )
        ops.deploy(team=team, recipient=hospital.recipient, facility=hospital)
    assert ledger.responsibility_matrix(hospital.programme, datetime.date(2020, 2, 12))[
        0
    ].claimed_twice


def test_contacts_hide_personal_data_from_observers(client, people):
    client.force_login(people["recipient"])
    response = client.post(
        "/p/hubei-2020/contacts/",
        {
            "participant": pk("421100"),
            "name": "Li Wei",
            "role": "health commission liaison",
            "phone": "+86 713 000 0000",
            "email": "li@example.org",
        },
    )
    assert response.status_code == 302 and Contact.objects.count() == 1
    assert "+86 713 000 0000" in client.get("/p/hubei-2020/contacts/").content.decode()
    client.force_login(people["observer"])
    body = client.get("/p/hubei-2020/contacts/").content.decode()
    assert "Li Wei" in body and "+86 713" not in body and "li@example.org" not in body
    assert (
        client.post(
            "/p/hubei-2020/contacts/", {"participant": pk("421100"), "name": "X", "role": "Y"}
        ).status_code
        == 403
    )


def test_daily_reports_aggregate_and_overdue_teams_are_flagged(client, people, hospital):
    from pairaid.operations import services as ops
    from pairaid.registry.models import ResourceType

    nurse = ResourceType.objects.get(code="icu_nurse")
    teams = []
    for name in ("Team A", "Team B"):
        team = ops.register_team(
            donor=Participant.objects.get(pk=pk("370000")), name=name, members={nurse: 10}
        )
        deployment = ops.deploy(team=team, recipient=hospital.recipient, facility=hospital)
        ops.dispatch_team(deployment=deployment)
        ops.confirm_arrival(deployment=deployment)
        teams.append(team)
    client.force_login(people["donor"])
    response = client.post(
        "/p/hubei-2020/reports/",
        {
            "team": teams[0].pk,
            "date": "2020-02-12",
            "patients_seen": "40",
            "admitted": "6",
            "severe": "3",
            "critical": "1",
            "recovered": "2",
            "deaths": "0",
            "staff_on_duty": "10",
        },
    )
    assert response.status_code == 302 and DailyReport.objects.count() == 1
    summary, overdue = ledger.report_summary(hospital.programme, datetime.date(2020, 2, 12))
    assert summary[0].patients_seen == 40 and summary[0].reports == 1
    assert overdue == ["Team B (Huanggang)"]
    client.force_login(people["recipient"])
    assert client.post("/p/hubei-2020/reports/", {"team": teams[1].pk}).status_code == 403


def test_capacity_snapshots_and_request_renewal(client, people, hospital):
    client.force_login(people["recipient"])
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    assert f"/facilities/{hospital.pk}/snapshot" in page  # the recipient's officer records it
    response = client.post(
        f"/p/hubei-2020/facilities/{hospital.pk}/snapshot",
        {
            "beds_occupied": "900",
            "beds_available": "100",
            "icu_occupied": "55",
            "icu_available": "5",
        },
    )
    assert response.status_code == 302
    snapshot = hospital.snapshots.get()
    assert (snapshot.beds_occupied, snapshot.icu_available, snapshot.date) == (
        900,
        5,
        datetime.date(2020, 2, 12),
    )
    client.post(
        "/p/hubei-2020/requests/",
        {
            "recipient": pk("421100"),
            "resource_type": "ventilator",
            "quantity": "4",
            "priority": "high",
        },
    )
    from pairaid.operations.models import Request

    request = Request.objects.get()
    request.expires_on = datetime.date(2020, 2, 11)
    request.save()
    assert client.post(f"/p/hubei-2020/requests/{request.number}/renew").status_code == 302
    request.refresh_from_db()
    assert request.expires_on > datetime.date(2020, 2, 12)
    client.force_login(people["donor"])
    assert client.post(f"/p/hubei-2020/requests/{request.number}/renew").status_code == 403
    assert (
        client.post(
            f"/p/hubei-2020/facilities/{hospital.pk}/snapshot", {"beds_occupied": "1"}
        ).status_code
        == 403
    )
