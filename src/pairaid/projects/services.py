"""Projects' use cases, each one transaction, each checked against the user's standing
(accounts.permissions): the donor's officer runs its projects (details, budget, results, money,
moves), the recipient's officer confirms the hand-over and the results' actual values, the
coordinator may do both. History keeps who and when (django-simple-history)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.pairing.models import Pairing
from pairaid.projects import sectors
from pairaid.projects.models import (
    BudgetLine,
    Expenditure,
    FundingSource,
    Project,
    ResultIndicator,
)
from pairaid.refusals import MORE_THAN_ZERO
from pairaid.registry.models import Region
from pairaid.validation import created, fits

Status = Project.Status
# A project that is over takes no more money, budget or results.
OVER = frozenset({Status.CLOSED, Status.CANCELLED})
# The statuses in which money moves: committed from identification on, disbursed and spent
# while the work runs or is being handed over (a suspended project's money waits).
COMMITTING = frozenset({Status.PIPELINE, Status.IMPLEMENTATION, Status.FINALISATION})
SPENDING = frozenset({Status.IMPLEMENTATION, Status.FINALISATION})


@dataclass(frozen=True)
class Move:
    sources: frozenset[int]
    target: int
    action: Action  # whose standing the move needs (the donor's or the recipient's side)
    label: Any


# The project's state machine, written once. IATI's ActivityStatus: the donor's hand-over
# (date, receiving body) takes the project to finalisation (3); the recipient's confirmation of
# the hand-over closes it (4).
MOVES: dict[str, Move] = {
    "start": Move(frozenset({Status.PIPELINE}), Status.IMPLEMENTATION, Action.EDIT_PROJECT,
                  gettext_lazy("start")),
    "hand_over": Move(frozenset({Status.IMPLEMENTATION}), Status.FINALISATION,
                      Action.EDIT_PROJECT, gettext_lazy("hand over")),
    "confirm_hand_over": Move(frozenset({Status.FINALISATION}), Status.CLOSED,
                              Action.CONFIRM_PROJECT, gettext_lazy("confirm the hand-over")),
    "suspend": Move(frozenset({Status.IMPLEMENTATION}), Status.SUSPENDED, Action.EDIT_PROJECT,
                    gettext_lazy("suspend")),
    "resume": Move(frozenset({Status.SUSPENDED}), Status.IMPLEMENTATION, Action.EDIT_PROJECT,
                   gettext_lazy("resume")),
    "cancel": Move(frozenset({Status.PIPELINE, Status.IMPLEMENTATION, Status.SUSPENDED}),
                   Status.CANCELLED, Action.EDIT_PROJECT, gettext_lazy("cancel")),
}  # fmt: skip


def side_region(project: Project, action: Action) -> int:
    """The region whose officer acts: the donor's for its project, the recipient's to confirm."""
    side = project.pairing.recipient if action == Action.CONFIRM_PROJECT else project.pairing.donor
    return int(side.region_id)


def may(user: Any, project: Project, action: Action) -> bool:
    return permissions.can(user, action, project.programme, side_region(project, action))


def check(user: Any, project: Project, action: Action) -> None:
    permissions.check(user, action, project.programme, side_region(project, action))


def may_move(user: Any, project: Project, name: str) -> bool:
    """Whether the move is open now and the user's side may make it: the pages offer these."""
    move = MOVES[name]
    return project.status in move.sources and may(user, project, move.action)


def _within(place: Region, region: Region) -> bool:
    """Whether the place is the region or lies inside it (a township under its county)."""
    node: Region | None = place
    while node is not None:
        if node.pk == region.pk:
            return True
        node = node.parent
    return False


def _details_problems(
    pairing: Pairing,
    sector: str,
    location: Region,
    planned_start: datetime.date | None,
    planned_end: datetime.date | None,
) -> list[Problem]:
    problems = []
    if sector not in sectors.BY_CODE:
        problems.append(
            Problem(
                gettext("unknown sector %(code)s (expected one of %(codes)s)")
                % {"code": repr(sector), "codes": ", ".join(sectors.BY_CODE)},
                column="sector",
            )
        )
    if not _within(location, pairing.recipient.region):
        problems.append(
            Problem(
                gettext("%(place)s is not in %(recipient)s, the pairing's recipient")
                % {
                    "place": local_name(location),
                    "recipient": local_name(pairing.recipient.region),
                },
                column="location",
            )
        )
    if planned_start and planned_end and planned_end < planned_start:
        problems.append(
            Problem(gettext("the planned end comes before the planned start"), column="planned_end")
        )
    return problems


def _budget_problems(budget: dict[str, Decimal]) -> list[Problem]:
    known = {source.value for source in FundingSource}
    problems = []
    for source, amount in budget.items():
        column = f"budget.{source}"
        if source not in known:
            problems.append(
                Problem(
                    gettext("unknown funding source %(source)s (expected one of %(known)s)")
                    % {"source": repr(source), "known": ", ".join(sorted(known))},
                    column=column,
                )
            )
        elif amount < 0:
            problems.append(Problem(gettext("a budget is 0 or more"), column=column))
    return problems


