"""The annual assessment through the API: list and define assessments (coordinators), read one
with its reviews, assign a review's cross-checker, read a review with its steps, and take the
step it awaits. The permissions and the cycle are the services' own (assessment.services)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.assessment import queries as assessment_queries
from pairaid.assessment import services as assessment_services
from pairaid.assessment.models import Assessment, Criterion, Evidence, Review, StepEntry
from pairaid.errors import NotFound
from pairaid.programmes import queries as participant_queries
from pairaid.programmes.models import Programme

router = Router(tags=["assessment"])

StepName = Annotated[
    str, Field(max_length=30, description="one of " + ", ".join(assessment_services.STEPS))
]
Year = Annotated[int, Field(ge=1949, le=2100)]
ScoreValue = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class CriterionIn(Schema):
    code: Annotated[str, Field(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")]
    name: Annotated[str, api_fields.text(Criterion, "name")]
    weight: Annotated[Decimal, api_fields.amount(Criterion, "weight")]


class AssessmentIn(Schema):
    year: Year
    title: Annotated[str, api_fields.text(Assessment, "title")]
    criteria: list[CriterionIn] = Field(max_length=50)
    self_assessment_due: datetime.date
    opinion_due: datetime.date
    cross_check_due: datetime.date
    final_due: datetime.date


class CrossCheckerIn(Schema):
    participant: Annotated[str, Field(max_length=300, description="a region's reference")]
    role: Literal["donor", "recipient"] = "donor"


class EvidenceIn(Schema):
    kind: Evidence.Kind
    id: Annotated[int, api_fields.identifier()]


class StepIn(Schema):
    scores: dict[Annotated[str, Field(max_length=40)], ScoreValue] = Field(
        default_factory=dict, description="a score (0–100) per criterion code"
    )
    note: Annotated[str, Field(max_length=4000)] = ""
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=200)
    on: datetime.date | None = Field(None, description="the programme date if absent")


class CriterionOut(Schema):
    code: str
    name: str
    weight: Decimal


class ReviewOut(Schema):
    id: int
    donor: str
    recipient: str
    cross_checker: str | None
    state: str
    awaits: str | None = Field(description="the step the review awaits (none once published)")
    final_score: Decimal | None
    published_on: datetime.date | None
    illustrative: bool


class AssessmentOut(Schema):
    year: int
    title: str
    self_assessment_due: datetime.date
    opinion_due: datetime.date
    cross_check_due: datetime.date
    final_due: datetime.date
    criteria: list[CriterionOut]
    illustrative: bool


class AssessmentDetailOut(AssessmentOut):
    reviews: list[ReviewOut]


class EvidenceOut(Schema):
    kind: str
    id: int


class StepOut(Schema):
    step: str
    by: str | None
    on: datetime.date
    at: datetime.datetime
    note: str
    scores: dict[str, Decimal]
    evidence: list[EvidenceOut]


class ReviewDetailOut(ReviewOut):
    steps: list[StepOut]


def _assessment_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "year": assessment.year,
        "title": assessment.title,
        **{name: getattr(assessment, name) for name in assessment_services.DEADLINES},
        "criteria": list(assessment.criteria.all()),
        "illustrative": assessment.illustrative,
    }


def _review_out(review: Review) -> dict[str, Any]:
    checker = review.cross_checker
    return {
        "id": review.pk,
        "donor": review.pairing.donor.region.reference,
        "recipient": review.pairing.recipient.region.reference,
        "cross_checker": checker.region.reference if checker else None,
        "state": review.state,
        "awaits": assessment_services.awaited_step(review),
        "final_score": review.final_score,
        "published_on": review.published_on,
        "illustrative": review.illustrative,
    }


def _step_out(entry: StepEntry) -> dict[str, Any]:
    return {
        "step": entry.step,
        "by": entry.by.username if entry.by else None,
        "on": entry.on,
        "at": entry.at,
        "note": entry.note,
        "scores": {score.criterion.code: score.value for score in entry.scores.all()},
        "evidence": [{"kind": e.kind, "id": e.row} for e in entry.evidence.all()],
    }


def _assessment(programme: Programme, year: int) -> Assessment:
    found = programme.assessments.filter(year=year).first()
    if found is None:
        raise NotFound(
            gettext("no assessment of %(year)s in %(slug)s")
            % {"year": year, "slug": programme.slug}
        )
    return found


def _review(request: HttpRequest, slug: str, year: int, review_id: int) -> Review:
    programme = permissions.programme_for(request.user, slug)
    review = assessment_queries.reviews(_assessment(programme, year)).filter(pk=review_id).first()
    if review is None:
        raise NotFound(
            gettext("no review %(id)s in the assessment of %(year)s")
            % {"id": review_id, "year": year}
        )
    return review


def _review_detail(review: Review) -> dict[str, Any]:
    steps = [_step_out(entry) for entry in assessment_queries.entries(review)]
    return {**_review_out(review), "steps": steps}


@router.get(
    "/programmes/{slug}/assessments",
    response=list[AssessmentOut],
    summary="The programme's annual assessments, latest first",
)
def list_assessments(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    return [_assessment_out(a) for a in programme.assessments.prefetch_related("criteria")]


@router.post(
    "/programmes/{slug}/assessments",
    response={201: AssessmentDetailOut},
    summary="Define a year's assessment (coordinators): criteria, weights and deadlines; a "
    "review opens for each pairing in force that year",
)
def define_assessment(request: HttpRequest, slug: str, payload: AssessmentIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    assessment = assessment_services.define_assessment(
        user=request.user,
        programme=programme,
        year=payload.year,
        title=payload.title,
        criteria=[
            assessment_services.CriterionIn(c.code, c.name, c.weight) for c in payload.criteria
        ],
        deadlines={name: getattr(payload, name) for name in assessment_services.DEADLINES},
    )
    return Status(201, _detail(assessment))


def _detail(assessment: Assessment) -> dict[str, Any]:
    reviews = [_review_out(r) for r in assessment_queries.reviews(assessment)]
    return {**_assessment_out(assessment), "reviews": reviews}


@router.get(
    "/programmes/{slug}/assessments/{year}",
    response=AssessmentDetailOut,
    summary="A year's assessment with its reviews (one per pairing)",
)
def get_assessment(request: HttpRequest, slug: str, year: Year) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    return _detail(_assessment(programme, year))


@router.get(
    "/programmes/{slug}/assessments/{year}/reviews/{review_id}",
    response=ReviewDetailOut,
    summary="A review with its steps: who, when, the scores and the evidence",
)
def get_review(request: HttpRequest, slug: str, year: Year, review_id: int) -> dict[str, Any]:
    return _review_detail(_review(request, slug, year, review_id))


@router.put(
    "/programmes/{slug}/assessments/{year}/reviews/{review_id}/cross-checker",
    response=ReviewDetailOut,
    summary="Assign the third participant that cross-checks the review (coordinators)",
)
def assign_cross_checker(
    request: HttpRequest, slug: str, year: Year, review_id: int, payload: CrossCheckerIn
) -> dict[str, Any]:
    review = _review(request, slug, year, review_id)
    participant = participant_queries.participant(
        review.assessment.programme, payload.participant, role=payload.role, field="participant"
    )
    assessment_services.assign_cross_checker(
        user=request.user, review=review, participant=participant
    )
    return _review_detail(_review(request, slug, year, review_id))


@router.post(
    "/programmes/{slug}/assessments/{year}/reviews/{review_id}/steps/{step}",
    response=ReviewDetailOut,
    summary="Take the step the review awaits: self_assessment (the donor's officer), opinion "
    "(the recipient's), cross_check (the assigned participant's), final, publication "
    "(coordinators)",
)
def take_step(
    request: HttpRequest, slug: str, year: Year, review_id: int, step: StepName, payload: StepIn
) -> dict[str, Any]:
    assessment_services.take_step(
        user=request.user,
        review=_review(request, slug, year, review_id),
        name=step,
        scores=dict(payload.scores),
        note=payload.note,
        evidence=[(str(e.kind), e.id) for e in payload.evidence],
        on=payload.on,
    )
    return _review_detail(_review(request, slug, year, review_id))
