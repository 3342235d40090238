"""Workers that recover (issue 17, item 5): the solve runs in a watched child process with a
memory limit; a run whose worker died is failed by its stalled heartbeat and retried as a new
run; SIGTERM stops a run promptly as `interrupted`; /healthz/work reports stalled work while
/healthz stays a liveness check."""

import dataclasses
import datetime
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.launcher_helpers import running

from pairaid import background, engine
from pairaid.errors import Conflict
from pairaid.pairing import runs, solver_process
from pairaid.pairing.management.commands import worker
from pairaid.pairing.models import Pairing, PlanRun

pytestmark = pytest.mark.django_db
STALL_SECONDS = django_settings.PAIRAID_RUN_STALL_SECONDS


def long_problem() -> dict:
    """A mid-size problem the solver works on for its whole time limit (docs/benchmarks.md)."""
    problem = engine.generate(300, 250, seed=4, donor_nearest=20, recipient_max=4)
    problem = dataclasses.replace(
        problem,
        objectives=[engine.Objective("leximin", levels=4)],
        options=dataclasses.replace(problem.options, time_limit_seconds=60),
    )
    return engine.problem_to_dict(problem)


def small_problem() -> dict:
    return engine.problem_to_dict(engine.generate(6, 4, seed=1))


def solve(problem: dict, *, memory_limit_mb: int = 4096, stop=None, progress=None):  # type: ignore[no-untyped-def]
    beats: list[float] = []
    outcome = solver_process.solve(
        problem,
        memory_limit_mb=memory_limit_mb,
        stop=stop or threading.Event(),
        on_progress=(progress if progress is not None else []).append,
        on_heartbeat=lambda: beats.append(time.monotonic()),
    )
    return outcome, beats


def test_a_child_solves_and_the_worker_sees_its_progress_and_beats():
    progress: list[engine.Progress] = []
    outcome, beats = solve(small_problem(), progress=progress)
    assert outcome.result is not None and outcome.result.status == "optimal"
    assert not outcome.failure and not outcome.stopped
    assert progress and all(isinstance(step, engine.Progress) for step in progress)
    assert beats  # the first heartbeat is at once


def test_a_solver_over_its_memory_limit_is_stopped_and_says_so():
    outcome, _ = solve(small_problem(), memory_limit_mb=1)  # an interpreter alone is more
    assert outcome.result is None
    assert (
        "over its limit of 1 MB" in outcome.failure
        and "PAIRAID_SOLVER_MEMORY_MB" in outcome.failure
    )


def test_a_solver_that_dies_fails_with_its_exit_code():
    def kill_the_child() -> None:
        while not multiprocessing.active_children():
            time.sleep(0.05)
        time.sleep(0.5)
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)

    threading.Thread(target=kill_the_child, daemon=True).start()
    outcome, _ = solve(long_problem())
    assert outcome.result is None
    assert outcome.failure == f"the solver process ended with exit code {-signal.SIGKILL}"


def test_a_stopped_solver_returns_its_best_plan_so_far_promptly():
    stop = threading.Event()
    progress: list[engine.Progress] = []

    def stop_after_the_first_plan() -> None:
        while not any(step.value is not None for step in list(progress)):
            time.sleep(0.05)
        stop.set()

    threading.Thread(target=stop_after_the_first_plan, daemon=True).start()
    outcome, _ = solve(long_problem(), stop=stop, progress=progress)
    assert outcome.stopped and outcome.result is not None
    assert outcome.result.status in ("feasible", "optimal")
    assert any(m.code == "stopped" for m in outcome.result.explanations)
    # Well inside the 60 s limit: the run did not go on to its end.
    assert outcome.result.seconds < 60