@transaction.atomic
def create_project(
    *,
    user: Any,
    pairing: Pairing,
    title: str,
    sector: str,
    location: Region,
    planned_start: datetime.date | None = None,
    planned_end: datetime.date | None = None,
    budget: dict[str, Decimal] | None = None,
    description: str = "",
    illustrative: bool = False,
) -> Project:
    """The donor's officer registers a project of its pairing, in the pipeline (IATI 1)."""
    permissions.check(user, Action.EDIT_PROJECT, pairing.programme, pairing.donor.region_id)
    problems = _details_problems(pairing, sector, location, planned_start, planned_end)
    problems += _budget_problems(budget or {})
    if pairing.status == Pairing.Status.PROPOSED:
        problems.append(
            Problem(gettext("a project belongs to a decided pairing, not a proposal"),
                    column="pairing")
        )  # fmt: skip
    if problems:
        raise ValidationFailed(problems)
    project = created(
        Project,
        programme=pairing.programme,
        pairing=pairing,
        title=title,
        sector=sector,
        location=location,
        planned_start=planned_start,
        planned_end=planned_end,
        description=description,
        illustrative=illustrative,
    )
    for source, amount in (budget or {}).items():
        created(
            BudgetLine,
            project=project,
            funding_source=source,
            amount=amount,
            illustrative=illustrative,
        )
    return project


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("programme", "pairing__donor__region", "pairing__recipient__region")
        .get(pk=project.pk)
    )


def _refuse_when_over(project: Project, what: str) -> None:
    if project.status in OVER:
        raise Conflict(
            gettext("project %(title)s is %(status)s; its %(what)s no longer changes")
            % {"title": project.title, "status": Status(project.status).label, "what": what}
        )


@transaction.atomic
def edit_project(
    *,
    user: Any,
    project: Project,
    title: str,
    sector: str,
    location: Region,
    planned_start: datetime.date | None,
    planned_end: datetime.date | None,
    description: str = "",
    budget: dict[str, Decimal] | None = None,
) -> Project:
    """The donor's officer changes a project's details and the budget of the funding sources
    named (others are kept), until it is closed or cancelled."""
    project = _locked(project)
    check(user, project, Action.EDIT_PROJECT)
    _refuse_when_over(project, gettext("details"))
    problems = _details_problems(project.pairing, sector, location, planned_start, planned_end)
    problems += _budget_problems(budget or {})
    if problems:
        raise ValidationFailed(problems)
    project.title, project.sector, project.location = title, sector, location
    project.planned_start, project.planned_end = planned_start, planned_end
    project.description = description
    fits(project)
    project.save()
    _set_lines(project, budget or {})
    return project


def _set_lines(project: Project, budget: dict[str, Decimal]) -> None:
    for source, amount in budget.items():
        line, _new = BudgetLine.objects.get_or_create(
            project=project, funding_source=source, defaults={"amount": amount}
        )
        if line.amount != amount:
            line.amount = amount
            line.save(update_fields=["amount"])


@transaction.atomic
def set_budget(*, user: Any, project: Project, budget: dict[str, Decimal]) -> Project:
    """The donor's officer sets the budget of the funding sources named (others are kept)."""
    project = _locked(project)
    check(user, project, Action.EDIT_PROJECT)
    _refuse_when_over(project, gettext("budget"))
    problems = _budget_problems(budget)
    if problems:
        raise ValidationFailed(problems)
    _set_lines(project, budget)
    return project


def _move_problems(project: Project, name: str, on: datetime.date, receiving_body: str) -> None:
    if name == "hand_over" and not receiving_body.strip():
        raise ValidationFailed(
            [Problem(gettext("a hand-over names the body that receives the project"),
                     column="receiving_body")]
        )  # fmt: skip
    if name == "confirm_hand_over" and project.handed_over_on and on < project.handed_over_on:
        raise ValidationFailed(
            [
                Problem(
                    gettext("confirmed on %(day)s, before the hand-over on %(date)s")
                    % {"day": on, "date": project.handed_over_on},
                    column="on",
                )
            ]
        )


def _unknown_move(name: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                gettext("unknown move %(name)s (expected one of %(moves)s)")
                % {"name": repr(name), "moves": ", ".join(MOVES)},
                column="move",
            )
        ]
    )


@transaction.atomic
def move(
    *,
    user: Any,
    project: Project,
    name: str,
    on: datetime.date | None = None,
    receiving_body: str = "",
) -> Project:
    """Make one move of `MOVES`, on the programme date unless `on` says when; refused out of
    turn (Conflict) or to the wrong side (Forbidden)."""
    if name not in MOVES:
        raise _unknown_move(name)
    step = MOVES[name]
    project = _locked(project)
    check(user, project, step.action)
    if project.status not in step.sources:
        raise Conflict(
            gettext("project %(title)s is %(status)s; it can %(move)s only when %(sources)s")
            % {
                "title": project.title,
                "status": Status(project.status).label,
                "move": step.label,
                "sources": ", ".join(str(Status(s).label) for s in sorted(step.sources)),
            }
        )
    day = on or project.programme.current_date()
    _move_problems(project, name, day, receiving_body)
    if name == "start":
        project.actual_start = day
    elif name == "hand_over":
        project.handed_over_on, project.receiving_body = day, receiving_body.strip()
    elif name == "confirm_hand_over":
        project.handover_confirmed_on = day
    project.status = step.target
    project.save()
    return project


