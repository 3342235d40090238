"""The assessment's pages: the coordinator defines a year's assessment from the page's form
(criteria one a line), a bad line is named; the review's page offers its step's form to the
side whose step it is, takes it, and refuses it to another (403)."""

import pytest

from pairaid.assessment.models import Assessment, Review

pytestmark = pytest.mark.django_db
DUE = {
    "self_assessment_due": "2020-03-01",
    "opinion_due": "2020-03-15",
    "cross_check_due": "2020-03-31",
    "final_due": "2020-04-15",
}


def test_the_coordinator_defines_an_assessment_on_the_page(client, people, hubei):
    client.force_login(people["coordinator"])
    url = "/p/hubei-2020/assessments/"
    bad = client.post(url, {"year": 2020, "title": "2020", "criteria": "funds | Funds", **DUE})
    assert bad.status_code == 400 and "Line 1" in bad.content.decode()
    good = client.post(
        url,
        {"year": 2020, "title": "2020", "criteria": "funds | Funds | 2\nstaff | Staff | 1", **DUE},
    )
    assert good.status_code == 302 and good["Location"] == "/p/hubei-2020/assessments/2020/"
    assessment = Assessment.objects.get(programme=hubei, year=2020)
    assert [(c.code, c.weight) for c in assessment.criteria.all()] == [("funds", 2), ("staff", 1)]
    client.force_login(people["donor"])
    assert "define-assessment" not in client.get(url).content.decode()


def test_the_review_page_offers_the_step_to_its_side_only(client, people, review, project):
    url = f"/p/hubei-2020/assessments/2020/reviews/{review.pk}/"
    client.force_login(people["recipient"])
    assert 'id="take-step"' not in client.get(url).content.decode()
    step = url + "steps/self_assessment"
    scores = {"score_organisation": "80", "score_funds": "70", "score_results": "90"}
    assert client.post(step, scores).status_code == 403
    client.force_login(people["donor"])
    page = client.get(url).content.decode()
    assert 'id="take-step"' in page and "Township middle school" in page  # evidence offered
    taken = client.post(step, {**scores, "evidence": [f"project:{project.pk}"]})
    assert taken.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.OPINION
    assert list(review.entries.get().evidence.values_list("row", flat=True)) == [project.pk]
