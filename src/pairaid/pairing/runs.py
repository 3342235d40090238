"""Plan runs: start (build and store the exact input), execute (in a background task), approve,
discard and replay. Each use case is one transaction (DESIGN.md §2 approval semantics)."""

import datetime
import logging
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from pairaid import background, engine
from pairaid.conversations import services as conversation_services
from pairaid.conversations.models import Event
from pairaid.engine.result import plan_result
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.pairing import levels, solver_process, tradeoff, translate
from pairaid.pairing import options as run_options
from pairaid.pairing.models import AllocationLine, Pairing, PlanRun
from pairaid.pairing.options import RunOptions
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import Certainty, ResourceType, Source

Enqueue = Callable[[int], None]
logger = logging.getLogger(__name__)


def build(
    programme: Programme, options: RunOptions, *, store_derived_needs: bool = True
) -> translate.Build:
    """The engine instance a run with these options solves (as of its date). With
    `store_derived_needs` False, need derived from a forecast is computed but not written (an
    evaluation stores nothing)."""
    return build_instance(programme, options, store_derived_needs=store_derived_needs)


def _recipients(programme: Programme) -> int:
    return programme.participants.filter(role=Participant.Role.RECIPIENT).count()


def build_instance(
    programme: Programme, options: RunOptions, *, store_derived_needs: bool = True
) -> translate.Build:
    """Check the options (`options.check`, with the defaults filled in), then build the engine
    instance they ask for. A default churn budget is chosen when the run executes
    (`resolve_default_budget`); the instance has none until then."""
    recipients = _recipients(programme)
    options = run_options.with_defaults(options, recipients=recipients)
    run_options.check(options, recipients=recipients)
    assert options.objectives is not None
    on = datetime.date.fromisoformat(options.as_of) if options.as_of else programme.current_date()
    parent = parent_pairing(programme, options, on)
    build = translate.build_problem(
        programme,
        on=on,
        need_from=translate.need_basis(options.need_from) if options.need_from else None,
        capacity_from=translate.CapacityBasis.parse(options.capacity_from)
        if options.capacity_from
        else None,
        objectives=[
            engine.Objective(o["name"], int(o.get("levels", 1))) for o in options.objectives
        ],
        lock=[tuple(p) for p in options.lock],  # type: ignore[misc]
        forbid=[tuple(p) for p in options.forbid],  # type: ignore[misc]
        churn_budget=options.churn_budget if isinstance(options.churn_budget, int) else None,
        store_derived_needs=store_derived_needs,
        parent=parent,
        options=engine.SolveOptions(
            backend=options.backend,
            time_limit_seconds=options.time_limit_seconds,
            seed=options.seed,
            deterministic=options.deterministic,
        ),
    )
    known = set(build.participants)
    unknown = [
        Problem(
            gettext("%(column)s: no participant %(pid)s in this run")
            % {"column": column, "pid": repr(pid)},
            column=column,
        )
        for column, pairs in (("lock", options.lock), ("forbid", options.forbid))
        for pair in pairs
        for pid in pair
        if pid not in known
    ]
    if unknown:
        raise ValidationFailed(unknown)
    if parent is not None and not build.problem.pairs:
        raise ValidationFailed(
            [
                Problem(
                    gettext(
                        "no participant lies below %(donor)s or below %(recipient)s with a "
                        "known capacity or need: there is no child level to plan"
                    )
                    % {
                        "donor": translate.engine_id(parent.donor),
                        "recipient": translate.engine_id(parent.recipient),
                    },
                    column="parent_pairing",
                )
            ]
        )
    return build


