"""Backtest runs: start (read and store each recipient's whole daily record), execute (in the
task worker: `pairaid.forecast.backtest` per recipient, with progress and a heartbeat), and the
scores summed up as `pairaid.forecast.summary` sums them for docs/forecast-backtest.md."""

from __future__ import annotations

import dataclasses
import datetime
import math
import threading
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pairaid import background, forecast, freshness
from pairaid.errors import Problem, ValidationFailed
from pairaid.forecast import backtest, summary
from pairaid.foresight import queries, services
from pairaid.foresight.models import BacktestRun
from pairaid.pairing import translate
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme

# Where the scores of all recipients are summed: every window, or only those that do not cross a
# change of counting (Hubei's clinically diagnosed cases from 2020-02-12).
ALL = "all"
ALL_WITHOUT_JUMP = "all_without_jump"
PER_RECIPIENT = "recipient"

ORIGINS_MAX = 120  # about four months of daily origins


def _check(first: datetime.date, last: datetime.date, paths: int, seed: int) -> None:
    problems = services.sampling_problems(paths, seed, last, "last_origin")
    if not 0 <= (last - first).days < ORIGINS_MAX:
        problems.append(
            Problem(
                gettext("expected a last origin on or after the first, at most %(days)s days on")
                % {"days": ORIGINS_MAX - 1},
                column="last_origin",
            )
        )
    if problems:
        raise ValidationFailed(problems)


def start(
    *,
    programme: Programme,
    user: Any,
    enqueue: services.Enqueue,
    first_origin: datetime.date = backtest.HUBEI_2020_FIRST_ORIGIN,
    last_origin: datetime.date = backtest.HUBEI_2020_LAST_ORIGIN,
    paths: int = forecast.SAMPLE_PATHS,
    seed: int = 0,
) -> BacktestRun:
    """Store each recipient's whole daily record (a backtest scores against what came later)
    and queue the backtest."""
    _check(first_origin, last_origin, paths, seed)
    version = freshness.data_version() or ""
    with transaction.atomic():
        participants = queries.recipients(programme)
        records = queries.daily_records(participants)
        number = programme_services.next_number(
            programme=programme, numbered=programme.backtest_runs.all()
        )
        run = BacktestRun.objects.create(
            programme=programme,
            number=number,
            created_by=user if getattr(user, "pk", None) else None,
            first_origin=first_origin,
            last_origin=last_origin,
            paths=paths,
            seed=seed,
            data_version=version,
            input={translate.engine_id(p): records[p.pk] for p in participants},
            progress={"done": 0, "total": len(participants)},
        )
        transaction.on_commit(lambda: enqueue(run.pk))
    return run


def execute(run_id: int, *, stop: threading.Event | None = None) -> BacktestRun:
    """Backtest every recipient of a queued run and store the scores summed up."""
    run = services.claim(BacktestRun.objects.all(), run_id)
    if run is None:
        return BacktestRun.objects.get(pk=run_id)
    stop = stop or threading.Event()
    origins = backtest.daily_origins(run.first_origin, run.last_origin)
    scores: list[backtest.BacktestScore] = []
    with background.stopped_by_sigterm(stop):
        for done, (recipient, record) in enumerate(sorted(run.input.items()), start=1):
            if stop.is_set():
                break
            if record:
                series = {recipient: queries.series_of(record)}
                scores += backtest.backtest(series, origins, paths=run.paths, seed=run.seed)
            background.beat(
                BacktestRun.objects.filter(pk=run.pk),
                progress={"done": done, "total": len(run.input)},
            )
    if stop.is_set():
        return services.end(run, BacktestRun.State.INTERRUPTED, gettext("stopped with its worker"))
    run.summary = summary_rows(scores)
    run.crossing_origins = sorted({s.origin.isoformat() for s in scores if s.crosses_clinical_jump})
    run.state = BacktestRun.State.FINISHED
    run.finished_at = timezone.now()
    run.progress = {"done": len(run.input), "total": len(run.input)}
    run.save(update_fields=["summary", "crossing_origins", "state", "finished_at", "progress"])
    return run


def summary_rows(scores: list[backtest.BacktestScore]) -> list[dict[str, Any]]:
    """The scores summed up per recipient, for all together, and for all together without the
    windows that cross the change of counting, as stored rows."""
    groups = (
        (PER_RECIPIENT, summary.summarise(scores)),
        (ALL, summary.summarise(scores, per_recipient=False)),
        (
            ALL_WITHOUT_JUMP,
            summary.summarise(
                scores, per_recipient=False, keep=lambda s: not s.crosses_clinical_jump
            ),
        ),
    )
    return [
        {
            "scope": scope,
            **{name: _stored(value) for name, value in dataclasses.asdict(row).items()},
            "meets_target": row.meets_target,
        }
        for scope, rows in groups
        for row in rows
    ]


def _stored(value: Any) -> Any:
    """A score as JSON keeps it: NaN (a relative WIS against a baseline that scored 0, a
    coverage of no forecast) is unknown, null; PostgreSQL's jsonb has no NaN."""
    return None if isinstance(value, float) and math.isnan(value) else value
