"""Deadline reminders of the assessment: on each turn of the worker's scheduler, every review
whose awaited step is due within `DUE_SOON_DAYS` of the programme date (or past due) gets an
event of kind assessment_step_due (or assessment_step_overdue), which notifies whoever takes
the step (conversations.routing). Each reminder is sent once per review, step and kind: a
`Reminder` row, unique, records it in the same transaction as the event."""

import datetime

from django.db import IntegrityError, transaction

from pairaid.assessment import services
from pairaid.assessment.models import Assessment, Reminder, Review
from pairaid.conversations import services as conversations
from pairaid.conversations.models import Event

DUE_SOON_DAYS = 7
KINDS: dict[str, str] = {
    Reminder.Kind.DUE: Event.Kind.ASSESSMENT_STEP_DUE,
    Reminder.Kind.OVERDUE: Event.Kind.ASSESSMENT_STEP_OVERDUE,
}


def due_date(review: Review, step_name: str) -> datetime.date | None:
    field = services.STEPS[step_name].due_field
    return getattr(review.assessment, field) if field else None


def reminder_kind(due: datetime.date, today: datetime.date) -> str | None:
    """Which reminder a step due on `due` calls for on `today`, if any."""
    if today > due:
        return Reminder.Kind.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return Reminder.Kind.DUE
    return None


def _remind(review: Review, step_name: str, kind: str, due: datetime.date) -> bool:
    """Record the reminder and its event once; False where it was already sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(review=review, step=step_name, kind=kind)
            conversations.record(
                kind=KINDS[kind],
                programme=review.assessment.programme,
                subject=review,
                args={
                    "year": review.assessment.year,
                    "region": review.pairing.donor.region_id,
                    "due": due.isoformat(),
                },
                stands_out=kind == Reminder.Kind.OVERDUE,
            )
    except IntegrityError:
        return False  # another turn (or worker) sent it first
    return True


def send_due(programme_ids: list[int] | None = None) -> int:
    """One turn over the open reviews, each at its programme's date; how many reminders were
    sent."""
    assessments = Assessment.objects.select_related("programme")
    if programme_ids is not None:
        assessments = assessments.filter(programme_id__in=programme_ids)
    sent = 0
    for assessment in assessments:
        today = assessment.programme.current_date()
        open_reviews = (
            assessment.reviews.exclude(state=Review.State.PUBLISHED)
            .select_related("pairing__donor", "pairing__recipient", "cross_checker")
            .prefetch_related("reminders")
        )
        for review in open_reviews:
            review.assessment = assessment
            sent += _remind_review(review, today)
    return sent


def _remind_review(review: Review, today: datetime.date) -> int:
    """The reminder the review's awaited step calls for today, sent unless it was (0 or 1)."""
    step_name = services.awaited_step(review)
    due = due_date(review, step_name) if step_name else None
    if step_name is None or due is None:
        return 0
    kind = reminder_kind(due, today)
    if kind is None or (step_name, kind) in {(r.step, r.kind) for r in review.reminders.all()}:
        return 0
    return int(_remind(review, step_name, kind, due))
