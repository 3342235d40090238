"""Pairings of donors with recipients, and what flows along each (allocation lines)."""

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid.figures import number
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType, Source, Sourced
from pairaid.text_limits import NOTE_MAX_CHARS, limited_text


class PlanRun(models.Model):
    """One execution of the pairing engine: exact input, options, output, who and when.

    Immutable once finished: only its decision (approve / discard) changes afterwards.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")
        INTERRUPTED = "interrupted", _("interrupted")  # stopped with its worker (SIGTERM)

    ENDED = (State.FINISHED, State.FAILED, State.INTERRUPTED)

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        DISCARDED = "discarded", _("discarded")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plan_runs")
    number = models.PositiveIntegerField(help_text="sequence number within the programme")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    as_of = models.DateField(help_text="the programme date the instance was built for")
    options = models.JSONField(default=dict, help_text="what the coordinator asked for")
    problem = models.JSONField(default=dict, help_text="the exact engine input")
    build_notes = models.JSONField(default=dict, help_text="excluded participants, assumptions")
    result = models.JSONField(null=True, blank=True, help_text="the engine's result contract")
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    status = models.CharField(max_length=12, blank=True, help_text="the result's status")
    progress = models.JSONField(default=dict, help_text="latest progress reported by the solver")
    log = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="the last sign of life of the worker solving it"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True, help_text="programme date of the decision")
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan run")
        verbose_name_plural = _("plan runs")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="plan_run_number_unique")
        ]
        ordering = ["programme", "-number"]

    def __str__(self) -> str:
        return f"{self.programme.slug} run {self.number}"


class PairingQuerySet(models.QuerySet["Pairing"]):
    """The named sets of pairings every page, export and use case asks for."""

    def of_record(self) -> "PairingQuerySet":
        """What the programme decided, past and present: everything but the proposals of plan
        runs (which belong to their run). Exports and the bundle loader use these."""
        return self.exclude(status=Pairing.Status.PROPOSED)

    def top_level(self) -> "PairingQuerySet":
        """The pairings of the programme's own level: those that sit inside no other. The
        programme's degree rules and its plans are about these; a child pairing lives inside
        its parent (`levels`)."""
        return self.filter(parent__isnull=True)

    def open(self) -> "PairingQuerySet":
        """Decided and not ended: in force now, or approved to start later. A new plan replaces
        these, and the programme's degree rules apply to them."""
        return self.filter(status__in=[Pairing.Status.APPROVED, Pairing.Status.ACTIVE])

    def in_force(self, on: datetime.date) -> "PairingQuerySet":
        """In force at a date: decided, begun by then and not ended by then (a pairing ended
        on D was in force until the day before)."""
        return (
            self.of_record()
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .exclude(status=Pairing.Status.ENDED, valid_to__isnull=True)
        )


class Pairing(models.Model):
    """A donor paired with a recipient in a programme (DESIGN.md §2)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

    class Origin(models.TextChoices):
        HISTORICAL = "historical", _("historical record")
        PLAN_RUN = "plan_run", _("plan run")
        MANUAL = "manual", _("manual")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pairings")
    donor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="as_donor")
    recipient = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="as_recipient"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.MANUAL)
    rationale = limited_text(NOTE_MAX_CHARS, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certainty = models.CharField(max_length=10, blank=True)
    illustrative = models.BooleanField(default=False)
    plan_run = models.ForeignKey(
        PlanRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairings",
        help_text="the run that proposed this pairing",
    )
    superseded_by = models.ForeignKey(
        PlanRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ended_pairings",
        help_text="the approved run that ended this pairing",
    )
    # Pairs at several levels: a child pairing sits inside its parent (both of its sides lie
    # inside the parent's, within the parent's period); the rule is `levels.nesting_problems`.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # A parent's children go with it: they exist only inside it.
        on_delete=models.CASCADE,
        related_name="children",
        help_text=_("the pairing one level up that this one sits inside"),
    )
    history = HistoricalRecords()

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "donor", "recipient"],
                condition=Q(status="active"),
                name="one_active_pairing_per_pair",
            ),
            models.CheckConstraint(condition=~Q(donor=F("recipient")), name="pairing_not_self"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="pairing_period_ordered",
            ),
        ]
        ordering = ["programme", "recipient__region__code", "donor__region__code"]

    def __str__(self) -> str:
        return f"{self.donor.region.name_en} → {self.recipient.region.name_en} ({self.status})"

    def clean(self) -> None:
        """The nesting rule, for the admin and every `full_clean` (`levels.pairing_problems`)."""
        from django.core.exceptions import ValidationError

        from pairaid.pairing import levels

        if self.parent_id is None or self.donor_id is None or self.recipient_id is None:
            return
        problems = levels.problems_of(self, self.parent)  # type: ignore[arg-type]
        if problems:
            fields: dict[str, list[str]] = {}
            for name, message in problems:
                fields.setdefault(name, []).append(message)
            raise ValidationError(fields)


class AllocationLine(Sourced):
    """A quantity of one resource type that flows along a pairing, at a date."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="allocations")
    resource_type = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    date = models.DateField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "resource_type", "date"], name="one_allocation_per_date"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="allocation_gte_0"),
        ]
        # By ids: ordering by the related models would join them just to sort.
        ordering = ["pairing_id", "resource_type_id", "date"]

    def __str__(self) -> str:
        return f"{self.pairing}: {number(self.quantity)} {self.resource_type.name_en}"

    @property
    def as_of(self) -> datetime.date:
        """The line's date, so the as-of rule applies to allocations too."""
        return self.date


class PairingNotice(models.Model):
    """A published, numbered and dated pairing notice: a frozen snapshot of an approved plan."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="notices")
    number = models.PositiveIntegerField()
    date = models.DateField(help_text="programme date of publication")
    plan_run = models.ForeignKey(
        PlanRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    title_en = models.CharField(max_length=300)
    title_zh = models.CharField(max_length=300)
    entries = models.JSONField(
        help_text="recipients with their donors and allocations, as published"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pairing notice")
        verbose_name_plural = _("pairing notices")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="notice_number_unique")
        ]
        ordering = ["programme", "-number"]

    def __str__(self) -> str:
        return f"{self.programme.slug} notice {self.number} ({self.date})"