def parent_pairing(programme: Programme, options: RunOptions, on: datetime.date) -> Pairing | None:
    """The fixed parent pairing of a child-level run: a pairing of the programme's own level in
    force at the run's date (or approved to start), between the named donor and recipient."""
    if options.parent_pairing is None:
        return None
    donor, recipient = options.parent_pairing
    candidates = (
        Pairing.objects.filter(programme=programme)
        .top_level()
        .of_record()
        .exclude(status=Pairing.Status.ENDED, valid_to__lte=on)
        .select_related("donor__region__parent", "recipient__region__parent")
        .order_by("-valid_from", "-pk")
    )
    for pairing in candidates:
        if (translate.engine_id(pairing.donor), translate.engine_id(pairing.recipient)) == (
            donor,
            recipient,
        ):
            return pairing
    raise ValidationFailed(
        [
            Problem(
                gettext(
                    "no pairing of %(donor)s with %(recipient)s at the programme's level "
                    "in force on %(date)s to plan inside"
                )
                % {"donor": donor, "recipient": recipient, "date": on.isoformat()},
                column="parent_pairing",
            )
        ]
    )


@transaction.atomic
def start(*, programme: Programme, user: Any, options: RunOptions, enqueue: Enqueue) -> PlanRun:
    """Build and store the exact engine input, then queue the solve (no request waits on it)."""
    options = run_options.with_defaults(options, recipients=_recipients(programme))
    build = build_instance(programme, options)
    number = programme_services.next_number(programme=programme, numbered=programme.plan_runs.all())
    run = PlanRun.objects.create(
        programme=programme,
        number=number,
        created_by=user if getattr(user, "pk", None) else None,
        as_of=build.on,
        options=options.to_dict(),
        problem=engine.problem_to_dict(build.problem),
        build_notes={
            "excluded": build.excluded,
            "later_figures": build.later_figures,
            "assumptions": build.assumptions,
            # The unit coverage is counted in where need is an indicator ("confirmed cases").
            **({"need_unit": build.need_unit} if build.need_unit else {}),
        },
    )
    transaction.on_commit(lambda: enqueue(run.pk))
    return run


def execute(
    run_id: int, *, stop: threading.Event | None = None
) -> tuple[PlanRun, engine.Result | None]:
    """Solve a queued run's stored input and store the result (the background task's body).

    The solve runs in a child process, watched for memory and kept alive by a heartbeat
    (`solver_process`); SIGTERM to the worker, or `stop`, ends it promptly with the best plan so
    far and the run is `interrupted`."""
    with transaction.atomic():
        run = PlanRun.objects.select_for_update().get(pk=run_id)
        if run.state not in (PlanRun.State.QUEUED,):
            return run, None
        run.state = PlanRun.State.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.progress = {"stage": "solving"}
        run.save(update_fields=["state", "started_at", "heartbeat_at", "progress"])
    stop = stop or threading.Event()
    started = time.perf_counter()
    with background.stopped_by_sigterm(stop):
        run = resolve_default_budget(run, stop)
        outcome = solver_process.solve(
            run.problem,
            memory_limit_mb=settings.PAIRAID_SOLVER_MEMORY_MB,
            stop=stop,
            on_progress=_progress_reporter(run.pk),
            on_heartbeat=lambda: _beat(run.pk),
        )
    # For sizing PAIRAID_SOLVER_MEMORY_MB from real runs (benchmarks/solver_memory.py measures).
    logger.info("plan run %s: the solver's peak resident memory %.0f MB", run.pk, outcome.peak_mb)
    if outcome.result is None:
        ended = PlanRun.State.INTERRUPTED if outcome.stopped else PlanRun.State.FAILED
        return _end(run, ended, outcome.failure), None
    stored = _store_result(run, outcome.result, time.perf_counter() - started, outcome.stopped)
    return stored, outcome.result


DEFAULT_BUDGET_NOTE = "default_churn_budget"


def resolve_default_budget(run: PlanRun, stop: threading.Event) -> PlanRun:
    """Give a run that asked for the default churn budget its budget, before it solves: the
    smallest that keeps 90 % of the best max-min coverage where a plan is in force, none
    otherwise (`pairing.tradeoff`). The budget goes into the stored problem (a replay solves the
    same) and the curve behind it into the run's notes. The search keeps within the run's time
    limit, and within `PAIRAID_TRADEOFF_SECONDS`."""
    if run.options.get("churn_budget") != run_options.DEFAULT_CHURN_BUDGET:
        return run
    if DEFAULT_BUDGET_NOTE in run.build_notes:
        return run  # a replay: its stored problem carries the budget already
    seconds = float(run.options.get("time_limit_seconds") or run_options.DEFAULT_TIME_LIMIT_SECONDS)
    curve = tradeoff.curve(
        run.problem, stop=stop, seconds=seconds, on_heartbeat=lambda: _beat(run.pk)
    )
    note = tradeoff.note(curve)
    problem = dict(run.problem)
    if note is not None and note["budget"] is not None:
        problem["policy"] = {**problem["policy"], "churn_budget": note["budget"]}
    run.problem = problem
    run.build_notes = {**run.build_notes, DEFAULT_BUDGET_NOTE: note}
    # An update, not a save: the run is still being set up, not changed by anyone.
    PlanRun.objects.filter(pk=run.pk).update(problem=run.problem, build_notes=run.build_notes)
    return run


