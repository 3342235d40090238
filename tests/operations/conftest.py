"""Fixtures of the operations tests."""

from decimal import Decimal

import pytest
from tests.operations.helpers import pk

from pairaid.operations.models import Facility


@pytest.fixture
def funds_pledge(hubei):  # type: ignore[no-untyped-def]
    """Huanggang asks for CNY 1,000,000; Shandong pledges 600,000 of it."""
    from pairaid.operations.services import requests as request_services
    from pairaid.programmes.models import Participant
    from pairaid.registry.models import ResourceType

    def participant(code: str) -> Participant:
        return Participant.objects.get(programme=hubei, region__code=code)

    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(ResourceType.objects.get(code="cny"), Decimal(1_000_000))],
        user=None,
    )
    return request_services.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(600_000), user=None
    )


@pytest.fixture
def hospital(client, people):  # type: ignore[no-untyped-def]
    client.force_login(people["recipient"])
    response = client.post(
        "/p/hubei-2020/facilities/",
        {
            "recipient": pk("421100"),
            "name": "Huanggang Dabie Mountain Regional Medical Centre",
            "kind": "hospital",
            "beds_general": "940",
            "beds_icu": "60",
            "ventilators": "30",
        },
    )
    assert response.status_code == 302
    return Facility.objects.get()
