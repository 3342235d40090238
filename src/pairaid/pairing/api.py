"""Pairings and plan runs (start, status, result, approve, discard)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import BaseModel, StrictInt

from pairaid import api_cache, engine
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.api_runs import start_in_background
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.operations.queries import handover
from pairaid.pairing import comparison, notices, runs, tasks, tradeoff
from pairaid.pairing import options as run_options
from pairaid.pairing.models import (
    AllocationLine,
    Pairing,
    PairingNotice,
    PairingQuerySet,
    PlanRun,
)
from pairaid.programmes.models import Programme
from pairaid.registry import references

router = Router(tags=["pairings and plan runs"])


# Plain pydantic models, not ninja Schemas: the rows arrive as ready dicts, and a Schema would
# wrap each row and line in an attribute getter to validate it (a third of a page's time).
# The OpenAPI schema is the same.
class AllocationOut(BaseModel):
    resource_type: str
    quantity: Decimal
    date: datetime.date
    certainty: str


class PairingOut(BaseModel):
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
    parent: int | None  # the pairing one level up this one sits inside (`levels`)
    allocations: list[AllocationOut]


# The columns a page row is read from: plain values, no model instances (fifty rows a page, at
# national scale thousands a minute), and what a side's reference is made of.
SIDES = ("donor", "recipient")
REFERENCE_FIELDS = ("country", "code", "parent__code", "name_en")
_ROW_FIELDS = (
    "id",
    "status",
    "origin",
    "valid_from",
    "valid_to",
    "illustrative",
    "plan_run__number",
    "parent_id",
    *(f"{side}__region__{name}" for side in SIDES for name in REFERENCE_FIELDS),
)


def _reference(row: dict[str, Any], side: str) -> str:
    return str(references.of(*(row[f"{side}__region__{name}"] for name in REFERENCE_FIELDS)))


def _allocations(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each pairing's allocation lines, in one query; ordered as the model orders them."""
    lines: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for pairing_id, resource, quantity, date, certainty in (
        AllocationLine.objects.filter(pairing_id__in=ids)
        .order_by("pairing_id", "resource_type_id", "date")
        .values_list("pairing_id", "resource_type__code", "quantity", "date", "certainty")
    ):
        lines[pairing_id].append(
            {"resource_type": resource, "quantity": quantity, "date": date, "certainty": certainty}
        )
    return lines


def pairing_rows(ids: list[int]) -> list[dict[str, Any]]:
    """These pairings as `PairingOut` dicts, in the order of the ids: two queries."""
    found = {row["id"]: row for row in Pairing.objects.filter(pk__in=ids).values(*_ROW_FIELDS)}
    rows = [found[pk] for pk in ids if pk in found]
    lines = _allocations(ids)
    return [
        {
            "id": row["id"],
            "donor": _reference(row, "donor"),
            "recipient": _reference(row, "recipient"),
            "donor_name_en": row["donor__region__name_en"],
            "recipient_name_en": row["recipient__region__name_en"],
            "status": row["status"],
            "origin": row["origin"],
            "valid_from": row["valid_from"],
            "valid_to": row["valid_to"],
            "plan_run": row["plan_run__number"],
            "illustrative": row["illustrative"],
            "parent": row["parent_id"],
            "allocations": lines[row["id"]],
        }
        for row in rows
    ]


class IdsFirst:
    """A page source that selects the page's ids first.

    Slicing a query that joins each pairing with its donor, recipient and their regions makes
    PostgreSQL join and sort the whole programme before OFFSET/LIMIT; slicing the ids alone
    walks the primary key index, and only the page's rows are then joined.
    """

    def __init__(self, pairings: QuerySet[Pairing]) -> None:
        self.pairings = pairings.order_by("pk")

    def all(self) -> "IdsFirst":
        return self  # ninja's paginator counts through `.all().count()`

    def count(self) -> int:
        return self.pairings.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return pairing_rows(list(self.pairings.values_list("pk", flat=True)[page]))


# A page of pairings, as ninja's paginator would declare it (no docstring: it would become the
# schema's description, and the OpenAPI schema is unchanged).
class PagedPairingOut(PageNumberPagination.Output):
    items: list[PairingOut]


PAGINATION = Pages(page_size=50)


@router.get("/programmes/{slug}/pairings", response=PagedPairingOut)
def list_pairings(
    request: HttpRequest,
    slug: str,
    date: datetime.date | None = None,
    status: Pairing.Status | None = None,
    ninja_pagination: PageNumberPagination.Input = Query(...),  # noqa: B008 (ninja's way)
) -> HttpResponse:
    # Rendered pages are cached under the data version, after the caller's token and
    # memberships have been checked on this request like any other. Every caller who may see
    # the programme sees the same rows, in every language, so the key holds neither (tests
    # prove it); it holds the query as applied (the date resolved), so a page of one date or
    # status is never served for another. No docstring: it would become the operation's
    # description in the schema.
    programme = permissions.programme_for(request.user, slug)
    on = _pairings_date(programme, date, status)
    page, size = ninja_pagination.page, ninja_pagination.page_size

    def page_data() -> dict[str, Any]:
        rows = IdsFirst(_pairings_asked(programme.pairings.all(), on, status))
        data = PAGINATION.paginate_queryset(rows, ninja_pagination, request)  # type: ignore[arg-type]
        return PagedPairingOut(**data).model_dump()

    return api_cache.cached_response(
        request, "api-pairings", (programme.pk, on, status, page, size), page_data
    )


