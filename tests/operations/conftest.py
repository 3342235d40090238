"""Fixtures of the operations tests."""

from decimal import Decimal

import pytest


@pytest.fixture
def funds_pledge(hubei):  # type: ignore[no-untyped-def]
    """Huanggang asks for CNY 1,000,000; Shandong pledges 600,000 of it."""
    from pairaid.operations import services as ops
    from pairaid.programmes.models import Participant
    from pairaid.registry.models import ResourceType

    def participant(code: str) -> Participant:
        return Participant.objects.get(programme=hubei, region__code=code)

    request = ops.raise_request(
        recipient=participant("421100"),
        lines=[ops.LineIn(ResourceType.objects.get(code="cny"), Decimal(1_000_000))],
        user=None,
    )
    return ops.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(600_000), user=None
    )