@transaction.atomic
def add_result(
    *,
    user: Any,
    project: Project,
    name: str,
    unit: str,
    baseline: Decimal,
    target: Decimal,
) -> ResultIndicator:
    """The donor's officer states what the project is to achieve."""
    project = _locked(project)
    check(user, project, Action.EDIT_PROJECT)
    _refuse_when_over(project, gettext("results"))
    if project.results.filter(name=name).exists():
        raise ValidationFailed(
            [Problem(gettext("the project already has an indicator of that name"), column="name")]
        )
    return created(
        ResultIndicator, project=project, name=name, unit=unit, baseline=baseline, target=target
    )


@transaction.atomic
def record_actual(
    *,
    user: Any,
    indicator: ResultIndicator,
    actual: Decimal,
    on: datetime.date | None = None,
) -> ResultIndicator:
    """The recipient's officer confirms what the project achieved, once the work has begun."""
    indicator = ResultIndicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
    project = _locked(indicator.project)
    check(user, project, Action.CONFIRM_PROJECT)
    if project.status in (Status.PIPELINE, Status.CANCELLED):
        raise Conflict(
            gettext("project %(title)s is %(status)s; it has no results to confirm")
            % {"title": project.title, "status": Status(project.status).label}
        )
    indicator.actual = actual
    indicator.actual_on = on or project.programme.current_date()
    fits(indicator)
    indicator.save(update_fields=["actual", "actual_on"])
    return indicator


def _refuse_money(project: Project, allowed: frozenset[Status], what: str) -> None:
    if project.status not in allowed:
        raise Conflict(
            gettext("project %(title)s is %(status)s; %(what)s only when %(allowed)s")
            % {
                "title": project.title,
                "status": Status(project.status).label,
                "what": what,
                "allowed": ", ".join(str(Status(s).label) for s in sorted(allowed)),
            }
        )


def _same_pair(project: Project, commitment: FundCommitment) -> None:
    pairing = project.pairing
    if (commitment.donor_id, commitment.recipient_id) != (
        pairing.donor_id,
        pairing.recipient_id,
    ):
        raise ValidationFailed(
            [
                Problem(
                    gettext("the money is between another donor and recipient than the project's"),
                    column="id",
                )
            ]
        )


@transaction.atomic
def link_commitment(*, user: Any, project: Project, commitment: FundCommitment) -> FundCommitment:
    """A commitment of the project's pair becomes the project's (IATI transaction type 2), and
    the disbursements on it with it: the ledger's rows, not copies, so money counts once."""
    project = _locked(project)
    check(user, project, Action.EDIT_PROJECT)
    _refuse_money(project, COMMITTING, gettext("money is committed"))
    commitment = FundCommitment.objects.select_for_update().get(pk=commitment.pk)
    _same_pair(project, commitment)
    if commitment.project_id not in (None, project.pk):
        raise Conflict(gettext("this commitment already belongs to another project"))
    if commitment.disbursements.exclude(project=None).exclude(project=project).exists():
        raise Conflict(gettext("money on this commitment went to another project"))
    commitment.project = project
    commitment.save(update_fields=["project"])
    commitment.disbursements.filter(project=None).update(project=project)
    return commitment


@transaction.atomic
def link_disbursement(*, user: Any, project: Project, disbursement: Disbursement) -> Disbursement:
    """A disbursement of the project's pair, on a commitment of no project, goes to the project
    (IATI transaction type 3)."""
    project = _locked(project)
    check(user, project, Action.EDIT_PROJECT)
    _refuse_money(project, SPENDING, gettext("money is disbursed"))
    disbursement = (
        Disbursement.objects.select_for_update(of=("self",))
        .select_related("commitment")
        .get(pk=disbursement.pk)
    )
    _same_pair(project, disbursement.commitment)
    if disbursement.commitment.project_id not in (None, project.pk):
        raise Conflict(gettext("this disbursement is on another project's commitment"))
    if disbursement.project_id not in (None, project.pk):
        raise Conflict(gettext("this disbursement already belongs to another project"))
    disbursement.project = project
    disbursement.save(update_fields=["project"])
    return disbursement


@transaction.atomic
def record_expenditure(
    *,
    user: Any,
    project: Project,
    amount: Decimal,
    on: datetime.date | None = None,
    description: str = "",
) -> Expenditure:
    """The donor's officer records what the project spent (IATI transaction type 4) while the
    work runs or is handed over."""
    project = _locked(project)
    check(user, project, Action.EDIT_PROJECT)
    _refuse_money(project, SPENDING, gettext("money is spent"))
    if amount <= 0:
        raise ValidationFailed([Problem(str(MORE_THAN_ZERO), column="amount")])
    return created(
        Expenditure,
        project=project,
        amount=amount,
        date=on or project.programme.current_date(),
        description=description,
        recorded_by=user if getattr(user, "pk", None) else None,
    )