def _beat(run_id: int) -> None:
    background.beat(PlanRun.objects.filter(pk=run_id))


def _end(run: PlanRun, state: str, reason: str) -> PlanRun:
    run.state = state
    run.log = reason
    run.finished_at = timezone.now()
    run.progress = {"stage": state}
    run.save(update_fields=["state", "log", "finished_at", "progress"])
    return run


def stalled() -> QuerySet[PlanRun]:
    """Runs whose worker stopped answering: running, with no heartbeat for
    `PAIRAID_RUN_STALL_SECONDS` (the worker was killed, ran out of memory, or its host went)."""
    return background.stalled(PlanRun.objects.all())


@transaction.atomic
def fail_stalled() -> int:
    """Mark failed every stalled run, with the reason, and its task; returns how many. The task
    worker calls it as it starts (`pairaid worker`), before each run, and every few seconds
    while it runs (its stall watch)."""
    found = list(stalled().select_for_update())
    for run in found:
        last = run.heartbeat_at or run.started_at
        _end(
            run,
            PlanRun.State.FAILED,
            gettext("its worker stopped answering: no sign of life since %(when)s")
            % {"when": last.isoformat(timespec="seconds") if last else "?"},
        )
        tasks_of_run(run.pk).filter(status="RUNNING").update(
            status="FAILED", finished_at=timezone.now()
        )
    return len(found)


def tasks_of_run(run_id: int) -> Any:
    """The task queue's rows of a run's solve (django-tasks' database backend)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path="pairaid.pairing.tasks.execute_plan_run", args_kwargs__args=[run_id]
    )


_PROGRESS_EVERY_SECONDS = 1.0  # the run page polls once a second


def _progress_reporter(run_id: int) -> Callable[[engine.Progress], None]:
    """Stores the best plan found so far on the run (at most once a second), for its page."""
    last = [0.0]

    def report(step: engine.Progress) -> None:
        now = time.monotonic()
        if step.stage != "improved" or now - last[0] < _PROGRESS_EVERY_SECONDS:
            return
        last[0] = now
        progress = {"stage": "solving", "level": step.level, "value": step.value}
        progress |= {"bound": step.bound, "seconds": round(step.seconds, 1)}
        # An update, not a save: progress is not a change worth a history record.
        PlanRun.objects.filter(pk=run_id, state=PlanRun.State.RUNNING).update(progress=progress)

    return report


@transaction.atomic
def _store_result(
    run: PlanRun, result: engine.Result, wall_seconds: float, stopped: bool = False
) -> PlanRun:
    """The result, and its pairs as proposals; a run stopped early keeps its best plan so far for
    the record, but proposes nothing (retry it)."""
    run.result = result.to_dict()
    run.status = result.status
    run.state = PlanRun.State.INTERRUPTED if stopped else PlanRun.State.FINISHED
    run.finished_at = timezone.now()
    run.progress = {"stage": "finished", "seconds": round(wall_seconds, 3)}
    run.log = "\n".join(m.text for m in (*result.errors, *result.explanations))
    run.save()
    if result.status in ("optimal", "feasible") and not stopped:
        _propose(run, result)
    conversation_services.record(
        kind=Event.Kind.PLAN_RUN_FINISHED,
        programme=run.programme,
        subject=run,
        args={"number": run.number, "status": run.status, "state": run.state},
    )
    return run


def _run_source(run: PlanRun) -> Source:
    source, _ = Source.objects.get_or_create(
        key=f"plan-run-{run.programme.slug}-{run.number}",
        defaults={
            "title": f"PairAid plan run {run.number} of {run.programme.slug} (as of {run.as_of})",
            "kind": Source.Kind.DERIVED,
            "method": "pairing engine; objectives "
            + ", ".join(o["name"] for o in run.options.get("objectives", [])),
        },
    )
    return source


def _propose(run: PlanRun, result: engine.Result) -> None:
    """Store the run's pairs as proposed pairings with their allocation lines."""
    participants = {
        translate.engine_id(p): p
        for p in run.programme.participants.select_related("region__parent")
    }
    resources = {r.code: r for r in ResourceType.objects.all()}
    source = _run_source(run)
    parent = parent_pairing(run.programme, RunOptions.from_dict(run.options), run.as_of)
    for pair in result.pairs:
        pairing = Pairing.objects.create(
            parent=parent,
            programme=run.programme,
            donor=participants[pair.donor],
            recipient=participants[pair.recipient],
            status=Pairing.Status.PROPOSED,
            origin=Pairing.Origin.PLAN_RUN,
            plan_run=run,
            valid_from=run.as_of,
            rationale=f"proposed by plan run {run.number}",
            source=source,
            certainty=Certainty.DERIVED,
        )
        AllocationLine.objects.bulk_create(
            AllocationLine(
                pairing=pairing,
                resource_type=resources[code],
                quantity=Decimal(str(round(quantity, 4))),
                date=run.as_of,
                source=source,
                certainty=Certainty.DERIVED,
            )
            for code, quantity in pair.allocation.items()
            if code in resources
        )


