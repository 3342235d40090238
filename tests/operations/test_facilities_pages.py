"""Facilities through the pages: the responsibility matrix flags a facility two donors claim;
capacity snapshots recorded by the recipient's officer (and a request renewed)."""

import datetime

import pytest
from tests.operations.helpers import pk

from pairaid.operations.queries import facilities as facility_queries
from pairaid.operations.services import teams as team_services
from pairaid.programmes.models import Participant

pytestmark = pytest.mark.django_db


def test_a_facility_claimed_by_two_donors_is_flagged(client, people, hospital):
    from pairaid.registry.models import ResourceType

    nurse = ResourceType.objects.get(code="icu_nurse")
    for code, name in (("370000", "Shandong team"), ("430000", "Hunan team")):
        team = team_services.register_team(
            donor=Participant.objects.get(pk=pk(code)), name=name, members={nurse: 10}
        )
        team_services.deploy(team=team, recipient=hospital.recipient, facility=hospital)
    assert facility_queries.responsibility_matrix(hospital.programme, datetime.date(2020, 2, 12))[
        0
    ].claimed_twice


def test_capacity_snapshots_and_request_renewal(client, people, hospital):
    client.force_login(people["recipient"])
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    assert f"/facilities/{hospital.pk}/snapshot" in page  # the recipient's officer records it
    response = client.post(
        f"/p/hubei-2020/facilities/{hospital.pk}/snapshot",
        {"occupied_general": "900", "open_general": "940", "occupied_icu": "65", "open_icu": "60"},
    )
    assert response.status_code == 302
    snapshot = hospital.snapshots.get()
    figures = {b.bed_type: (b.occupied, b.open) for b in snapshot.beds.all()}
    assert figures == {"general": (900, 940), "icu": (65, 60)}
    assert snapshot.date == datetime.date(2020, 2, 12)  # the programme date, in programme time
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    assert "general 900/940" in page and "ICU 65/60" in page  # beside the facility
    assert "over capacity" in page  # more ICU patients than open ICU beds: a reported surge
    assert "reported 0\xa0minutes ago" in page  # its age, in programme time
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
            f"/p/hubei-2020/facilities/{hospital.pk}/snapshot", {"occupied_general": "1"}
        ).status_code
        == 403
    )
