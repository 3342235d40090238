"""The demo's sample assessment of wenchuan-2008 (issue 22, item 8): illustrative throughout,
two reviews published with the overlay's projects as evidence, made once."""

import pytest

from pairaid.assessment import demo
from pairaid.assessment.models import Review

pytestmark = pytest.mark.django_db


def test_the_sample_assessment_is_illustrative_published_and_made_once(wenchuan):
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("wenchuan-2008-demo")
    coordinator = User.objects.create_user("wendy", "wendy@example.org", "a-long-password-1")
    account_services.grant(user=coordinator, programme=wenchuan, role="coordinator")
    assessment = demo.ensure_sample(wenchuan, coordinator)
    assert demo.ensure_sample(wenchuan, coordinator) == assessment
    reviews = assessment.reviews.all()
    assert assessment.illustrative and all(r.illustrative for r in reviews)
    published = reviews.filter(state=Review.State.PUBLISHED).order_by(
        "pairing__donor__region__code"
    )
    assert [r.pairing.donor.region.code for r in published] == ["370000", "440000"]
    guangdong = published.get(pairing__donor__region__code="440000")
    evidence = guangdong.entries.get(step="self_assessment").evidence.filter(kind="project")
    assert evidence.count() == 3  # the overlay's three projects of Guangdong in Wenchuan
    assert guangdong.final_score is not None and guangdong.final_score > 0
