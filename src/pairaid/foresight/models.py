"""Forecast runs: one execution of a forecast method for a programme's recipients, stored like a
plan run (DESIGN.md §9): its exact input, method and assumptions with their sources, and its
output as quantiles per recipient, target and day ahead."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid import forecast
from pairaid.programmes.models import Participant, Programme


class State(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")  # background.RUNNING
    FINISHED = "finished", _("finished")
    FAILED = "failed", _("failed")
    INTERRUPTED = "interrupted", _("interrupted")  # stopped with its worker (SIGTERM)


class WorkerRun(models.Model):
    """What every run in the task worker keeps, forecast or backtest: its number in the
    programme, who started it, its sampling, the data version it read, and its state, progress
    and heartbeat (`pairaid.background`)."""

    State = State
    ENDED = (State.FINISHED, State.FAILED, State.INTERRUPTED)

    number = models.PositiveIntegerField(help_text="sequence number within the programme")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paths = models.PositiveIntegerField(
        default=forecast.SAMPLE_PATHS, help_text="joint sample paths drawn per recipient"
    )
    seed = models.PositiveIntegerField(
        default=0, help_text="the sample paths' seed: the same seed gives the same paths"
    )
    data_version = models.CharField(
        max_length=80, blank=True, help_text="the data version the input was read at"
    )
    input = models.JSONField(default=dict, help_text="each recipient's daily record read")
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    progress = models.JSONField(default=dict, help_text="recipients done so far, of all")
    log = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="the last sign of life of the worker running it"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ForecastRun(WorkerRun):
    """Immutable once finished. `input` is the daily record each recipient's forecast read (up to
    the origin), so a run can be read, and re-run, without the registry as it is today."""

    class Method(models.TextChoices):
        # The methods of pairaid.forecast.METHODS, named for people.
        RENEWAL = "renewal", _("renewal model (time-varying R, Cori et al.)")
        PERSISTENCE = "persistence", _("baseline: last week repeats")
        GROWTH = "growth", _("baseline: last week's growth goes on")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="forecast_runs")
    origin = models.DateField(help_text="the last day of the record the forecast may read")
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.RENEWAL)
    horizon_days = models.PositiveSmallIntegerField(default=14)
    assumptions = models.JSONField(
        default=list, help_text="the modelling assumptions, each with its source"
    )
    levels = models.JSONField(default=list, help_text="the quantile levels stored")
    notes = models.JSONField(default=dict, help_text="recipients left out, and why")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("forecast run")
        verbose_name_plural = _("forecast runs")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="forecast_run_number_unique"
            )
        ]
        ordering = ["programme", "-number"]

    def __str__(self) -> str:
        return f"{self.programme.slug} forecast {self.number}"


class ForecastQuantiles(models.Model):
    """One recipient's forecast of one target `horizon_days` after the origin: the quantiles at
    the run's `levels`. A model output, never an observation; the census targets were never
    observed at all."""

    class Target(models.TextChoices):
        # pairaid.forecast.TARGETS
        NEW_CONFIRMED = "new_confirmed", _("new confirmed cases since the origin")
        ACTIVE = "active", _("active cases (confirmed − cured − dead)")
        # pairaid.forecast.census: never observed, derived from the forecast's active cases.
        CENSUS_HOSPITAL = "census_hospital", _("patients in hospital beds (model output)")
        CENSUS_ICU = "census_icu", _("patients in ICU beds (model output)")

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="quantiles")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=16, choices=Target.choices)
    horizon_days = models.PositiveSmallIntegerField()
    values = models.JSONField(help_text="the quantiles, in the order of the run's levels")

    class Meta:
        verbose_name = _("forecast quantiles")
        verbose_name_plural = _("forecast quantiles")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "recipient", "target", "horizon_days"],
                name="forecast_quantiles_unique",
            )
        ]
        ordering = ["run", "recipient", "target", "horizon_days"]

    def __str__(self) -> str:
        return f"{self.run}: {self.recipient_id} {self.target} +{self.horizon_days} d"


class BacktestRun(WorkerRun):
    """A rolling-origin backtest of the case forecasts on the programme's daily record (every
    method, recipient and origin, scored against what the record later showed), run in the task
    worker. Only its scores summed up are kept: per recipient and for all recipients together,
    February and March apart, with and without the windows that cross a change of counting."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="backtest_runs")
    first_origin = models.DateField()
    last_origin = models.DateField()
    summary = models.JSONField(default=list, help_text="the scores summed up, one row a group")
    crossing_origins = models.JSONField(
        default=list, help_text="origins whose windows cross a change of counting"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("backtest run")
        verbose_name_plural = _("backtest runs")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="backtest_run_number_unique"
            )
        ]
        ordering = ["programme", "-number"]

    def __str__(self) -> str:
        return f"{self.programme.slug} backtest {self.number}"


