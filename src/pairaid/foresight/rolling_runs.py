"""Rolling re-plans in the task worker (issue 20, items 6 and 8): start one (check what can be
checked at once, store the request and its assumptions) and execute it with progress per step
and a heartbeat; a run whose worker died is failed with the forecast runs
(`services.fail_stalled`). The planning itself is `pairaid.pairing.rolling`, the code
`pairaid forecast rolling` runs: one path."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pairaid import background, freshness
from pairaid.errors import NotFound, ValidationFailed
from pairaid.errors import Problem as InputProblem
from pairaid.forecast import rolling
from pairaid.foresight import services
from pairaid.foresight.models import RollingPlanRun
from pairaid.pairing import forecast_need, plan_value
from pairaid.pairing import rolling as programme_rolling
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme

Enqueue = Callable[[int], None]
State = RollingPlanRun.State
PATHS = 200  # sample paths per forecast: the command's default, so both give the same plans
TIME_LIMIT_SECONDS = 10.0  # the solver's per step: the command's default


def _settings(run: RollingPlanRun) -> tuple[rolling.Schedule, rolling.Realism]:
    return (
        rolling.Schedule(run.first_day, run.steps, run.every_days),
        rolling.Realism(run.transit_days, run.minimum_stay_days, run.withdrawal),
    )


def start(
    *,
    programme: Programme,
    user: Any,
    enqueue: Enqueue,
    first_day: datetime.date,
    steps: int = 4,
    every_days: int = 7,
    need_from: str = str(forecast_need.ForecastNeedBasis()),
    churn_budget: int | None = programme_rolling.DEFAULT_CHURN_BUDGET,
    transit_days: int = rolling.DEFAULT_TRANSIT_DAYS,
    minimum_stay_days: int = rolling.DEFAULT_MINIMUM_STAY_DAYS,
    withdrawal: datetime.date | None = rolling.WITHDRAWAL,
    seed: int = 0,
) -> RollingPlanRun:
    """Check the request (a bad setting, e.g. a step after the withdrawal, fails here with the
    reason), store it, and queue it (no request waits)."""
    services.check_sampling(PATHS, seed, first_day)
    basis = forecast_need.parse_basis(need_from)
    run = RollingPlanRun(
        programme=programme,
        first_day=first_day,
        steps=steps,
        every_days=every_days,
        need_from=str(basis),
        churn_budget=churn_budget,
        transit_days=transit_days,
        minimum_stay_days=minimum_stay_days,
        withdrawal=withdrawal,
        paths=PATHS,
        seed=seed,
    )
    try:
        rolling.check_schedule(*_settings(run))
    except rolling.RollingError as error:
        raise ValidationFailed([InputProblem(str(error), column="rolling")]) from None
    plan_value.first_arrival(first_day)  # the valuation needs a dated arrival mix: say so now
    run.data_version = freshness.data_version() or ""
    run.assumptions = plan_value.assumption_lines()
    run.progress = {"done": 0, "total": steps + 1}
    with transaction.atomic():
        run.number = programme_services.next_number(
            programme=programme, numbered=programme.rolling_plans.all()
        )
        run.created_by = user if getattr(user, "pk", None) else None
        run.save()
        transaction.on_commit(lambda: enqueue(run.pk))
    return run


def execute(run_id: int, *, stop: threading.Event | None = None) -> RollingPlanRun:
    """Plan every step of a queued run, value it, and store the figures (the background task's
    body). A step that cannot be planned ends the run `failed`, with the reason; SIGTERM to the
    worker, or `stop`, ends it `interrupted` with nothing stored."""
    run = services.claim(RollingPlanRun.objects.all(), run_id)
    if run is None:
        return RollingPlanRun.objects.get(pk=run_id)
    stop = stop or threading.Event()
    rows = RollingPlanRun.objects.filter(pk=run.pk)
    total = run.steps + 1  # every step, then the valuation

    def on_step(done: int) -> None:
        background.beat(rows, progress={"done": done, "total": total})

    with background.stopped_by_sigterm(stop):
        try:
            schedule, realism = _settings(run)
            result = programme_rolling.rolling_of(
                run.programme,
                schedule,
                basis=forecast_need.parse_basis(run.need_from),
                churn_budget=run.churn_budget,
                realism=realism,
                paths=run.paths,
                seed=run.seed,
                time_limit_seconds=TIME_LIMIT_SECONDS,
                on_step=on_step,
            )
            report = programme_rolling.compare(
                run.programme, result, paths=run.paths, seed=run.seed
            )
        except (ValidationFailed, NotFound, rolling.RollingError) as error:
            return services.end(run, State.FAILED, str(error))
    if stop.is_set():
        return services.end(run, State.INTERRUPTED, gettext("stopped with its worker"))
    run.output = programme_rolling.figures(result, report)
    run.assumptions = programme_rolling.assumption_lines(result) + plan_value.assumption_lines()
    run.progress = {"done": total, "total": total}
    run.state = State.FINISHED
    run.finished_at = timezone.now()
    run.save(update_fields=["output", "assumptions", "progress", "state", "finished_at"])
    return run