def _decidable(run: PlanRun) -> None:
    if run.state != PlanRun.State.FINISHED or run.status not in ("optimal", "feasible"):
        raise Conflict(
            gettext("run %(number)s has no plan to decide on (state %(state)s, status %(status)s)")
            % {"number": run.number, "state": run.state, "status": run.status or "-"}
        )
    if run.decision != PlanRun.Decision.PENDING:
        raise Conflict(
            gettext("run %(number)s was already %(decision)s")
            % {"number": run.number, "decision": run.decision}
        )


@transaction.atomic
def approve(*, run: PlanRun, user: Any, start_date: datetime.date | None = None) -> PlanRun:
    """Approve a run's plan: end the pairings it drops, keep the ones it keeps, approve the new
    ones (active from their start date, which defaults to the programme date)."""
    run = PlanRun.objects.select_for_update().get(pk=run.pk)
    _decidable(run)
    programme = run.programme
    today = programme.current_date()
    start_on = start_date or today
    proposed = {
        (p.donor_id, p.recipient_id): p for p in run.pairings.filter(status=Pairing.Status.PROPOSED)
    }
    parent = parent_pairing(programme, RunOptions.from_dict(run.options), run.as_of)
    for pairing in replaced_level(run):
        key = (pairing.donor_id, pairing.recipient_id)
        if key in proposed:
            _keep(pairing, proposed.pop(key), today)
        else:
            _end_pairing(pairing, run, today)
    for pairing in proposed.values():
        pairing.status = Pairing.Status.ACTIVE if start_on <= today else Pairing.Status.APPROVED
        pairing.valid_from = start_on
        if parent is not None:
            _keep_inside(pairing, parent)
        pairing.save()
    run.decision = PlanRun.Decision.APPROVED
    run.decided_by = user if getattr(user, "pk", None) else None
    run.decided_on = today
    run.save(update_fields=["decision", "decided_by", "decided_on"])
    conversation_services.record(
        kind=Event.Kind.PAIRING_APPROVED,
        programme=programme,
        subject=run,
        actor=user,
        args={"number": run.number},
    )
    return run


def replaced_level(run: PlanRun) -> QuerySet[Pairing]:
    """The open pairings a run's plan replaces: the programme's own level, or, for a child-level
    run, the children of its parent pairing. Approving ends those it does not keep; the
    approval's preview names the same."""
    parent = parent_pairing(run.programme, RunOptions.from_dict(run.options), run.as_of)
    return Pairing.objects.filter(programme=run.programme, parent=parent).open()


