"""The league table can rank the donors by their published assessment scores (issue 22, item
6): a published score shows, with its year; a score not yet published does not."""

import datetime
from decimal import Decimal

import pytest

from pairaid.assessment import services as assessment_services
from pairaid.operations.queries import league as league_queries
from pairaid.operations.views import league as league_views

pytestmark = pytest.mark.django_db
FULL = {"organisation": Decimal(90), "funds": Decimal(90), "results": Decimal(90)}


def run_to(review, people, last):  # type: ignore[no-untyped-def]
    """Take the review's steps up to `last`, as the coordinator (whose standing allows each;
    tests/assessment/test_cycle.py takes them as each side)."""
    jiangsu = review.assessment.programme.participants.get(region__code="320000", role="donor")
    assessment_services.assign_cross_checker(
        user=people["coordinator"], review=review, participant=jiangsu
    )
    for name, step in assessment_services.STEPS.items():
        scores = FULL if step.scored else {}
        assessment_services.take_step(
            user=people["coordinator"], review=review, name=name, scores=scores
        )
        if name == last:
            return


def test_the_league_ranks_by_published_score_and_shows_only_published_ones(
    client, people, hubei, assessment, shandong_huanggang
):
    published = assessment.reviews.get(pairing=shandong_huanggang)
    run_to(published, people, "publication")
    scored = assessment.reviews.exclude(pairing__donor=shandong_huanggang.donor).first()
    run_to(scored, people, "final")  # scored, not published: not shown
    # The league page's own query and sort (the page adds coverage, slow and beside the point).
    table = league_queries.league_table(hubei, datetime.date(2020, 3, 1))
    rows = league_views.sort_league(league_queries.as_rows(table), "assessment_score")
    assert (rows[0]["donor_code"], rows[0]["assessment_score"], rows[0]["assessment_year"]) == (
        "370000",
        90.0,
        2020,
    )
    assert all(r["assessment_score"] is None for r in rows[1:])
    client.force_login(people["observer"])
    shown = client.get("/p/hubei-2020/assessments/2020/")
    assert shown.context["published"] == [published]