class ModelEstimate(WorkerRun):
    """A run in the task worker whose result is a model estimate (a what-if comparison, a
    rolling re-plan): its figures in `output`, and every assumption behind them with its source.
    Listed newest first within a programme.

    Each model keeps its own "number unique within the programme" constraint: its name is the
    one its migration created, and a name shared here (`%(class)s`) would drop and remake the
    constraint, on SQLite by rebuilding the table."""

    assumptions = models.JSONField(
        default=list, help_text="the modelling assumptions, each with its source"
    )
    output = models.JSONField(default=dict, help_text="the figures, a model estimate")

    class Meta:
        abstract = True
        ordering = ["programme", "-number"]


class PlanComparison(ModelEstimate):
    """The what-if comparison (issue 20, items 5 and 8): the historical plan beside max-min and
    leximin as of an origin, or beside any plan runs the coordinator picks, valued on common
    random numbers along the forecast (`pairaid.pairing.plan_value`, the code `pairaid forecast
    value` runs). A model estimate; `output` holds its figures (`plan_value.figures`),
    `assumptions` each with its source. Its seed draws the paths and seeds the solver: the same
    seed gives the same figures."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="plan_comparisons"
    )
    origin = models.DateField(help_text="the plans' date and the forecast's origin")
    plan_runs = models.JSONField(
        default=list,
        blank=True,
        help_text="the numbers of the programme's plan runs compared beside the historical plan "
        "(the baseline); empty: max-min and leximin solved as of the origin",
    )
    history = HistoricalRecords()

    class Meta(ModelEstimate.Meta):
        verbose_name = _("plan comparison")
        verbose_name_plural = _("plan comparisons")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="plan_comparison_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug} comparison {self.number}"


class RollingPlanRun(ModelEstimate):
    """A rolling re-plan (issue 20, item 6): `steps` re-plans `every_days` apart from
    `first_day`, each max-min under the churn budget on the forecast made at its own date, with
    transit, a minimum stay and withdrawal; valued beside the static plan (its first step held)
    on the observed record (`pairaid.pairing.rolling`, the code `pairaid forecast rolling`
    runs). `output` holds the timeline and the figures, `assumptions` each with its source."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rolling_plans")
    first_day = models.DateField(help_text="the first step's date")
    steps = models.PositiveSmallIntegerField(default=4)
    every_days = models.PositiveSmallIntegerField(default=7)
    need_from = models.CharField(
        max_length=60,
        default="forecast:renewal:0.8:14",
        help_text="the need each step plans on: forecast[:METHOD[:QUANTILE[:HORIZON_DAYS]]]",
    )
    churn_budget = models.PositiveIntegerField(
        null=True, blank=True, help_text="pairs changed per step at most; empty: no budget"
    )
    transit_days = models.PositiveSmallIntegerField(default=1)
    minimum_stay_days = models.PositiveSmallIntegerField(default=14)
    withdrawal = models.DateField(
        null=True, blank=True, help_text="no aid on duty from this day; empty: none"
    )
    history = HistoricalRecords()

    class Meta(ModelEstimate.Meta):
        verbose_name = _("rolling plan")
        verbose_name_plural = _("rolling plans")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="rolling_plan_run_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug} rolling plan {self.number}"
