"""Pairings and plan runs (start, status, result, approve, discard)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import NotFound
from pairaid.pairing import notices, runs, tasks
from pairaid.pairing.models import AllocationLine, Pairing, PairingNotice, PlanRun

router = Router(tags=["pairings and plan runs"])


class AllocationOut(Schema):
    resource_type: str
    quantity: Decimal
    date: datetime.date
    certainty: str

    @staticmethod
    def resolve_resource_type(line: AllocationLine) -> str:
        return line.resource_type.code


class PairingOut(Schema):
    id: int
    donor: str
    recipient: str
    donor_name_en: str
    recipient_name_en: str
    status: str
    origin: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    plan_run: int | None
    illustrative: bool
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_donor(p: Pairing) -> str:
        return p.donor.region.reference.partition(":")[2]

    @staticmethod
    def resolve_recipient(p: Pairing) -> str:
        return p.recipient.region.reference.partition(":")[2]

    @staticmethod
    def resolve_donor_name_en(p: Pairing) -> str:
        return p.donor.region.name_en

    @staticmethod
    def resolve_recipient_name_en(p: Pairing) -> str:
        return p.recipient.region.name_en

    @staticmethod
    def resolve_plan_run(p: Pairing) -> int | None:
        return p.plan_run.number if p.plan_run else None

    @staticmethod
    def resolve_allocations(p: Pairing) -> list[AllocationLine]:
        return list(p.allocations.all())


@router.get("/programmes/{slug}/pairings", response=list[PairingOut])
@paginate(PageNumberPagination, page_size=50)
def list_pairings(request: HttpRequest, slug: str, status: str = "") -> QuerySet[Pairing]:
    programme = permissions.programme_for(request.user, slug)
    pairings = (
        Pairing.objects.filter(programme=programme)
        .select_related("donor__region__parent", "recipient__region__parent", "plan_run")
        .prefetch_related(
            Prefetch("allocations", AllocationLine.objects.select_related("resource_type"))
        )
        .order_by("pk")
    )
    return pairings.filter(status=status) if status else pairings


class ObjectiveIn(Schema):
    name: str
    levels: int = 1


class RunIn(Schema):
    objectives: list[ObjectiveIn] = [ObjectiveIn(name="max_min_coverage")]
    lock: list[list[str]] = []
    forbid: list[list[str]] = []
    churn_budget: int | None = None
    time_limit_seconds: float = runs.DEFAULT_TIME_LIMIT_SECONDS
    need_from: str | None = None
    capacity_from: str | None = None
    as_of: datetime.date | None = None
    deterministic: bool = False
    seed: int = 0


class RunOut(Schema):
    number: int
    as_of: datetime.date
    state: str
    status: str
    decision: str
    created_by: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    options: dict[str, Any]
    build_notes: dict[str, Any]
    replay_of: int | None

    @staticmethod
    def resolve_created_by(run: PlanRun) -> str | None:
        return run.created_by.username if run.created_by else None

    @staticmethod
    def resolve_replay_of(run: PlanRun) -> int | None:
        return run.replay_of.number if run.replay_of else None


class RunResultOut(RunOut):
    result: dict[str, Any] | None


def _run(request: HttpRequest, slug: str, number: int, action: Action = Action.VIEW) -> PlanRun:
    programme = permissions.programme_for(request.user, slug, action)
    run = (
        programme.plan_runs.select_related("created_by", "replay_of", "programme")
        .filter(number=number)
        .first()
    )
    if run is None:
        raise NotFound(f"no plan run {number} in {slug}")
    return run


@router.get("/programmes/{slug}/plan-runs", response=list[RunOut])
@paginate(PageNumberPagination, page_size=50)
def list_runs(request: HttpRequest, slug: str) -> QuerySet[PlanRun]:
    programme = permissions.programme_for(request.user, slug)
    return programme.plan_runs.select_related("created_by", "replay_of").order_by("-number")


@router.post(
    "/programmes/{slug}/plan-runs",
    response={202: RunOut},
    summary="Start a plan run (in the background)",
)
def start_run(request: HttpRequest, slug: str, payload: RunIn) -> Status:
    programme = permissions.programme_for(request.user, slug, Action.RUN_PLAN)
    options = runs.RunOptions(
        objectives=[o.dict() for o in payload.objectives],
        lock=payload.lock,
        forbid=payload.forbid,
        churn_budget=payload.churn_budget,
        time_limit_seconds=payload.time_limit_seconds,
        need_from=payload.need_from,
        capacity_from=payload.capacity_from,
        as_of=payload.as_of.isoformat() if payload.as_of else None,
        deterministic=payload.deterministic,
        seed=payload.seed,
    )
    run = runs.start(
        programme=programme, user=request.user, options=options, enqueue=tasks.enqueue_plan_run
    )
    return Status(202, run)


@router.get(
    "/programmes/{slug}/plan-runs/{number}", response=RunResultOut, summary="Status and result"
)
def get_run(request: HttpRequest, slug: str, number: int) -> PlanRun:
    return _run(request, slug, number)


@router.post("/programmes/{slug}/plan-runs/{number}/approve", response=RunOut)
def approve_run(request: HttpRequest, slug: str, number: int) -> PlanRun:
    return runs.approve(run=_run(request, slug, number, Action.APPROVE_PLAN), user=request.user)


@router.post("/programmes/{slug}/plan-runs/{number}/discard", response=RunOut)
def discard_run(request: HttpRequest, slug: str, number: int) -> PlanRun:
    return runs.discard(run=_run(request, slug, number, Action.APPROVE_PLAN), user=request.user)


class NoticeOut(Schema):
    number: int
    date: datetime.date
    title_en: str
    title_zh: str
    plan_run: int | None
    entries: list[dict[str, Any]]

    @staticmethod
    def resolve_plan_run(notice: PairingNotice) -> int | None:
        return notice.plan_run.number if notice.plan_run else None


class PublishIn(Schema):
    run: int | None = None


@router.get("/programmes/{slug}/notices", response=list[NoticeOut], summary="Published notices")
@paginate(PageNumberPagination, page_size=50)
def list_notices(request: HttpRequest, slug: str) -> QuerySet[PairingNotice]:
    programme = permissions.programme_for(request.user, slug)
    return programme.notices.select_related("plan_run").order_by("-number")


@router.get("/programmes/{slug}/notices/{number}", response=NoticeOut)
def get_notice(request: HttpRequest, slug: str, number: int) -> PairingNotice:
    programme = permissions.programme_for(request.user, slug)
    notice = programme.notices.select_related("plan_run").filter(number=number).first()
    if notice is None:
        raise NotFound(f"no notice {number} in {slug}")
    return notice


@router.post(
    "/programmes/{slug}/notices", response={201: NoticeOut}, summary="Publish the plan in force"
)
def publish_notice(request: HttpRequest, slug: str, payload: PublishIn) -> Status:
    programme = permissions.programme_for(request.user, slug, Action.PUBLISH)
    run = _run(request, slug, payload.run) if payload.run else None
    return Status(201, notices.publish(programme=programme, user=request.user, run=run))
