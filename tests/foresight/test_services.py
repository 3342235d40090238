"""Forecast runs: what a run stores as its input, its quantiles and its progress, and how it
ends when stopped or when its worker dies."""

import datetime
import threading

import pytest
from django.utils import timezone

from pairaid import forecast
from pairaid.errors import ValidationFailed
from pairaid.foresight import queries, services
from pairaid.foresight.models import ForecastRun

ORIGIN = datetime.date(2020, 2, 10)
HUANGGANG = "421100"


def started(hubei, **options):  # type: ignore[no-untyped-def]
    queued: list[int] = []
    run = services.start(
        programme=hubei, user=None, enqueue=queued.append, origin=ORIGIN, paths=200, **options
    )
    return run, queued


# serialized_rollback, as every transactional test here: its flush must not leave content types
# that a later serialized test's restore collides with.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # on_commit runs
def test_a_run_stores_the_record_up_to_its_origin_and_queues_itself(hubei):
    run, queued = started(hubei)
    assert queued == [run.pk]  # on commit: the worker never sees a run that is not stored
    huanggang = hubei.participants.get(region__code=HUANGGANG)
    record = run.input[str(huanggang.pk)]
    assert record[-1][0] == ORIGIN.isoformat()  # nothing after the origin is read
    assert all(day <= ORIGIN.isoformat() for day, *_ in record)
    assert run.progress == {"done": 0, "total": 16}
    assert any("Nishiura" in a["source"] for a in run.assumptions)
    assert run.levels == list(forecast.QUANTILE_LEVELS)


def test_a_finished_run_holds_quantiles_per_recipient_target_and_day_ahead(hubei):
    run, _ = started(hubei)
    run = services.execute(run.pk)
    assert run.state == ForecastRun.State.FINISHED
    assert run.progress == {"done": 16, "total": 16}
    assert run.quantiles.count() == 16 * 4 * 14
    huanggang = hubei.participants.get(region__code=HUANGGANG)
    bands = queries.bands(run, huanggang, "active")
    assert [b.horizon_days for b in bands] == list(range(1, 15))
    assert all(b.low_90 <= b.low_50 <= b.median <= b.high_50 <= b.high_90 for b in bands)
    # Huanggang had about 2,000 active cases on 2020-02-10: its forecast starts near them.
    assert 1000 < bands[0].median < 4000


def test_the_same_seed_gives_the_same_quantiles(hubei):
    first = services.execute(started(hubei)[0].pk)
    second = services.execute(started(hubei)[0].pk)
    assert [q.values for q in first.quantiles.order_by("recipient", "target", "horizon_days")] == [
        q.values for q in second.quantiles.order_by("recipient", "target", "horizon_days")
    ]


def test_a_stopped_run_is_interrupted_and_stores_nothing(hubei):
    run, _ = started(hubei)
    stop = threading.Event()
    stop.set()
    run = services.execute(run.pk, stop=stop)
    assert run.state == ForecastRun.State.INTERRUPTED
    assert not run.quantiles.exists()


def test_a_run_whose_worker_died_is_failed_with_the_reason(hubei, settings):
    run, _ = started(hubei)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.PAIRAID_RUN_STALL_SECONDS + 5)
    ForecastRun.objects.filter(pk=run.pk).update(
        state="running", started_at=long_ago, heartbeat_at=long_ago
    )
    assert services.fail_stalled() == 1
    run.refresh_from_db()
    assert run.state == ForecastRun.State.FAILED
    assert "stopped answering" in run.log


def test_bad_options_are_refused_by_field(hubei):
    with pytest.raises(ValidationFailed) as refused:
        started(hubei, horizon_days=0, seed=-1)
    assert {p.column for p in refused.value.problems} == {"horizon_days", "seed"}
