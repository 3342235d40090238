"""Programmes, their participants, and the participants' dated capacity and need lines."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid.edits import Versioned
from pairaid.registry.models import IndicatorType, Region, ResourceType, Source, Sourced
from pairaid.text_limits import DESCRIPTION_MAX_CHARS, NOTE_MAX_CHARS, limited_text


def validate_time_zone(name: str) -> None:
    """An IANA time zone name that this installation knows (e.g. Asia/Shanghai)."""
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(name)s is not an IANA time zone name (e.g. Asia/Shanghai)"),
            params={"name": name},
        )


class Programme(models.Model):
    """One partner-assistance programme (DESIGN.md §2)."""

    class Kind(models.TextChoices):
        MEDICAL_EMERGENCY = "medical_emergency", _("medical emergency")
        DISASTER_RECOVERY = "disaster_recovery", _("disaster recovery")
        POVERTY_ALLEVIATION = "poverty_alleviation", _("poverty alleviation")
        BORDER_DEVELOPMENT = "border_development", _("border development")
        FOREIGN_MEDICAL_AID = "foreign_medical_aid", _("foreign medical aid")

    class Status(models.TextChoices):
        PLANNING = "planning", _("planning")
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    class ContributionBasis(models.TextChoices):
        PREVIOUS_YEAR = "previous_year", _("share of the previous year's figure, each year")

    slug = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    period_start = models.DateField()
    period_end = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="CNY", help_text="ISO 4217")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNING)
    programme_date = models.DateField(
        null=True,
        blank=True,
        help_text=_("the programme's current date; empty means today"),
    )
    # The bundled programmes are Chinese, as the default currency says; others set their own.
    time_zone = models.CharField(
        max_length=64,
        default="Asia/Shanghai",
        validators=[validate_time_zone],
        help_text="IANA name; programme time for reports and their deadline",
    )
    report_deadline = models.TimeField(
        default=datetime.time(12, 0),
        help_text="facilities report their beds daily by this time (programme time)",
    )
    # Occupancy share (occupied / open beds) at or above which a facility's bed type, or a
    # region, shows yellow and red. 85 %: above it, bed shortages and turned-away emergency
    # admissions become regular (Bagust, Place and Posnett, "Dynamics of bed use in
    # accommodating emergency admissions", BMJ 1999;319:155-158). 95 %: a judgment, not a
    # finding: a 100-bed ward then has a handful of beds left for the day's admissions.
    occupancy_yellow_percent = models.PositiveSmallIntegerField(
        default=85,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("occupancy share (%) from which a facility or region shows yellow"),
    )
    occupancy_red_percent = models.PositiveSmallIntegerField(
        default=95,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("occupancy share (%) from which a facility or region shows red"),
    )
    # An actionable event (`conversations.watch.ACTIONABLE`) nobody acknowledges within this
    # long is escalated to the coordinators. A day: the programme's reporting rhythm.
    escalate_after_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("hours after which an unacknowledged request, transfer or offer escalates"),
    )
    gap_alert_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "a gap of at least this share (%) of its need alerts the coordinators; empty: none"
        ),
    )
    max_donors_per_recipient = models.PositiveSmallIntegerField(null=True, blank=True)
    max_recipients_per_donor = models.PositiveSmallIntegerField(null=True, blank=True)
    pledges_beyond_pairs = models.BooleanField(
        default=False,
        help_text="donors may pledge and commit funds to recipients they are not paired with; "
        "by default aid follows the pairing",
    )
    min_contribution_share = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="e.g. 0.01 = 1 % of the donor indicator per year",
    )
    min_contribution_indicator = models.ForeignKey(
        IndicatorType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    min_contribution_basis = models.CharField(
        max_length=20, choices=ContributionBasis.choices, blank=True
    )
    need_indicator = models.ForeignKey(
        IndicatorType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="where recipients have no need lines, need is measured by this indicator "
        "(e.g. confirmed cases); coverage is then capacity per unit of it unless a ratio is set",
    )
    need_ratio = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        null=True,
        blank=True,
        help_text="need = indicator × ratio (e.g. staff per confirmed case); empty: per unit",
    )
    description_en = limited_text(DESCRIPTION_MAX_CHARS, blank=True)
    description_zh = limited_text(DESCRIPTION_MAX_CHARS, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="programmes")
    # Phases: the programme this one took over from (the Wenchuan reconstruction pairing of
    # 2008-06-11 followed the emergency pairing of 2008-05-23). The link is a fact, so it
    # carries its source; the rules it must keep are `phase_link_problems`.
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # Deleting a phase unlinks its follower; it does not delete it.
        on_delete=models.SET_NULL,
        related_name="followed_by",
        help_text=_("the previous phase: the programme this one took over from"),
    )
    follows_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("the source that links this programme to its previous phase"),
    )
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="programmes_in_scope",
        help_text="regions the programme's bundle carries: participants, parents and context",
    )
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-period_start", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occupancy_yellow_percent__lt=models.F("occupancy_red_percent")),
                name="yellow_below_red",
            )
        ]

    def __str__(self) -> str:
        return self.slug

    def clean(self) -> None:
        problems = phase_link_problems(self, self.follows, self.follows_source)
        if problems:
            raise ValidationError({"follows": problems})

    def current_date(self) -> datetime.date:
        """The date every business date defaults to: the set programme date, else today."""
        return self.programme_date or datetime.date.today()

    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def now(self, wall: datetime.datetime | None = None) -> datetime.datetime:
        """The programme's present moment, aware, in its time zone: the wall-clock time of day
        (now, or the `wall` moment given) on the programme date (a demo set to 2020-02-12 lives
        that day at today's hours)."""
        wall = wall.astimezone(self.zone()) if wall else datetime.datetime.now(self.zone())
        if self.programme_date is None:
            return wall
        return datetime.datetime.combine(self.programme_date, wall.timetz())


def phase_link_problems(
    later: Programme, earlier: Programme | None, source: Source | None
) -> list[str]:
    """Why `later` may not follow `earlier` (empty: it may). The rules of a phase link, stated
    once: a programme never follows itself; the earlier phase starts no later than the later
    one; following the chain back from `earlier` never reaches `later` (no cycles); and the
    link names its source."""
    if earlier is None:
        return []
    if earlier.pk == later.pk or earlier.slug == later.slug:
        return [gettext("a programme cannot follow itself")]
    problems: list[str] = []
    if earlier.period_start > later.period_start:
        problems.append(
            gettext("the previous phase %(earlier)s starts on %(start)s, after this programme")
            % {"earlier": earlier.slug, "start": earlier.period_start.isoformat()}
        )
    seen: set[int] = set()
    step: Programme | None = earlier
    while step is not None and step.pk is not None and step.pk not in seen:
        seen.add(step.pk)
        if later.pk is not None and step.follows_id == later.pk:
            problems.append(
                gettext("%(earlier)s already follows %(later)s: phases cannot form a cycle")
                % {"earlier": earlier.slug, "later": later.slug}
            )
            break
        step = step.follows
    if source is None:
        problems.append(gettext("a phase link needs the source that states it"))
    return problems


class Participant(models.Model):
    """A region taking part in a programme as donor or recipient."""

    class Role(models.TextChoices):
        DONOR = "donor", _("donor")
        RECIPIENT = "recipient", _("recipient")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=10, choices=Role.choices)
    note = limited_text(NOTE_MAX_CHARS, blank=True)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "region", "role"], name="one_participation_per_role"
            )
        ]
        ordering = ["programme", "role", "region__code", "region__name_en"]

    def __str__(self) -> str:
        return f"{self.programme.slug}: {self.region.name_en} ({self.role})"


