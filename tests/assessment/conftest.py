"""An assessment of hubei-2020's year 2020 with three weighted criteria, and the officer of a
third donor (Jiangsu) to cross-check Shandong → Huanggang."""

import datetime
from decimal import Decimal

import pytest

from pairaid.assessment import services as assessment_services

DEADLINES = {
    "self_assessment_due": datetime.date(2020, 3, 1),
    "opinion_due": datetime.date(2020, 3, 15),
    "cross_check_due": datetime.date(2020, 3, 31),
    "final_due": datetime.date(2020, 4, 15),
}
CRITERIA = [
    assessment_services.CriterionIn("organisation", "Organisation", Decimal(1)),
    assessment_services.CriterionIn("funds", "Funds", Decimal(2)),
    assessment_services.CriterionIn("results", "Results", Decimal(1)),
]


@pytest.fixture
def assessment(people):  # type: ignore[no-untyped-def]
    from pairaid.programmes.models import Programme

    return assessment_services.define_assessment(
        user=people["coordinator"],
        programme=Programme.objects.get(slug="hubei-2020"),
        year=2020,
        title="2020 assessment",
        criteria=CRITERIA,
        deadlines=DEADLINES,
    )


@pytest.fixture
def review(assessment, shandong_huanggang):  # type: ignore[no-untyped-def]
    return assessment.reviews.get(pairing=shandong_huanggang)


@pytest.fixture
def checker(people, hubei):  # type: ignore[no-untyped-def]
    """Jiangsu's donor officer, and Jiangsu as a participant of hubei-2020."""
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User

    jiangsu = hubei.participants.get(region__code="320000", role="donor")
    user = User.objects.create_user("jin_jiangsu", "jin@example.org", "a-long-password-1")
    account_services.grant(user=user, programme=hubei, role="donor_officer", region=jiangsu.region)
    return user, jiangsu