def test_sigterm_sets_the_stop_and_keeps_the_worker_s_own_handler():
    seen: list[int] = []
    before = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        stop = threading.Event()
        with background.stopped_by_sigterm(stop):
            os.kill(os.getpid(), signal.SIGTERM)
            assert stop.wait(5)
        assert seen == [signal.SIGTERM]  # the task worker still learns it must shut down
    finally:
        signal.signal(signal.SIGTERM, before)


def queued_run(hubei, problem: dict, number: int = 900) -> PlanRun:  # type: ignore[no-untyped-def]
    return PlanRun.objects.create(
        programme=hubei, number=number, as_of=hubei.current_date(), options={}, problem=problem
    )


def test_a_run_stopped_by_its_worker_is_interrupted_and_proposes_nothing(hubei):
    run = queued_run(hubei, long_problem())
    stop = threading.Event()
    threading.Timer(3.0, stop.set).start()
    run, _ = runs.execute(run.pk, stop=stop)
    assert run.state == "interrupted"
    assert run.heartbeat_at is not None and run.finished_at is not None
    assert not Pairing.objects.filter(plan_run=run).exists()  # retry it for a plan to decide on
    with pytest.raises(Conflict, match="no plan to decide on"):
        runs.approve(run=run, user=None)
    assert runs.retry(run=run, user=None, enqueue=lambda pk: None).replay_of == run


def test_a_run_over_its_memory_limit_fails_with_the_reason(hubei, settings):
    settings.PAIRAID_SOLVER_MEMORY_MB = 1
    run, result = runs.execute(queued_run(hubei, small_problem()).pk)
    assert result is None and run.state == "failed"
    assert "over its limit of 1 MB" in run.log


def stalled_run(hubei, seconds_ago: float, number: int = 900) -> PlanRun:  # type: ignore[no-untyped-def]
    """A run as a worker killed mid-run leaves it: running, its task running, no heartbeat."""
    run = queued_run(hubei, small_problem(), number)
    last = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    PlanRun.objects.filter(pk=run.pk).update(state="running", started_at=last, heartbeat_at=last)
    DBTaskResult.objects.create(
        task_path="pairaid.pairing.tasks.execute_plan_run",
        args_kwargs={"args": [run.pk], "kwargs": {}},
        status="RUNNING",
        backend_name="default",
        run_after=last,
        started_at=last,
    )
    return run


def test_a_run_whose_worker_died_is_failed_with_the_reason_and_its_task_too(hubei):
    alive = stalled_run(hubei, seconds_ago=solver_process.HEARTBEAT_SECONDS, number=901)
    dead = stalled_run(hubei, seconds_ago=STALL_SECONDS + 5)
    assert runs.fail_stalled() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == "failed" and "stopped answering" in dead.log and dead.finished_at
    assert alive.state == "running"
    assert runs.tasks_of_run(dead.pk).get().status == "FAILED"
    assert runs.tasks_of_run(alive.pk).get().status == "RUNNING"


def test_a_failed_run_is_retried_as_a_new_linked_run_from_the_page_and_the_api(
    hubei, client, people, django_capture_on_commit_callbacks
):
    dead = stalled_run(hubei, seconds_ago=STALL_SECONDS + 5)
    runs.fail_stalled()
    client.force_login(people["coordinator"])
    page = client.get(f"/p/{hubei.slug}/plan/runs/{dead.number}/").content.decode()
    assert 'id="retry"' in page and "stopped answering" in page
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/p/{hubei.slug}/plan/runs/{dead.number}/retry")
    assert len(queued) == 1  # the new run goes to the task worker once committed
    retried = PlanRun.objects.get(replay_of=dead)
    assert response.status_code == 302 and response["Location"].endswith(f"/{retried.number}/")
    assert retried.problem == dead.problem and retried.state == "queued"
    dead.refresh_from_db()
    assert dead.state == "failed"  # runs are immutable: the failure stays on record
    api = client.post(f"/api/v1/programmes/{hubei.slug}/plan-runs/{dead.number}/retry")
    assert api.status_code == 202 and api.json()["replay_of"] == dead.number
    refused = client.post(f"/api/v1/programmes/{hubei.slug}/plan-runs/{retried.number}/retry")
    assert refused.status_code == 409
    assert refused.json()["detail"] == [
        f"only a failed or interrupted run is retried; run {retried.number} is queued"
    ]


