"""Creating pairings by hand: everything DESIGN.md §2 forbids is refused with its reason."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from pairaid.errors import ValidationFailed
from pairaid.pairing import services as pairing_services
from pairaid.pairing.models import Pairing
from pairaid.pairing.rules import degree_violations
from pairaid.programmes.models import Participant
from pairaid.registry.models import Region

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def test_a_valid_manual_pairing_defaults_to_the_programme_date(hubei):
    Pairing.objects.filter(programme=hubei, recipient__region__code="422800").delete()
    pairing = pairing_services.create_pairing(
        programme=hubei, donor=region("120000"), recipient=region("422800")
    )
    assert pairing.status == "proposed" and pairing.origin == "manual"
    assert pairing.valid_from == datetime.date(2020, 2, 12)


def test_no_pairing_of_a_region_with_itself(hubei):
    Participant.objects.create(programme=hubei, region=region("370000"), role="recipient")
    with pytest.raises(ValidationFailed, match="cannot be paired with itself"):
        pairing_services.create_pairing(
            programme=hubei, donor=region("370000"), recipient=region("370000")
        )


def test_donor_and_recipient_must_be_participants_in_those_roles(hubei):
    with pytest.raises(ValidationFailed) as failure:
        pairing_services.create_pairing(
            programme=hubei, donor=region("421100"), recipient=region("370000")
        )
    messages = [str(p) for p in failure.value.problems]
    assert messages == [
        "column donor: Huanggang is not a donor of hubei-2020",
        "column recipient: Shandong is not a recipient of hubei-2020",
    ]


def test_no_two_live_pairings_of_the_same_pair(hubei):
    before = Pairing.objects.count()
    with pytest.raises(ValidationFailed, match="already paired"):
        pairing_services.create_pairing(
            programme=hubei, donor=region("370000"), recipient=region("421100")
        )
    assert Pairing.objects.count() == before


def test_the_database_also_refuses_two_active_pairings_of_a_pair(hubei):
    existing = Pairing.objects.get(programme=hubei, donor__region__code="370000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            programme=hubei, donor=existing.donor, recipient=existing.recipient, status="active"
        )


def test_rule_limits_are_respected_or_the_violation_named(hubei):
    before = Pairing.objects.count()
    # Xiaogan already has two donors; the programme allows at most two.
    with pytest.raises(ValidationFailed) as failure:
        pairing_services.create_pairing(
            programme=hubei, donor=region("370000"), recipient=region("420900")
        )
    assert "recipient CN:420900 has 3 donors; the programme allows at most 2" in str(failure.value)
    assert Pairing.objects.count() == before  # rolled back


def test_the_historical_plan_meets_its_own_rules(hubei):
    assert pairing_services.rule_violations(programme=hubei) == []


def test_degree_violations_counts_each_pair_once():
    pairs = [("a", "x"), ("a", "y"), ("a", "y"), ("b", "x")]
    found = degree_violations(pairs, max_donors_per_recipient=1, max_recipients_per_donor=1)
    assert [str(v) for v in found] == [
        "recipient x has 2 donors; the programme allows at most 1 (max_donors_per_recipient)",
        "donor a serves 2 recipients; the programme allows at most 1 (max_recipients_per_donor)",
    ]


def test_negative_allocation_is_refused(hubei):
    pairing = Pairing.objects.filter(programme=hubei).first()
    from decimal import Decimal

    from pairaid.registry.models import ResourceType, Source

    with pytest.raises(ValidationFailed, match="must be 0 or more"):
        pairing_services.add_allocation(
            pairing=pairing,
            resource_type=ResourceType.objects.get(code="doctor"),
            quantity=Decimal(-1),
            source=Source.objects.first(),
        )