class Cluster(models.Model):
    """A named set of a programme's recipient regions that escalation tries before the whole
    programme (tier 3, `engine.tiers`), as Germany's Kleeblatt clusters group states."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cluster_name_unique")
        ]
        ordering = ["programme", "name"]

    def __str__(self) -> str:
        return f"{self.programme.slug}: {self.name}"


class ClusterMember(models.Model):
    """A recipient in a cluster. A participant belongs to one programme, so one row per
    participant keeps a region in at most one cluster of each programme."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    recipient = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="cluster_membership"
    )

    class Meta:
        verbose_name = _("cluster member")
        verbose_name_plural = _("cluster members")
        ordering = ["cluster", "recipient"]

    def __str__(self) -> str:
        return f"{self.cluster.name}: {self.recipient.region.name_en}"


class QuantityLine(Versioned, Sourced):
    """A dated quantity of one resource type; may be derived from an indicator (DESIGN.md §2)."""

    resource_type = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    as_of = models.DateField()
    derived_indicator = models.ForeignKey(
        IndicatorType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    derived_ratio = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    method = limited_text(NOTE_MAX_CHARS, blank=True, help_text="how a derived line was computed")

    class Meta:
        abstract = True
        ordering = ["participant", "resource_type", "as_of"]


class CapacityLine(QuantityLine):
    """What a donor can give of one resource type, as of a date."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="capacity_lines"
    )
    history = HistoricalRecords()

    class Meta(QuantityLine.Meta):
        verbose_name = _("capacity line")
        verbose_name_plural = _("capacity lines")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "resource_type", "as_of"], name="one_capacity_per_date"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="capacity_gte_0"),
        ]


class NeedLineQuerySet(models.QuerySet["NeedLine"]):
    def recorded(self) -> "NeedLineQuerySet":
        """The need lines of record: every line but those derived from a forecast, which only a
        plan on that forecast basis reads (a model output never becomes the recorded need of a
        page, a gap, an export or a plan on another basis)."""
        return self.filter(derived_forecast__isnull=True)


class NeedLine(QuantityLine):
    """What a recipient needs of one resource type, as of a date."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="need_lines"
    )
    # A line derived from a forecast records the run it came from (DESIGN.md §9): the stored
    # forecast run (`forecast_run`: method, origin, data version, seed, paths, input and the
    # forecast's assumptions), and in `derived_forecast` how the need was read from it (basis,
    # quantile, horizon, peak census, care ratios, the census assumptions with their sources).
    # Planning on a forecast basis reads these lines alone; nothing else does
    # (`NeedLineQuerySet.recorded`).
    derived_forecast = models.JSONField(null=True, blank=True, editable=False)
    forecast_run = models.ForeignKey(
        "foresight.ForecastRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived_need_lines",
        help_text="the stored forecast run a derived line came from",
    )
    history = HistoricalRecords()

    objects = NeedLineQuerySet.as_manager()

    class Meta(QuantityLine.Meta):
        verbose_name = _("need line")
        verbose_name_plural = _("need lines")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "resource_type", "as_of"], name="one_need_per_date"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="need_gte_0"),
        ]