def _pairings_date(
    programme: Programme, asked: datetime.date | None, status: str | None
) -> datetime.date | None:
    """The date the pairings listed must be in force at: the one asked, else the programme
    date; none where only a status is asked (its pairings of record, whatever their dates)."""
    if status == Pairing.Status.PROPOSED:
        raise ValidationFailed(
            [
                Problem(
                    "proposals belong to their plan run: "
                    f"GET /api/v1/programmes/{programme.slug}/plan-runs/{{number}}",
                    column="status",
                )
            ]
        )
    if asked is None and status:
        return None
    return asked or programme.current_date()


def _pairings_asked(
    pairings: PairingQuerySet, on: datetime.date | None, status: str | None
) -> PairingQuerySet:
    """Those in force at `on` (with `status`, if given), or without a date all the pairings of
    record with `status`."""
    chosen = pairings.in_force(on) if on else pairings.of_record()
    return chosen.filter(status=status) if status else chosen


# The options' types and ranges as the schema states them; `options.check` checks them all again
# (with what depends on the programme: leximin's levels), for pages, API and CLI alike.
Pair = Annotated[list[str], Field(min_length=2, max_length=2)]


class ObjectiveIn(Schema):
    name: str = Field(description="max_min_coverage, leximin, min_travel, min_cost or min_churn")
    levels: Annotated[StrictInt, Field(ge=1)] = 1


class RunIn(Schema):
    objectives: list[ObjectiveIn] | None = Field(
        default=None,
        min_length=1,
        description="default: leximin with min(4, recipients) levels",
    )
    lock: list[Pair] = []
    forbid: list[Pair] = []
    churn_budget: (
        Annotated[StrictInt, Field(ge=0, le=run_options.LARGEST_CHURN_BUDGET)]
        | Literal["default"]
        | None
    ) = Field(
        default="default",  # run_options.DEFAULT_CHURN_BUDGET
        description="default: where a plan is in force, the fewest changes that keep 90 % of the "
        "best max-min coverage (none otherwise); null: no limit",
    )
    time_limit_seconds: Annotated[
        float, Field(gt=0, le=engine.LIMITS.max_time_limit_seconds, allow_inf_nan=False)
    ] = run_options.DEFAULT_TIME_LIMIT_SECONDS
    need_from: str | None = None
    capacity_from: str | None = None
    as_of: datetime.date | None = None
    deterministic: bool = False
    seed: Annotated[StrictInt, Field(ge=0, le=run_options.LARGEST_SEED)] = 0
    parent_pairing: Pair | None = Field(
        default=None,
        description="[donor, recipient] of a pairing in force: plan the child pairings inside "
        "it (the programme's own level when null)",
    )


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
    log: str  # the solver's messages; for a failed or interrupted run, why

    @staticmethod
    def resolve_created_by(run: PlanRun) -> str | None:
        return run.created_by.username if run.created_by else None

    @staticmethod
    def resolve_replay_of(run: PlanRun) -> int | None:
        return run.replay_of.number if run.replay_of else None


class RunResultOut(RunOut):
    result: dict[str, Any] | None

    @staticmethod
    def resolve_log(run: PlanRun) -> str:
        # One run: its messages in the request's language, naming the participants (the
        # result keeps the engine's ids); a run without messages keeps its stored log.
        return "\n".join(comparison.messages(run)) or run.log


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
@paginate(Pages, page_size=50)
def list_runs(request: HttpRequest, slug: str) -> QuerySet[PlanRun]:
    programme = permissions.programme_for(request.user, slug)
    return programme.plan_runs.select_related("created_by", "replay_of").order_by("-number")


@router.post(
    "/programmes/{slug}/plan-runs",
    response={202: RunOut},
    summary="Start a plan run (in the background)",
)
def start_run(request: HttpRequest, slug: str, payload: RunIn) -> Status:
    options = run_options.RunOptions(
        objectives=[o.dict() for o in payload.objectives] if payload.objectives else None,
        lock=payload.lock,
        forbid=payload.forbid,
        churn_budget=payload.churn_budget,
        time_limit_seconds=payload.time_limit_seconds,
        need_from=payload.need_from,
        capacity_from=payload.capacity_from,
        as_of=payload.as_of.isoformat() if payload.as_of else None,
        deterministic=payload.deterministic,
        seed=payload.seed,
        parent_pairing=payload.parent_pairing,
    )
    return start_in_background(
        request, slug, runs.start, enqueue=tasks.enqueue_plan_run, options=options
    )


@router.get(
    "/programmes/{slug}/plan-runs/{number}", response=RunResultOut, summary="Status and result"
)
def get_run(request: HttpRequest, slug: str, number: int) -> PlanRun:
    return _run(request, slug, number)


