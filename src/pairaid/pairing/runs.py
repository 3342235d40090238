"""Plan runs: start (build and store the exact input), execute (in a background task), approve,
discard and replay. Each use case is one transaction (DESIGN.md §2 approval semantics)."""

import datetime
import time
import traceback
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pairaid import engine
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.pairing import options as run_options
from pairaid.pairing import translate
from pairaid.pairing.models import AllocationLine, Pairing, PlanRun
from pairaid.pairing.options import RunOptions
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import Certainty, ResourceType, Source

Enqueue = Callable[[int], None]


def build(programme: Programme, options: RunOptions) -> translate.Build:
    """The engine instance a run with these options solves (as of its date)."""
    return build_instance(programme, options)


def build_instance(programme: Programme, options: RunOptions) -> translate.Build:
    """Check the options (`options.check`), then build the engine instance they ask for."""
    run_options.check(
        options, recipients=programme.participants.filter(role=Participant.Role.RECIPIENT).count()
    )
    on = datetime.date.fromisoformat(options.as_of) if options.as_of else programme.current_date()
    build = translate.build_problem(
        programme,
        on=on,
        need_from=translate.NeedBasis.parse(options.need_from) if options.need_from else None,
        capacity_from=translate.CapacityBasis.parse(options.capacity_from)
        if options.capacity_from
        else None,
        objectives=[
            engine.Objective(o["name"], int(o.get("levels", 1))) for o in options.objectives
        ],
        lock=[tuple(p) for p in options.lock],  # type: ignore[misc]
        forbid=[tuple(p) for p in options.forbid],  # type: ignore[misc]
        churn_budget=options.churn_budget,
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
    return build


@transaction.atomic
def start(*, programme: Programme, user: Any, options: RunOptions, enqueue: Enqueue) -> PlanRun:
    """Build and store the exact engine input, then queue the solve (no request waits on it)."""
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
        },
    )
    transaction.on_commit(lambda: enqueue(run.pk))
    return run


def execute(run_id: int) -> tuple[PlanRun, engine.Result | None]:
    """Solve a queued run's stored input and store the result (the background task's body)."""
    with transaction.atomic():
        run = PlanRun.objects.select_for_update().get(pk=run_id)
        if run.state not in (PlanRun.State.QUEUED,):
            return run, None
        run.state = PlanRun.State.RUNNING
        run.started_at = timezone.now()
        run.progress = {"stage": "solving"}
        run.save(update_fields=["state", "started_at", "progress"])
    started = time.perf_counter()
    try:
        result = engine.solve(
            engine.problem_from_dict(run.problem), progress=_progress_reporter(run.pk)
        )
    except Exception:  # a bug must not leave the run "running" forever
        run.state = PlanRun.State.FAILED
        run.log = traceback.format_exc()
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "log", "finished_at"])
        raise
    return _store_result(run, result, time.perf_counter() - started), result


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
def _store_result(run: PlanRun, result: engine.Result, wall_seconds: float) -> PlanRun:
    run.result = result.to_dict()
    run.status = result.status
    run.state = PlanRun.State.FINISHED
    run.finished_at = timezone.now()
    run.progress = {"stage": "finished", "seconds": round(wall_seconds, 3)}
    run.log = "\n".join(m.text for m in (*result.errors, *result.explanations))
    run.save()
    if result.status in ("optimal", "feasible"):
        _propose(run, result)
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
    for pair in result.pairs:
        pairing = Pairing.objects.create(
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
    for pairing in Pairing.objects.filter(programme=programme).open():
        key = (pairing.donor_id, pairing.recipient_id)
        if key in proposed:
            _keep(pairing, proposed.pop(key), today)
        else:
            pairing.status = Pairing.Status.ENDED
            pairing.valid_to = today
            pairing.superseded_by = run
            pairing.save()
    for pairing in proposed.values():
        pairing.status = Pairing.Status.ACTIVE if start_on <= today else Pairing.Status.APPROVED
        pairing.valid_from = start_on
        pairing.save()
    run.decision = PlanRun.Decision.APPROVED
    run.decided_by = user if getattr(user, "pk", None) else None
    run.decided_on = today
    run.save(update_fields=["decision", "decided_by", "decided_on"])
    return run


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
