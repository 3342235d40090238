"""Forecast runs: list, start (in the background), and read one with its quantiles. Who may
start a run is who may start a plan run (`Action.RUN_PLAN`); every member reads them."""

import datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import forecast
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.api_runs import start_in_background
from pairaid.errors import NotFound
from pairaid.forecast import backtest
from pairaid.foresight import backtests, evaluation, exports, services, tasks
from pairaid.foresight.models import BacktestRun, ForecastRun
from pairaid.programmes import queries as programme_queries
from pairaid.programmes.models import Participant

router = Router(tags=["forecast runs"])


class ForecastRunIn(Schema):
    origin: datetime.date | None = Field(
        default=None, description="the last day of the record read; default: the programme date"
    )
    method: Literal["renewal", "persistence", "growth"] = "renewal"
    horizon_days: Annotated[StrictInt, Field(ge=1, le=services.HORIZON_DAYS_MAX)] = 14
    paths: Annotated[StrictInt, Field(ge=1, le=services.PATHS_MAX)] = forecast.SAMPLE_PATHS
    seed: Annotated[StrictInt, Field(ge=0, le=services.SEED_MAX)] = 0


class AssumptionOut(Schema):
    name: str
    value: str
    source: str


class ForecastRunOut(Schema):
    number: int
    origin: datetime.date
    method: str
    horizon_days: int
    paths: int
    seed: int
    data_version: str
    state: str
    progress: dict[str, Any]
    created_by: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    assumptions: list[AssumptionOut]
    left_out: dict[str, str] = Field(description="recipients (participant ids) left out, and why")
    log: str

    @staticmethod
    def resolve_created_by(run: ForecastRun) -> str | None:
        return run.created_by.username if run.created_by else None

    @staticmethod
    def resolve_left_out(run: ForecastRun) -> dict[str, str]:
        left_out: dict[str, str] = run.notes.get("left_out", {})
        return left_out


class ForecastQuantilesOut(Schema):
    recipient: str = Field(description="the recipient's region reference")
    target: str = Field(description="new_confirmed (since the origin) or active")
    horizon_days: int
    target_date: datetime.date
    values: list[float] = Field(description="the quantiles, at the run's levels")


class ForecastRunDetailOut(ForecastRunOut):
    model_output: bool = Field(
        default=True, description="always true: the quantiles are forecasts, not observations"
    )
    levels: list[float]
    quantiles: list[ForecastQuantilesOut]

    @staticmethod
    def resolve_quantiles(run: ForecastRun) -> list[dict[str, Any]]:
        return [
            {
                "recipient": row.recipient.region.reference,
                "target": row.target,
                "horizon_days": row.horizon_days,
                "target_date": run.origin + datetime.timedelta(days=row.horizon_days),
                "values": row.values,
            }
            for row in run.quantiles.select_related("recipient__region__parent").order_by(
                "recipient__region__code", "recipient__region__name_en", "target", "horizon_days"
            )
        ]


@router.get("/programmes/{slug}/forecast-runs", response=list[ForecastRunOut])
@paginate(Pages, page_size=50)
def list_forecast_runs(request: HttpRequest, slug: str) -> QuerySet[ForecastRun]:
    programme = permissions.programme_for(request.user, slug)
    return programme.forecast_runs.select_related("created_by").order_by("-number")


@router.post(
    "/programmes/{slug}/forecast-runs",
    response={202: ForecastRunOut},
    summary="Start a forecast run (in the background)",
)
def start_forecast_run(request: HttpRequest, slug: str, payload: ForecastRunIn) -> Status:
    return start_in_background(
        request, slug, services.start, enqueue=tasks.enqueue_forecast_run, **payload.model_dump()
    )


@router.get(
    "/programmes/{slug}/forecast-runs/{number}",
    response=ForecastRunDetailOut,
    summary="A forecast run with its quantiles (model outputs)",
)
def get_forecast_run(request: HttpRequest, slug: str, number: int) -> ForecastRun:
    programme = permissions.programme_for(request.user, slug)
    run = (
        programme.forecast_runs.select_related("created_by", "programme")
        .filter(number=number)
        .first()
    )
    if run is None:
        raise NotFound(f"no forecast run {number} in {slug}")
    return run


class OutcomeDayOut(Schema):
    day: datetime.date
    confirmed: int
    cured: int
    dead: int
    case_fatality: float | None
    recovered_share: float | None


class StaffArrivalOut(Schema):
    day: datetime.date
    indicator: str
    value: int
    region_en: str = Field(description="the region the figure was published for")
    region_zh: str
    source: str


