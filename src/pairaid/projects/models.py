"""Projects under pairings, their budget by funding source, their expenditure and their results
indicators. A project's commitments and disbursements are the funds ledger's own rows
(operations.FundCommitment and Disbursement carry the project link), so money is counted once."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid.figures import number
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Programme
from pairaid.projects import sectors
from pairaid.registry.models import Region
from pairaid.text_limits import NOTE_MAX_CHARS, limited_text


class Project(models.Model):
    """A donor's project for its recipient, under their pairing, in one place and sector.

    Its status is IATI's ActivityStatus codelist (the codes are IATI's). "Handed over" is not a
    status of its own: the donor's declared hand-over (date, receiving body) puts the project in
    finalisation (3), the recipient's confirmation of it closes it (4); services.MOVES says so."""

    class Status(models.IntegerChoices):
        PIPELINE = 1, _("pipeline / identification")
        IMPLEMENTATION = 2, _("implementation")
        FINALISATION = 3, _("finalisation (handed over)")
        CLOSED = 4, _("closed (hand-over confirmed)")
        CANCELLED = 5, _("cancelled")
        SUSPENDED = 6, _("suspended")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="projects")
    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    sector = models.CharField(_("sector"), max_length=30, choices=sectors.CHOICES)
    location = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text="the recipient's region or a place inside it (a township is a code-less area)",
    )
    description = limited_text(NOTE_MAX_CHARS, blank=True)
    status = models.PositiveSmallIntegerField(
        _("status"), choices=Status.choices, default=Status.PIPELINE
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    receiving_body = models.CharField(_("receiving body"), max_length=200, blank=True)
    handover_confirmed_on = models.DateField(_("hand-over confirmed on"), null=True, blank=True)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def dac_code(self) -> str:
        return sectors.BY_CODE[self.sector].dac_code


class FundingSource(models.TextChoices):
    """Where a project's money comes from (Zhuhai's 99 projects in Mianchi: its own budget,
    provincial pooled funds and donations; the recipient adds its share)."""

    DONOR_BUDGET = "donor_budget", _("donor's fiscal budget")
    POOLED = "pooled", _("pooled funds")
    DONATIONS = "donations", _("donations")
    RECIPIENT_SHARE = "recipient_share", _("recipient's share")


class BudgetLine(models.Model):
    """A project's budget from one funding source (programme currency); one line per source."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    funding_source = models.CharField(max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "funding_source"], name="budget_line_once_per_source"
            )
        ]
        ordering = ["project", "funding_source"]

    def __str__(self) -> str:
        return f"{self.project}: {self.funding_source} {number(self.amount)}"


class Expenditure(models.Model):
    """Money the project spent (IATI transaction type 4), in the programme currency."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expenditures")
    date = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    description = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["project", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.date}: {number(self.amount)}"


class ResultIndicator(models.Model):
    """What a project is to achieve (beds built, pupils housed, households above the poverty
    line): a baseline, a target and, once the recipient confirms it, the actual value."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="results")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(
        _("baseline"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    target = models.DecimalField(
        _("target"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    actual = models.DecimalField(
        _("actual"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    actual_on = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="result_name_once")]
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.name}"
