"""Staff move through the ledger as teams: a staff pledge is fulfilled by a deployment (in transit,
then received), and a rotation keeps the team it replaces on duty through the overlap."""

import datetime
from decimal import Decimal

import pytest
from tests.operations.helpers import participant, resource

from pairaid.errors import Conflict
from pairaid.operations.queries import requests as request_queries
from pairaid.operations.queries import teams as team_queries
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services

pytestmark = pytest.mark.django_db


D = datetime.date


def test_staff_flow_through_deployments_and_rotation(hubei):
    shandong, huanggang = participant("370000"), participant("421100")
    request = request_services.raise_request(
        recipient=huanggang,
        lines=[request_services.LineIn(resource("icu_nurse"), Decimal(40))],
        user=None,
    )
    pledge = request_services.pledge(
        line=request.lines.get(), donor=shandong, quantity=Decimal(30), user=None
    )
    team = team_services.register_team(
        donor=shandong,
        name="Shandong ICU team 1",
        members={resource("icu_nurse"): 30, resource("icu_doctor"): 5},
    )
    with pytest.raises(Conflict, match="deployment, not a shipment"):
        request_services.dispatch(pledge=pledge, quantity=Decimal(30))
    deployment = team_services.deploy(team=team, recipient=huanggang, pledge=pledge)
    with pytest.raises(Conflict):
        team_services.confirm_arrival(deployment=deployment)  # no arrival without dispatch
    team_services.dispatch_team(deployment=deployment, on=D(2020, 2, 12))
    assert request_queries.line_progress(request.lines.get()).in_transit == 30
    team_services.confirm_arrival(deployment=deployment, on=D(2020, 2, 13))
    assert request_queries.line_progress(request.lines.get()).received == 30
    # Rotation: team 2 replaces team 1 with 2 days of overlap.
    team2 = team_services.register_team(
        donor=shandong, name="Shandong ICU team 2", members={resource("icu_nurse"): 30}
    )
    relief = team_services.deploy(
        team=team2, recipient=huanggang, replaces=deployment, overlap_days=2, start=D(2020, 3, 1)
    )
    team_services.dispatch_team(deployment=relief, on=D(2020, 3, 1))
    team_services.confirm_arrival(deployment=relief, on=D(2020, 3, 2))
    deployment.refresh_from_db()
    assert deployment.planned_end == D(2020, 3, 4)
    assert team_queries.on_duty(deployment, D(2020, 3, 3)) and not team_queries.on_duty(
        deployment, D(2020, 3, 4)
    )