def _keep_inside(child: Pairing, parent: Pairing) -> None:
    """A child approved inside its parent ends with it, and must start within its period: the
    nesting rule (`levels`) refuses the approval otherwise, naming why."""
    child.valid_to = child.valid_to or parent.valid_to
    problems = levels.problems_of(child, parent)
    if problems:
        raise ValidationFailed([Problem(message, column=field) for field, message in problems])


def _end_pairing(pairing: Pairing, run: PlanRun, today: datetime.date) -> None:
    """End a pairing the run drops, and the children inside it: a child ends with its parent."""
    for ended in [pairing, *pairing.children.open()]:
        ended.status = Pairing.Status.ENDED
        ended.valid_to = today
        ended.superseded_by = run
        ended.save()


def plan_replaced(run: PlanRun, ids: set[str]) -> list[engine.Assignment]:
    """The plan an approved run replaced: the links it ended and the ones it kept, with their
    splits as they stood the day before its approval."""
    ended = Pairing.objects.filter(superseded_by=run)
    kept = replaced_level(run).exclude(plan_run=run)
    pairings = list(
        (ended | kept).select_related("donor__region__parent", "recipient__region__parent")
    )
    before = (run.decided_on or run.as_of) - datetime.timedelta(days=1)
    return translate.plan_of(pairings, before, ids)


def revertible(run: PlanRun) -> bool:
    """Only the plan in force is reverted: the programme's latest approved run."""
    latest = (
        run.programme.plan_runs.filter(decision=PlanRun.Decision.APPROVED)
        .order_by("-number")
        .first()
    )
    return latest is not None and latest.pk == run.pk


@transaction.atomic
def revert(*, run: PlanRun, user: Any) -> PlanRun:
    """Restore the pairings of record an approved run replaced, as a new approval: a new run
    whose plan is the previous one (evaluated on the same problem), approved at once, so the
    links the run added end and the ones it ended start again from the programme date, like any
    approval (its notice can be published the same way)."""
    run = PlanRun.objects.select_for_update().get(pk=run.pk)
    if not revertible(run):
        raise Conflict(
            gettext(
                "run %(number)s is not the plan in force; only the latest approved plan is reverted"
            )
            % {"number": run.number}
        )
    problem = engine.problem_from_dict(run.problem)
    ids = {d.id for d in problem.donors} | {r.id for r in problem.recipients}
    evaluation = engine.evaluate(problem, plan_replaced(run, ids))
    result = plan_result(problem, "feasible", [], evaluation, [])
    programme = run.programme
    today = programme.current_date()
    number = programme_services.next_number(programme=programme, numbered=programme.plan_runs.all())
    restoring = PlanRun.objects.create(
        programme=programme,
        number=number,
        created_by=user if getattr(user, "pk", None) else None,
        as_of=today,
        options=_reverting_options(run),
        problem=run.problem,
        result=result.to_dict(),
        state=PlanRun.State.FINISHED,
        status=result.status,
        finished_at=timezone.now(),
        progress={"stage": "finished"},
    )
    _propose(restoring, result)
    return approve(run=restoring, user=user)


def revert_changes(run: PlanRun) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """What reverting an approved run would change, as (donor, recipient) participant ids: the
    pairs it ended that start again, and the pairs it added that end."""
    open_pairings = Pairing.objects.filter(programme=run.programme).open()
    open_pairs = set(open_pairings.values_list("donor_id", "recipient_id"))
    ended = set(Pairing.objects.filter(superseded_by=run).values_list("donor_id", "recipient_id"))
    added = set(open_pairings.filter(plan_run=run).values_list("donor_id", "recipient_id"))
    return ended - open_pairs, added


REVERTS = "reverts"
"""The option naming the run a revert undoes (a revert has no solver options)."""


def _reverting_options(run: PlanRun) -> dict[str, Any]:
    """A revert's options: the run it undoes and, for a child-level run, the same parent
    pairing, so that the revert replaces that parent's children only and restores its previous
    children inside it (without it, the restored pairs would land at the programme's own level
    and end every pairing there)."""
    parent = RunOptions.from_dict(run.options).parent_pairing
    return {REVERTS: run.number, **({"parent_pairing": parent} if parent else {})}


