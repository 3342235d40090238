"""What-if comparisons (issue 20, items 5 and 8): start one (check what can be checked at once,
store the request and its assumptions), execute it in the task worker with progress and a
heartbeat, and fail those of workers that died. The valuation itself is
`pairaid.pairing.plan_value`, the code `pairaid forecast value` runs: one path."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pairaid import background, forecast, freshness
from pairaid.errors import NotFound, ValidationFailed
from pairaid.errors import Problem as InputProblem
from pairaid.foresight import services
from pairaid.foresight.models import PlanComparison
from pairaid.pairing import plan_value
from pairaid.pairing.models import PlanRun
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme

Enqueue = Callable[[int], None]
State = PlanComparison.State
# The solver's time limit per plan level: the command's default, so both give the same plans.
TIME_LIMIT_SECONDS = 10.0


def start(
    *,
    programme: Programme,
    user: Any,
    enqueue: Enqueue,
    origin: datetime.date | None = None,
    paths: int = forecast.SAMPLE_PATHS,
    seed: int = 0,
    plan_runs: Sequence[int] = (),
) -> PlanComparison:
    """Check the request (a bad origin, e.g. after every dated staff arrival, or a plan run that
    has no plan, fails here with the reason), store it with its assumptions, and queue it (no
    request waits)."""
    origin = origin or programme.current_date()
    services.check_sampling(paths, seed, origin)
    plan_value.first_arrival(origin)  # the plans' staff need a dated arrival: say so now
    compared_runs(programme, plan_runs)
    version = freshness.data_version() or ""
    with transaction.atomic():
        number = programme_services.next_number(
            programme=programme, numbered=programme.plan_comparisons.all()
        )
        comparison = PlanComparison.objects.create(
            programme=programme,
            number=number,
            created_by=user if getattr(user, "pk", None) else None,
            origin=origin,
            plan_runs=sorted(set(plan_runs)),
            paths=paths,
            seed=seed,
            data_version=version,
            assumptions=plan_value.assumption_lines(),
            progress={"done": 0, "total": len(plan_value.STEPS)},
        )
        transaction.on_commit(lambda: enqueue(comparison.pk))
    return comparison


MAX_PLAN_RUNS = 5  # plans valued beside the historical one: a table a person can read


def compared_runs(programme: Programme, numbers: Sequence[int]) -> list[PlanRun]:
    """The programme's finished plan runs with these numbers, in order; refused (naming each)
    where a number is no plan run of the programme, or its run has no plan."""
    numbers = sorted(set(numbers))
    if len(numbers) > MAX_PLAN_RUNS:
        raise ValidationFailed(
            [
                InputProblem(
                    f"at most {MAX_PLAN_RUNS} plan runs, got {len(numbers)}", column="plan_runs"
                )
            ]
        )
    found = {run.number: run for run in programme.plan_runs.filter(number__in=numbers)}
    problems = [
        InputProblem(f"plan run {n}: no such plan run in {programme.slug}", column="plan_runs")
        if n not in found
        else InputProblem(
            f"plan run {n}: {found[n].state}, {found[n].status or 'no result'}; only a plan run "
            "that found a plan can be compared",
            column="plan_runs",
        )
        for n in numbers
        if n not in found or not (found[n].result or {}).get("pairs")
    ]
    if problems:
        raise ValidationFailed(problems)
    return [found[n] for n in numbers]


def execute(comparison_id: int, *, stop: threading.Event | None = None) -> PlanComparison:
    """Solve and value the plans of a queued comparison and store the figures (the background
    task's body). A plan that cannot be made or valued ends the comparison `failed`, with the
    reason; SIGTERM to the worker, or `stop`, ends it `interrupted` with nothing stored."""
    with transaction.atomic():
        comparison = PlanComparison.objects.select_for_update().get(pk=comparison_id)
        if comparison.state != State.QUEUED:
            return comparison
        comparison.state = State.RUNNING
        comparison.started_at = comparison.heartbeat_at = timezone.now()
        comparison.save(update_fields=["state", "started_at", "heartbeat_at"])
    stop = stop or threading.Event()
    steps = PlanComparison.objects.filter(pk=comparison.pk)

    def on_step(step: str) -> None:
        done = plan_value.STEPS.index(step) + 1
        background.beat(steps, progress={"done": done, "total": len(plan_value.STEPS)})

    with background.stopped_by_sigterm(stop):
        try:
            result = plan_value.value_of_plans(
                comparison.programme,
                comparison.origin,
                paths=comparison.paths,
                seed=comparison.seed,
                time_limit_seconds=TIME_LIMIT_SECONDS,
                on_step=on_step,
                plan_runs=compared_runs(comparison.programme, comparison.plan_runs),
            )
        except (ValidationFailed, NotFound) as error:
            return _end(comparison, State.FAILED, str(error))
    if stop.is_set():
        return _end(comparison, State.INTERRUPTED, gettext("stopped with its worker"))
    comparison.output = plan_value.figures(result)
    comparison.progress = {"done": len(plan_value.STEPS), "total": len(plan_value.STEPS)}
    comparison.state = State.FINISHED
    comparison.finished_at = timezone.now()
    comparison.save(update_fields=["output", "progress", "state", "finished_at"])
    return comparison


def _end(comparison: PlanComparison, state: str, reason: str) -> PlanComparison:
    comparison.state = state
    comparison.log = reason
    comparison.finished_at = timezone.now()
    comparison.save(update_fields=["state", "log", "finished_at"])
    return comparison


@transaction.atomic
def fail_stalled() -> int:
    """Mark failed every comparison whose worker stopped answering; returns how many."""
    found = list(background.stalled(PlanComparison.objects.all()).select_for_update())
    for comparison in found:
        last = comparison.heartbeat_at or comparison.started_at
        _end(
            comparison,
            State.FAILED,
            gettext("its worker stopped answering: no sign of life since %(when)s")
            % {"when": last.isoformat(timespec="seconds") if last else "?"},
        )
    return len(found)
