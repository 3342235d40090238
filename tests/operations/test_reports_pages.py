"""Daily team reports through the pages: summed per recipient, overdue teams flagged."""

import datetime

import pytest
from tests.operations.helpers import pk

from pairaid.operations.models import DailyReport
from pairaid.operations.queries import reports as report_queries
from pairaid.operations.services import teams as team_services
from pairaid.programmes.models import Participant

pytestmark = pytest.mark.django_db


def test_daily_reports_aggregate_and_overdue_teams_are_flagged(client, people, hospital):
    from pairaid.registry.models import ResourceType

    nurse = ResourceType.objects.get(code="icu_nurse")
    teams = []
    for name in ("Team A", "Team B"):
        team = team_services.register_team(
            donor=Participant.objects.get(pk=pk("370000")), name=name, members={nurse: 10}
        )
        deployment = team_services.deploy(
            team=team, recipient=hospital.recipient, facility=hospital
        )
        team_services.dispatch_team(deployment=deployment)
        team_services.confirm_arrival(deployment=deployment)
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
    summary, overdue = report_queries.report_summary(hospital.programme, datetime.date(2020, 2, 12))
    assert summary[0].figures["patients_seen"] == 40 and summary[0].reports == 1
    assert overdue == ["Team B (Huanggang)"]
    client.force_login(people["recipient"])
    assert client.post("/p/hubei-2020/reports/", {"team": teams[1].pk}).status_code == 403