def _keep(existing: Pairing, proposal: Pairing, today: datetime.date) -> None:
    """A kept link stays as it is; the approved split is added to it as of today."""
    for line in proposal.allocations.all():
        AllocationLine.objects.update_or_create(
            pairing=existing,
            resource_type=line.resource_type,
            date=today,
            defaults={"quantity": line.quantity, "source": line.source, "certainty": "derived"},
        )
    proposal.delete()


@transaction.atomic
def discard(*, run: PlanRun, user: Any) -> PlanRun:
    run = PlanRun.objects.select_for_update().get(pk=run.pk)
    _decidable(run)
    run.pairings.filter(status=Pairing.Status.PROPOSED).delete()
    run.decision = PlanRun.Decision.DISCARDED
    run.decided_by = user if getattr(user, "pk", None) else None
    run.decided_on = run.programme.current_date()
    run.save(update_fields=["decision", "decided_by", "decided_on"])
    return run


@transaction.atomic
def activate_due(*, programme: Programme) -> int:
    """Approved pairings whose start date has come become active."""
    due = list(
        Pairing.objects.filter(
            programme=programme,
            status=Pairing.Status.APPROVED,
            valid_from__lte=programme.current_date(),
        )
    )
    # Saved one by one, not by `QuerySet.update()`: each change goes into the history, which
    # also moves the data version of cached responses (pairaid.freshness).
    for pairing in due:
        pairing.status = Pairing.Status.ACTIVE
        pairing.save(update_fields=["status"])
    return len(due)


@transaction.atomic
def replay(*, run: PlanRun, user: Any, enqueue: Enqueue) -> PlanRun:
    """Queue a new run on exactly the stored input of an earlier one."""
    number = programme_services.next_number(
        programme=run.programme, numbered=run.programme.plan_runs.all()
    )
    copy = PlanRun.objects.create(
        programme=run.programme,
        number=number,
        created_by=user if getattr(user, "pk", None) else None,
        as_of=run.as_of,
        options=run.options,
        problem=run.problem,
        build_notes=run.build_notes,
        replay_of=run,
    )
    transaction.on_commit(lambda: enqueue(copy.pk))
    return copy


def retry(*, run: PlanRun, user: Any, enqueue: Enqueue) -> PlanRun:
    """Queue a run that failed or was interrupted again, as a new run on its stored input linked
    to it (runs are immutable: the failed one keeps its state and reason)."""
    if run.state not in (PlanRun.State.FAILED, PlanRun.State.INTERRUPTED):
        raise Conflict(
            gettext("only a failed or interrupted run is retried; run %(number)s is %(state)s")
            % {"number": run.number, "state": run.get_state_display()}
        )
    return replay(run=run, user=user, enqueue=enqueue)


def differences(stored: dict[str, Any] | None, replayed: dict[str, Any] | None) -> list[str]:
    """What a replay changed against the stored result: status, level values, pairs."""
    if not stored or not replayed:
        return []
    found = []
    if stored["status"] != replayed["status"]:
        found.append(
            gettext("status %(before)s → %(after)s")
            % {"before": stored["status"], "after": replayed["status"]}
        )
    before = {level["name"]: level["value"] for level in stored.get("levels", [])}
    for level in replayed.get("levels", []):
        old = before.get(level["name"])
        if (
            old is None
            or level["value"] is None
            or abs(old - level["value"]) > 1e-6 * max(1.0, abs(old))
        ):
            found.append(f"{level['name']}: {old} → {level['value']}")
    pairs_before = {(p["donor"], p["recipient"]) for p in stored.get("pairs", [])}
    pairs_after = {(p["donor"], p["recipient"]) for p in replayed.get("pairs", [])}
    found += [
        gettext("pair added %(donor)s → %(recipient)s") % {"donor": d, "recipient": r}
        for d, r in sorted(pairs_after - pairs_before)
    ]
    found += [
        gettext("pair removed %(donor)s → %(recipient)s") % {"donor": d, "recipient": r}
        for d, r in sorted(pairs_before - pairs_after)
    ]
    return found
