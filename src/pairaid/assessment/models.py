"""An assessment of a programme year, its weighted criteria, and one review per pairing that
goes through the steps of `services.STEPS`; each step done is a dated, attributed `StepEntry`
with a score per criterion, and the review's history keeps every change of state."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Participant, Programme
from pairaid.text_limits import NOTE_MAX_CHARS, limited_text

# A criterion's score: 0 (nothing done) to 100 (all one could ask).
SCORE_MAX = 100


class Assessment(models.Model):
    """The coordinator's assessment of the donors of one programme year, with a deadline for
    each step of the cycle."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    self_assessment_due = models.DateField(_("self-assessment due"))
    opinion_due = models.DateField(_("recipient's opinion due"))
    cross_check_due = models.DateField(_("cross-check due"))
    final_due = models.DateField(_("final score due"))
    illustrative = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="assessment_once_a_year")
        ]
        ordering = ["programme", "-year"]

    def __str__(self) -> str:
        return f"{self.programme.slug} {self.year}: {self.title}"


class Criterion(models.Model):
    """One dimension the donors are assessed on (organisation, staff exchange, funds…), with its
    weight in the total."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0.01)]
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="criterion_code_once")
        ]
        ordering = ["assessment", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class Review(models.Model):
    """One pairing's (one donor's) way through the assessment's cycle. `state` names the step
    awaited next; `services.STEPS` is the only place that moves it."""

    class State(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("awaiting the donor's self-assessment")
        OPINION = "opinion", _("awaiting the recipient's opinion")
        CROSS_CHECK = "cross_check", _("awaiting the cross-check")
        FINAL = "final", _("awaiting the coordinator's final score")
        PUBLICATION = "publication", _("awaiting publication")
        PUBLISHED = "published", _("published")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reviews")
    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="reviews")
    cross_checker = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cross_checks",
        help_text="the third participant the coordinator assigns to cross-check",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.SELF_ASSESSMENT)
    final_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "pairing"], name="review_once_a_pairing")
        ]
        ordering = ["assessment", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.pairing_id} ({self.state})"


class StepEntry(models.Model):
    """A step of the cycle as done: by whom, on which programme date (and when in real time),
    with a score per criterion (none for publication) and a note."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="entries")
    step = models.CharField(max_length=20)  # a key of services.STEPS
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    note = limited_text(NOTE_MAX_CHARS, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment step")
        verbose_name_plural = _("assessment steps")
        constraints = [models.UniqueConstraint(fields=["review", "step"], name="step_done_once")]
        ordering = ["review", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.step} on {self.on}"


class Score(models.Model):
    """One criterion's score in one step."""

    entry = models.ForeignKey(StepEntry, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)],
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion"], name="score_once_a_criterion")
        ]
        ordering = ["entry", "criterion"]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.value}"


class Evidence(models.Model):
    """A link from the donor's self-assessment to what it did: one of the pairing's projects,
    a transaction of the funds ledger or a project's, or a result indicator."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("project")
        COMMITMENT = "commitment", _("commitment")
        DISBURSEMENT = "disbursement", _("disbursement")
        EXPENDITURE = "expenditure", _("expenditure")
        RESULT = "result", _("result")

    entry = models.ForeignKey(StepEntry, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    row = models.PositiveBigIntegerField(help_text="the id of the project, transaction or result")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind", "row"], name="evidence_once")
        ]
        ordering = ["entry", "kind", "row"]

    def __str__(self) -> str:
        return f"{self.kind} {self.row}"


class Reminder(models.Model):
    """That a step's reminder (due soon, or overdue) was sent for a review: the worker's turns
    send each one once, however often they run."""

    class Kind(models.TextChoices):
        DUE = "due", _("due soon")
        OVERDUE = "overdue", _("overdue")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["review", "step", "kind"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.review_id} {self.step} {self.kind}"
