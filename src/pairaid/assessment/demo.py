"""The demo's sample assessment of wenchuan-2008 (issue 22, item 8): the 2009 assessment of the
reconstruction pairing, every part of it illustrative — its criteria, deadlines, scores and
notes are invented for the demo and flagged so (`illustrative` on the assessment and its
reviews); nothing in it is a fact or feeds a verdict. Two donors' reviews run the whole cycle
and are published, with the wenchuan-2008-demo overlay's projects and results as evidence; the
rest await their self-assessment. Kept as a demo step rather than in the overlay's bundle, so
that the bundle format does not change (`pairaid demo setup` runs it, once).

The steps go through the services, as the demo's coordinator (whose standing allows each), so
the cycle's rules hold for the sample as for real data."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from pairaid.assessment import services
from pairaid.assessment.models import Assessment, Evidence
from pairaid.programmes.models import Programme
from pairaid.projects.models import Project, ResultIndicator

YEAR = 2009
TITLE = "2009 assessment of the counterpart reconstruction (illustrative sample)"
CRITERIA = [
    services.CriterionIn("organisation", "Organisation and leadership", Decimal(1)),
    services.CriterionIn("funds", "Funds", Decimal(2)),
    services.CriterionIn("projects", "Projects built and handed over", Decimal(2)),
    services.CriterionIn("staff", "Staff exchange", Decimal(1)),
]
DEADLINES = {
    "self_assessment_due": datetime.date(2010, 1, 31),
    "opinion_due": datetime.date(2010, 2, 28),
    "cross_check_due": datetime.date(2010, 3, 31),
    "final_due": datetime.date(2010, 4, 30),
}
# (donor, recipient, cross-checking donor): the pairs whose reviews run to publication, and the
# invented scores of each step, criterion by criterion in CRITERIA's order.
PUBLISHED = [("440000", "513221", "320000"), ("370000", "510726", "110000")]
SCORES: dict[str, tuple[int, ...]] = {
    "self_assessment": (95, 90, 92, 85),
    "opinion": (90, 85, 88, 80),
    "cross_check": (88, 84, 86, 78),
}
FINAL: dict[str, tuple[int, ...]] = {
    "440000": (90, 85, 88, 80),
    "370000": (85, 80, 84, 75),
}  # by donor
DAYS = {
    "self_assessment": datetime.date(2010, 1, 25),
    "opinion": datetime.date(2010, 2, 20),
    "cross_check": datetime.date(2010, 3, 25),
    "final": datetime.date(2010, 4, 25),
    "publication": datetime.date(2010, 5, 10),
}
NOTE = "Illustrative sample: invented for the demo."


def _evidence(programme: Programme, donor: str, recipient: str) -> list[tuple[str, int]]:
    """The overlay's projects of the pair, and their results."""
    projects = Project.objects.filter(
        programme=programme,
        pairing__donor__region__code=donor,
        pairing__recipient__region__code=recipient,
    )
    rows = [(str(Evidence.Kind.PROJECT), p.pk) for p in projects]
    results = ResultIndicator.objects.filter(project__in=projects)
    return rows + [(str(Evidence.Kind.RESULT), r.pk) for r in results]


@transaction.atomic
def ensure_sample(programme: Programme, coordinator: Any) -> Assessment:
    """The sample assessment, made once; an existing assessment of the year is left as it is."""
    found = programme.assessments.filter(year=YEAR).first()
    if found is not None:
        return found
    assessment = services.define_assessment(
        user=coordinator,
        programme=programme,
        year=YEAR,
        title=TITLE,
        criteria=CRITERIA,
        deadlines=DEADLINES,
        illustrative=True,
    )
    codes = [c.code for c in CRITERIA]
    for donor, recipient, checker in PUBLISHED:
        review = assessment.reviews.filter(
            pairing__donor__region__code=donor, pairing__recipient__region__code=recipient
        ).first()
        if review is None:
            continue  # the base bundle no longer pairs them: nothing to illustrate
        services.assign_cross_checker(
            user=coordinator,
            review=review,
            participant=programme.participants.get(region__code=checker, role="donor"),
        )
        for name in services.STEPS:
            given = FINAL[donor] if name == "final" else SCORES.get(name, ())
            scores = dict(zip(codes, map(Decimal, given), strict=False))
            services.take_step(
                user=coordinator,
                review=review,
                name=name,
                scores=scores,
                note=NOTE,
                evidence=_evidence(programme, donor, recipient)
                if name == "self_assessment"
                else [],
                on=DAYS[name],
            )
    return assessment