class DecisionIn(Schema):
    confirm: bool = Field(
        default=False, description="true, after reading what the decision changes (GET first)"
    )


class PairNamesOut(Schema):
    donor: str
    recipient: str


class LooseEndOut(Schema):
    kind: str = Field(description="team, facility, request or contact")
    id: int
    name: str
    donor: str
    recipient: str
    needs: str = Field(description="recall, hand_over or re_pledge")


class ChangesOut(Schema):
    starting: list[PairNamesOut]
    ending: list[PairNamesOut]
    loose_ends: list[LooseEndOut]


def _changes_out(changes: handover.Changes) -> dict[str, Any]:
    pairs = lambda found: [{"donor": d, "recipient": r} for d, r in found]  # noqa: E731
    return {
        "starting": pairs(changes.starting),
        "ending": pairs(changes.ending),
        "loose_ends": [loose_end_out(end) for end in changes.loose_ends],
    }


def loose_end_out(end: handover.LooseEnd) -> dict[str, Any]:
    """A record left behind by an ending pair, as the API gives it (here and in the overview)."""
    return {
        "kind": end.kind.value,
        "id": end.record.pk,
        "name": end.label,
        "donor": end.donor.region.reference,
        "recipient": end.recipient.region.reference,
        "needs": end.need.value,
    }


def _confirmed(payload: DecisionIn, what: str) -> None:
    if not payload.confirm:
        raise ValidationFailed(
            [Problem(f"confirm with true after reading GET .../{what}", column="confirm")]
        )


@router.get(
    "/programmes/{slug}/plan-runs/{number}/approval",
    response=ChangesOut,
    summary="What approving the run would change",
)
def approval_changes(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    run = _run(request, slug, number)
    changes = handover.changes(
        run.programme, comparison.starting_pairs(run), comparison.ending_pairs(run)
    )
    return _changes_out(changes)


@router.post("/programmes/{slug}/plan-runs/{number}/approve", response=RunOut)
def approve_run(request: HttpRequest, slug: str, number: int, payload: DecisionIn) -> PlanRun:
    run = _run(request, slug, number, Action.APPROVE_PLAN)
    _confirmed(payload, "approval")
    return runs.approve(run=run, user=request.user)


@router.get(
    "/programmes/{slug}/plan-runs/{number}/revert",
    response=ChangesOut,
    summary="What reverting to the plan before the run would change",
)
def revert_changes(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    run = _run(request, slug, number)
    return _changes_out(handover.changes(run.programme, *runs.revert_changes(run)))


@router.post(
    "/programmes/{slug}/plan-runs/{number}/revert",
    response=RunOut,
    summary="Revert to the plan before an approved run (a new approved run restores it)",
)
def revert_run(request: HttpRequest, slug: str, number: int, payload: DecisionIn) -> PlanRun:
    run = _run(request, slug, number, Action.APPROVE_PLAN)
    _confirmed(payload, "revert")
    return runs.revert(run=run, user=request.user)


class TradeoffPointOut(Schema):
    churn_budget: int
    min_coverage: float | None
    status: str


class TradeoffOut(Schema):
    state: str = Field(description="no_plan, computing (ask again) or ready")
    budget: int | None = Field(description="the default churn budget")
    best: float | None = Field(description="the best max-min coverage, with no budget")
    share: float | None
    exact: bool | None
    points: list[TradeoffPointOut]


@router.get(
    "/programmes/{slug}/plan-tradeoff",
    response=TradeoffOut,
    summary="The churn trade-off curve and the default churn budget",
)
def get_tradeoff(request: HttpRequest, slug: str) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    state, curve = tradeoff.shown(programme, enqueue=tasks.enqueue_tradeoff)
    note = tradeoff.note(curve) or {"budget": None, "best": None, "share": None, "exact": None}
    return {"state": state, "points": [], **note}


@router.post("/programmes/{slug}/plan-runs/{number}/discard", response=RunOut)
def discard_run(request: HttpRequest, slug: str, number: int) -> PlanRun:
    return runs.discard(run=_run(request, slug, number, Action.APPROVE_PLAN), user=request.user)


@router.post(
    "/programmes/{slug}/plan-runs/{number}/retry",
    response={202: RunOut},
    summary="Retry a failed or interrupted run, as a new run on its stored input",
)
def retry_run(request: HttpRequest, slug: str, number: int) -> Status:
    run = _run(request, slug, number, Action.RUN_PLAN)
    return Status(202, runs.retry(run=run, user=request.user, enqueue=tasks.enqueue_plan_run))


@router.post(
    "/programmes/{slug}/plan-runs/{number}/replay",
    response={202: RunOut},
    summary="Replay a run: a new run on exactly its stored input",
)
def replay_run(request: HttpRequest, slug: str, number: int) -> Status:
    run = _run(request, slug, number, Action.RUN_PLAN)
    return Status(202, runs.replay(run=run, user=request.user, enqueue=tasks.enqueue_plan_run))


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
@paginate(Pages, page_size=50)
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