def test_an_observer_may_not_retry(hubei, client, people):
    dead = stalled_run(hubei, seconds_ago=STALL_SECONDS + 5)
    runs.fail_stalled()
    client.force_login(people["observer"])
    assert (
        client.post(f"/api/v1/programmes/{hubei.slug}/plan-runs/{dead.number}/retry").status_code
        == 403
    )
    assert not PlanRun.objects.filter(replay_of=dead).exists()


def test_healthz_work_reports_stalled_runs_while_healthz_stays_live(hubei, client):
    stalled_run(hubei, seconds_ago=STALL_SECONDS + 5)
    work = client.get("/healthz/work")
    assert work.status_code == 503
    assert work.json()["work"]["stalled_plan_runs"] == 1
    assert work.json()["work"]["stall_seconds"] == STALL_SECONDS
    assert client.get("/healthz").status_code == 200
    runs.fail_stalled()
    work = client.get("/healthz/work")
    assert work.status_code == 200 and work.json()["work"]["stalled_plan_runs"] == 0


def test_the_stall_threshold_is_the_operator_s_setting(hubei, settings):
    settings.PAIRAID_RUN_STALL_SECONDS = 15
    dead = stalled_run(hubei, seconds_ago=20, number=902)
    stalled_run(hubei, seconds_ago=10, number=903)  # two heartbeats missed: still alive
    assert list(runs.stalled()) == [dead]


class Turns(threading.Event):
    """A stop that lets a loop waiting on it take `turns` turns at once, then ends it."""

    def __init__(self, turns: int) -> None:
        super().__init__()
        self.left = turns

    def wait(self, timeout: float | None = None) -> bool:
        self.left -= 1
        return self.left < 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # its own connection
def test_a_running_worker_s_stall_watch_fails_a_dead_worker_s_run(hubei):
    alive = stalled_run(hubei, seconds_ago=solver_process.HEARTBEAT_SECONDS, number=901)
    dead = stalled_run(hubei, seconds_ago=STALL_SECONDS + 5)
    # The thread `pairaid worker` runs beside its task loop, for one turn (no sleeping here).
    watch = threading.Thread(target=worker.watch_stalled_runs, args=(Turns(1),))
    watch.start()
    watch.join()
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == "failed" and "stopped answering" in dead.log
    assert alive.state == "running"
    assert runs.tasks_of_run(dead.pk).get().status == "FAILED"


# A task worker reduced to its solve: it prints its solver's process id at the first heartbeat.
SOLVING_WORKER = """
import json, multiprocessing, sys, threading
from pairaid.pairing import solver_process

def started():
    print(*(c.pid for c in multiprocessing.active_children() if c.name == "pairaid-solver"),
          flush=True)

solver_process.solve(json.loads(open(sys.argv[1]).read()), memory_limit_mb=4096,
                     stop=threading.Event(), on_progress=lambda step: None, on_heartbeat=started)
"""


def test_a_solver_whose_worker_is_killed_stops_on_its_own_quietly(tmp_path):
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(long_problem()))
    solving = subprocess.Popen(
        [sys.executable, "-c", SOLVING_WORKER, str(problem)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert solving.stdout is not None
    solver = int(solving.stdout.readline())
    solving.send_signal(signal.SIGKILL)  # as the out-of-memory killer would
    try:
        # The pipes close once every process holding them has ended, the orphan included.
        _, said = solving.communicate(timeout=60)
    finally:
        if running(solver):
            os.kill(solver, signal.SIGKILL)
    assert not running(solver)
    assert "the task worker is gone; stopping without a result" in said
    assert "Traceback" not in said
