"""The permission matrix of the annual assessment (issue 22, item 6; DESIGN.md §7), through the
API: everyone in the programme reads assessments and reviews; coordinators define them, assign
cross-checkers, score and publish; the donor's officer self-assesses, the paired recipient's
officer gives its opinion; observers read; outsiders see nothing (404) and the anonymous are
asked to log in (401). A step out of turn is a 409 that says why."""

import datetime
from decimal import Decimal

import pytest
from tests.operations.helpers import ROLES, call

from pairaid.assessment import services as assessment_services
from pairaid.assessment.models import Assessment

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programmes/hubei-2020/assessments"
CRITERIA = [
    {"code": "funds", "name": "Funds", "weight": "2"},
    {"code": "staff", "name": "Staff", "weight": "1"},
]
DUE = {
    "self_assessment_due": "2020-03-01",
    "opinion_due": "2020-03-15",
    "cross_check_due": "2020-03-31",
    "final_due": "2020-04-15",
}
SCORES = {"funds": "80", "staff": "50"}


@pytest.fixture
def review(people, hubei, shandong_huanggang):  # type: ignore[no-untyped-def]
    assessment = assessment_services.define_assessment(
        user=people["coordinator"],
        programme=hubei,
        year=2020,
        title="2020",
        criteria=[
            assessment_services.CriterionIn(c["code"], c["name"], Decimal(c["weight"]))
            for c in CRITERIA
        ],
        deadlines={k: datetime.date.fromisoformat(v) for k, v in DUE.items()},
    )
    return assessment.reviews.get(pairing=shandong_huanggang)


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True))
)
def test_reading_assessments_and_reviews(client, keys, review, role, expected):
    for path in ("", "/2020", f"/2020/reviews/{review.pk}"):
        assert call(client, keys, role, "get", BASE + path).status_code == expected, path
    if expected == 200:
        listed = call(client, keys, role, "get", BASE + "/2020").json()
        assert {r["awaits"] for r in listed["reviews"]} == {"self_assessment"}


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [201, 201, 403, 403, 403, 404, 401], strict=True))
)
def test_defining_an_assessment(client, keys, people, role, expected):
    body = {"year": 2020, "title": "2020", "criteria": CRITERIA, **DUE}
    response = call(client, keys, role, "post", BASE, body)
    assert response.status_code == expected, response.content
    assert Assessment.objects.count() == (1 if expected == 201 else 0)
    if expected == 201:
        assert len(response.json()["reviews"]) > 1


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 200, 403, 403, 404, 401], strict=True))
)
def test_the_self_assessment_is_the_donors(client, keys, review, role, expected):
    url = f"{BASE}/2020/reviews/{review.pk}/steps/self_assessment"
    response = call(client, keys, role, "post", url, {"scores": SCORES, "note": "done"})
    assert response.status_code == expected, response.content
    review.refresh_from_db()
    assert review.state == ("opinion" if expected == 200 else "self_assessment")


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 403, 200, 403, 404, 401], strict=True))
)
def test_the_opinion_is_the_paired_recipients(client, keys, people, review, role, expected):
    scores = dict.fromkeys(SCORES, Decimal(70))
    assessment_services.take_step(
        user=people["donor"], review=review, name="self_assessment", scores=scores
    )
    url = f"{BASE}/2020/reviews/{review.pk}/steps/opinion"
    response = call(client, keys, role, "post", url, {"scores": SCORES})
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 403, 403, 403, 404, 401], strict=True))
)
def test_assigning_the_cross_checker_is_the_coordinators(client, keys, review, role, expected):
    url = f"{BASE}/2020/reviews/{review.pk}/cross-checker"
    response = call(client, keys, role, "put", url, {"participant": "CN:320000"})
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["cross_checker"] == "CN:320000"


def test_a_step_out_of_turn_is_a_conflict_that_says_why(client, keys, review):
    url = f"{BASE}/2020/reviews/{review.pk}/steps/publication"
    response = call(client, keys, "coordinator", "post", url, {})
    assert response.status_code == 409
    assert "self-assessment" in response.json()["detail"][0]
