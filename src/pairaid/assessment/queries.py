"""What the assessment's pages, API and the league table read: a review's steps with their
scores and evidence, and the donors' published scores."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from pairaid.assessment.models import Assessment, Review, Score, StepEntry
from pairaid.programmes.models import Programme


def reviews(assessment: Assessment) -> QuerySet[Review]:
    return assessment.reviews.select_related(
        "pairing__donor__region", "pairing__recipient__region", "cross_checker__region"
    ).order_by("pairing__donor__region__code", "pairing__recipient__region__code", "pk")


def entries(review: Review) -> list[StepEntry]:
    """The review's steps as done, in order, with their scores and evidence."""
    return list(
        review.entries.select_related("by")
        .prefetch_related(Prefetch("scores", queryset=_scores()), "evidence")
        .order_by("at", "pk")
    )


def _scores() -> QuerySet[Score]:
    return Score.objects.select_related("criterion").order_by("criterion__pk")


@dataclass(frozen=True)
class Published:
    year: int
    score: Decimal  # the mean of the donor's published final scores that year (one a pairing)


def published_scores(programme: Programme, year: int | None = None) -> dict[int, Published]:
    """Each donor's published score (by participant id) in the year's assessment, or in the
    latest year with a published review when `year` is None; donors without one are absent."""
    published = Review.objects.filter(assessment__programme=programme, state=Review.State.PUBLISHED)
    if year is None:
        latest = published.order_by("-assessment__year").values_list("assessment__year", flat=True)
        year = latest.first()
        if year is None:
            return {}
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for donor_id, score in published.filter(
        assessment__year=year, final_score__isnull=False
    ).values_list("pairing__donor_id", "final_score"):
        scores[donor_id].append(score or Decimal(0))  # never None: filtered out above
    return {
        donor_id: Published(year, (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")))
        for donor_id, values in scores.items()
    }
