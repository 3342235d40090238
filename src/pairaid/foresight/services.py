"""Forecast runs: start (read and store the exact input), execute (in the task worker, with
progress and a heartbeat), and fail the runs of workers that died. Each use case is one
transaction; the forecasting itself is `pairaid.forecast`, which knows nothing of the database."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from pairaid import background, forecast, freshness
from pairaid.errors import Problem, ValidationFailed
from pairaid.forecast import backtest, care, census, parameters
from pairaid.foresight import queries
from pairaid.foresight.models import BacktestRun, ForecastQuantiles, ForecastRun, RollingPlanRun
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme

Enqueue = Callable[[int], None]
RunModel = TypeVar("RunModel", ForecastRun, BacktestRun, RollingPlanRun)

HORIZON_DAYS_MAX = 28
PATHS_MAX = 10_000
SEED_MAX = 2**31 - 1


def assumptions(method: str) -> list[dict[str, str]]:
    """What a run of the method assumes, each with its source (the forecast library's
    `parameters` and module notes, named for the run's record)."""
    observation = {
        "name": "observation noise",
        "value": f"negative binomial, size {parameters.OBSERVATION_SIZE:g}",
        "source": "a stated modelling choice (pairaid.forecast.parameters)",
    }
    outflow = {
        "name": "outflow of active cases",
        "value": "the daily share cured or dead over the last week, held constant",
        "source": "a stated modelling choice (pairaid.forecast.outflow); it under-states later "
        "outflow when discharges rise",
    }
    census_lines = [
        {"name": "census (model output)", "value": line, "source": "pairaid.forecast.care"}
        for line in care.assumptions_text()
    ]
    if method != ForecastRun.Method.RENEWAL:
        return [observation, outflow, *census_lines]
    return [
        {
            "name": "serial interval",
            "value": f"lognormal, mean {parameters.SERIAL_INTERVAL_MEAN_DAYS} d, "
            f"SD {parameters.SERIAL_INTERVAL_SD_DAYS} d",
            "source": parameters.SERIAL_INTERVAL_SOURCE + ", doi:10.1016/j.ijid.2020.02.060",
        },
        {
            "name": "reproduction number",
            "value": f"gamma prior shape {parameters.R_PRIOR_SHAPE:g}, scale "
            f"{parameters.R_PRIOR_SCALE:g}; {parameters.R_WINDOW_DAYS}-day windows",
            "source": "Cori, Ferguson, Fraser & Cauchemez 2013, Am J Epidemiol 178(9):1505-1512, "
            "doi:10.1093/aje/kwt133",
        },
        observation,
        outflow,
        *census_lines,
    ]


def sampling_problems(
    paths: int, seed: int, last_day: datetime.date, day_field: str
) -> list[Problem]:
    """What is wrong with a run's sample paths, seed, or last day forecast from (`day_field`):
    what forecast and backtest runs check alike."""
    problems = []
    if last_day > datetime.date.max - datetime.timedelta(days=HORIZON_DAYS_MAX):
        problems.append(Problem(gettext("expected a date before 9999"), column=day_field))
    if not 1 <= paths <= PATHS_MAX:
        problems.append(
            Problem(
                gettext("expected 1 to %(most)s sample paths") % {"most": PATHS_MAX},
                column="paths",
            )
        )
    if not 0 <= seed <= SEED_MAX:
        problems.append(
            Problem(gettext("expected a seed of 0 to %(most)s") % {"most": SEED_MAX}, column="seed")
        )
    return problems


def check_sampling(paths: int, seed: int, origin: datetime.date) -> None:
    """The sample paths, seed and origin of a what-if comparison, checked as a run's are."""
    problems = sampling_problems(paths, seed, origin, "origin")
    if problems:
        raise ValidationFailed(problems)


def _check(origin: datetime.date, horizon_days: int, paths: int, seed: int) -> None:
    problems = sampling_problems(paths, seed, origin, "origin")
    if not 1 <= horizon_days <= HORIZON_DAYS_MAX:
        problems.append(
            Problem(
                gettext("expected a horizon of 1 to %(most)s days") % {"most": HORIZON_DAYS_MAX},
                column="horizon_days",
            )
        )
    if problems:
        raise ValidationFailed(problems)


def claim(runs: QuerySet[RunModel], run_id: int) -> RunModel | None:
    """A queued run, now running in this worker (its start and first heartbeat stored); None
    where it is not queued (another worker took it, or it ended)."""
    with transaction.atomic():
        run = runs.select_for_update().get(pk=run_id)
        if run.state != ForecastRun.State.QUEUED:
            return None
        run.state = ForecastRun.State.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.save(update_fields=["state", "started_at", "heartbeat_at"])
    return run


def start(
    *,
    programme: Programme,
    user: Any,
    enqueue: Enqueue,
    origin: datetime.date | None = None,
    method: str = ForecastRun.Method.RENEWAL,
    horizon_days: int = 14,
    paths: int = forecast.SAMPLE_PATHS,
    seed: int = 0,
) -> ForecastRun:
    """Read each recipient's daily record up to the origin (the programme date unless given),
    store it with the method and its assumptions, and queue the forecast (no request waits)."""
    if method not in ForecastRun.Method.values:
        raise ValidationFailed(
            [
                Problem(
                    gettext("expected one of %(methods)s")
                    % {"methods": ", ".join(ForecastRun.Method.values)},
                    column="method",
                )
            ]
        )
    origin = origin or programme.current_date()
    _check(origin, horizon_days, paths, seed)
    version = freshness.data_version() or ""  # unknown inside a caller's transaction
    with transaction.atomic():
        run_input = queries.run_input(programme, up_to=origin)
        number = programme_services.next_number(
            programme=programme, numbered=programme.forecast_runs.all()
        )
        run = ForecastRun.objects.create(
            programme=programme,
            number=number,
            created_by=user if getattr(user, "pk", None) else None,
            origin=origin,
            method=method,
            horizon_days=horizon_days,
            paths=paths,
            seed=seed,
            data_version=version,
            input=run_input,
            assumptions=assumptions(method),
            levels=list(forecast.QUANTILE_LEVELS),
            progress={"done": 0, "total": len(run_input)},
        )
        transaction.on_commit(lambda: enqueue(run.pk))
    return run


def execute(run_id: int, *, stop: threading.Event | None = None) -> ForecastRun:
    """Forecast every recipient of a queued run from its stored input and store the quantiles
    (the background task's body). Progress and a heartbeat after each recipient; SIGTERM to the
    worker, or `stop`, ends the run `interrupted` with nothing stored."""
    run = claim(ForecastRun.objects.all(), run_id)
    if run is None:
        return ForecastRun.objects.get(pk=run_id)
    stop = stop or threading.Event()
    with background.stopped_by_sigterm(stop):
        outputs, left_out = _forecast_all(run, stop)
    if stop.is_set():
        return end(run, ForecastRun.State.INTERRUPTED, gettext("stopped with its worker"))
    return _store(run, outputs, left_out)


Outputs = dict[int, list["Quantiles"]]


def _forecast_all(run: ForecastRun, stop: threading.Event) -> tuple[Outputs, dict[str, str]]:
    """Each recipient's quantiles at every day ahead, and the recipients left out, with why."""
    participants = {p.pk: p for p in queries.recipients(run.programme)}
    outputs: Outputs = {}
    left_out: dict[str, str] = {}
    for done, (key, record) in enumerate(sorted(run.input.items()), start=1):
        if stop.is_set():
            break
        participant = participants.get(int(key))
        if participant is None:
            left_out[key] = gettext("no longer a recipient of the programme")
        elif not record:
            left_out[key] = gettext("no day of the daily record up to the origin")
        else:
            try:
                outputs[participant.pk] = _quantiles(run, participant.region.reference, record)
            except (forecast.SeriesError, forecast.NoRecordError) as error:
                left_out[key] = str(error)
        background.beat(
            ForecastRun.objects.filter(pk=run.pk),
            progress={"done": done, "total": len(run.input)},
        )
    return outputs, left_out


def sample_paths(run: ForecastRun, reference: str, record: queries.Record) -> forecast.SamplePaths:
    """A recipient's joint sample paths in a run, drawn again from its stored input: the same
    run gives the same paths (what a need line derived from the run reads)."""
    method: forecast.Method = run.method  # type: ignore[assignment]
    return forecast.forecast(
        queries.series_of(record),
        run.origin,
        method,
        horizon_days=run.horizon_days,
        paths=run.paths,
        seed=backtest.forecast_seed(run.seed, reference, run.origin, method),
    )


# The census series of pairaid.forecast.census stored with a run, as its targets.
CENSUS_TARGETS = {
    "hospital": ForecastQuantiles.Target.CENSUS_HOSPITAL,
    "icu_all": ForecastQuantiles.Target.CENSUS_ICU,
}


@dataclass(frozen=True)
class Quantiles:
    target: str
    horizon_days: int
    values: list[float]


def _quantiles(run: ForecastRun, reference: str, record: queries.Record) -> list[Quantiles]:
    """Cases (new confirmed since the origin, active) and the census (hospital, ICU) derived
    from them, each day ahead, from one set of joint sample paths."""
    horizons = tuple(range(1, run.horizon_days + 1))
    paths = sample_paths(run, reference, record)
    found = [
        Quantiles(q.target, q.horizon_days, _rounded(q.values))
        for q in forecast.quantile_forecasts(paths, horizons)
    ]
    for series in census.census_quantiles(census.census_of(paths)):
        if series.series in CENSUS_TARGETS:
            for horizon in horizons:
                day = run.origin + datetime.timedelta(days=horizon)
                values = series.values[(day - series.first_day).days]
                found.append(Quantiles(CENSUS_TARGETS[series.series], horizon, _rounded(values)))
    return found


def _rounded(values: Any) -> list[float]:
    return [round(float(value), 3) for value in values]


@transaction.atomic
def _store(run: ForecastRun, outputs: Outputs, left_out: dict[str, str]) -> ForecastRun:
    ForecastQuantiles.objects.bulk_create(
        ForecastQuantiles(
            run=run,
            recipient_id=participant_id,
            target=quantiles.target,
            horizon_days=quantiles.horizon_days,
            values=quantiles.values,
        )
        for participant_id, forecasts in outputs.items()
        for quantiles in forecasts
    )
    run.notes = {"left_out": left_out} if left_out else {}
    run.state = ForecastRun.State.FINISHED
    run.finished_at = timezone.now()
    run.progress = {"done": len(run.input), "total": len(run.input)}
    run.save(update_fields=["notes", "state", "finished_at", "progress"])
    return run


def end(run: RunModel, state: str, reason: str) -> RunModel:
    run.state = state
    run.log = reason
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "log", "finished_at"])
    return run


# The runs the worker's watchdog fails once their worker stops answering.
STALLABLE = (ForecastRun, BacktestRun, RollingPlanRun)


def any_stalled() -> bool:
    """Whether a forecast, backtest or rolling plan run's worker stopped answering
    (`background.stalled`)."""
    return any(background.stalled(model.objects.all()).exists() for model in STALLABLE)


@transaction.atomic
def fail_stalled() -> int:
    """Mark failed every stalled forecast, backtest or rolling plan run, with the reason;
    returns how many."""
    found: list[Any] = [
        run
        for model in STALLABLE
        for run in background.stalled(model.objects.all()).select_for_update()
    ]
    for run in found:
        last = run.heartbeat_at or run.started_at
        end(
            run,
            ForecastRun.State.FAILED,
            gettext("its worker stopped answering: no sign of life since %(when)s")
            % {"when": last.isoformat(timespec="seconds") if last else "?"},
        )
    return len(found)