class OutcomesOut(Schema):
    recipient: str = Field(description="the recipient's region reference")
    name_en: str
    name_zh: str
    paired_from: datetime.date | None
    last_new_case: datetime.date | None
    days_to_last_new_case: int | None
    staff: float | None = Field(description="staff paired to it as of the programme date")
    staff_as_of: datetime.date
    staff_per_case: float | None
    last: OutcomeDayOut | None
    note: str = exports.EVALUATION_NOTE


class OutcomeTrendOut(OutcomesOut):
    days: list[OutcomeDayOut]
    arrivals: list[StaffArrivalOut]


def _day(day: evaluation.OutcomeDay | None) -> dict[str, Any] | None:
    if day is None:
        return None
    return {
        "day": day.day,
        "confirmed": day.confirmed,
        "cured": day.cured,
        "dead": day.dead,
        "case_fatality": day.case_fatality,
        "recovered_share": day.recovered_share,
    }


def _outcomes(row: evaluation.Outcomes) -> dict[str, Any]:
    region = row.participant.region
    return {
        "recipient": region.reference,
        "name_en": region.name_en,
        "name_zh": region.name_zh,
        "paired_from": row.paired_from,
        "last_new_case": row.last_new_case,
        "days_to_last_new_case": row.days_to_last_new_case,
        "staff": row.staff,
        "staff_as_of": row.staff_on,
        "staff_per_case": row.staff_per_case,
        "last": _day(row.last),
    }


@router.get(
    "/programmes/{slug}/evaluation",
    response=list[OutcomesOut],
    summary="Each recipient's outcomes beside its staff (descriptive, not causal)",
)
def list_outcomes(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    return [_outcomes(row) for row in evaluation.outcomes(programme)]


@router.get(
    "/programmes/{slug}/evaluation/{reference}",
    response=OutcomeTrendOut,
    summary="A recipient's outcome trends and staff arrivals (descriptive, not causal)",
)
def get_outcomes(request: HttpRequest, slug: str, reference: str) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    participant = programme_queries.participant(
        programme, reference, role=Participant.Role.RECIPIENT, field="reference"
    )
    (row,) = evaluation.outcomes(programme, only=participant)
    return {
        **_outcomes(row),
        "days": [_day(day) for day in row.days],
        "arrivals": [vars(arrival) for arrival in row.arrivals],
    }


class BacktestRunIn(Schema):
    first_origin: datetime.date = backtest.HUBEI_2020_FIRST_ORIGIN
    last_origin: datetime.date = backtest.HUBEI_2020_LAST_ORIGIN
    paths: Annotated[StrictInt, Field(ge=1, le=services.PATHS_MAX)] = forecast.SAMPLE_PATHS
    seed: Annotated[StrictInt, Field(ge=0, le=services.SEED_MAX)] = 0


class BacktestScoreOut(Schema):
    scope: str = Field(
        description="recipient, all, or all_without_jump (windows crossing a "
        "change of counting left out)"
    )
    recipient: str = Field(description="the recipient's code, or all")
    period: str = Field(description="the origin's month (February, March)")
    horizon_days: int
    target: str
    method: str
    forecasts: int
    mean_wis_log: float | None
    mean_wis: float | None
    mean_median_error: float | None
    coverage_50: float | None
    coverage_90: float | None
    below_90: float | None
    best_baseline: str
    relative_wis_log: float | None
    meets_target: bool


class BacktestRunOut(Schema):
    number: int
    first_origin: datetime.date
    last_origin: datetime.date
    paths: int
    seed: int
    data_version: str
    state: str
    progress: dict[str, Any]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    crossing_origins: list[datetime.date]
    log: str


class BacktestRunDetailOut(BacktestRunOut):
    summary: list[BacktestScoreOut]


@router.get("/programmes/{slug}/backtest-runs", response=list[BacktestRunOut])
@paginate(Pages, page_size=50)
def list_backtest_runs(request: HttpRequest, slug: str) -> QuerySet[BacktestRun]:
    programme = permissions.programme_for(request.user, slug)
    return programme.backtest_runs.order_by("-number")


@router.post(
    "/programmes/{slug}/backtest-runs",
    response={202: BacktestRunOut},
    summary="Start a backtest of the case forecasts (in the background)",
)
def start_backtest_run(request: HttpRequest, slug: str, payload: BacktestRunIn) -> Status:
    return start_in_background(
        request, slug, backtests.start, enqueue=tasks.enqueue_backtest_run, **payload.model_dump()
    )


@router.get(
    "/programmes/{slug}/backtest-runs/{number}",
    response=BacktestRunDetailOut,
    summary="A backtest with its scores summed up",
)
def get_backtest_run(request: HttpRequest, slug: str, number: int) -> BacktestRun:
    programme = permissions.programme_for(request.user, slug)
    run = programme.backtest_runs.filter(number=number).first()
    if run is None:
        raise NotFound(f"no backtest run {number} in {slug}")
    return run
