"""Projects through the API: list, register, read (with budget, results and the ledger's
transactions), edit, budget, moves, results and actuals, money linked and spent; and the 3W
view with its gaps. The permissions are the services' own (projects.services)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.programmes import queries as participant_queries
from pairaid.programmes.models import Participant, Programme
from pairaid.projects import iati, sectors
from pairaid.projects import queries as project_queries
from pairaid.projects import services as project_services
from pairaid.projects.models import (
    BudgetLine,
    Expenditure,
    FundingSource,
    Project,
    ResultIndicator,
)
from pairaid.registry import queries as region_queries
from pairaid.registry.models import Region

router = Router(tags=["projects"])

Budget = dict[
    FundingSource, Annotated[Decimal, api_fields.amount(BudgetLine, "amount", positive=False)]
]
Reference = Annotated[str, Field(max_length=300, description="a region's reference (CN:510000)")]
SectorCode = Annotated[
    str, Field(max_length=30, description="one of " + ", ".join(sectors.BY_CODE))
]
MoveName = Annotated[
    str, Field(max_length=30, description="one of " + ", ".join(project_services.MOVES))
]


class ProjectDetailsIn(Schema):
    title: Annotated[str, api_fields.text(Project, "title")]
    sector: SectorCode
    location: Reference = Field(
        description="the recipient's region or a place in it; a township by its area reference "
        "(CN:513221/Mianchi)"
    )
    planned_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    description: Annotated[str, Field(max_length=4000)] = ""


class ProjectIn(ProjectDetailsIn):
    donor: Reference
    recipient: Reference
    budget: Budget = Field(default_factory=dict, description="amount per funding source")


class ProjectBudgetIn(Schema):
    budget: Budget


class ProjectMoveIn(Schema):
    on: datetime.date | None = Field(None, description="the programme date if absent")
    receiving_body: Annotated[str, api_fields.text(Project, "receiving_body")] = Field(
        "", description="hand_over: the body that receives the project (required)"
    )


class ProjectResultIn(Schema):
    name: Annotated[str, api_fields.text(ResultIndicator, "name")]
    unit: Annotated[str, api_fields.text(ResultIndicator, "unit")]
    baseline: Annotated[Decimal, api_fields.amount(ResultIndicator, "baseline", positive=False)]
    target: Annotated[Decimal, api_fields.amount(ResultIndicator, "target", positive=False)]


class ProjectActualIn(Schema):
    actual: Annotated[Decimal, api_fields.amount(ResultIndicator, "actual", positive=False)]
    on: datetime.date | None = None


class ProjectLinkIn(Schema):
    commitment: Annotated[int, api_fields.identifier()] | None = Field(
        None, description="a fund commitment of the project's pair (with its disbursements)"
    )
    disbursement: Annotated[int, api_fields.identifier()] | None = Field(
        None, description="a disbursement of the pair on a commitment of no project"
    )


class ProjectExpenditureIn(Schema):
    amount: Annotated[Decimal, api_fields.amount(Expenditure, "amount")]
    on: datetime.date | None = None
    description: Annotated[str, api_fields.text(Expenditure, "description")] = ""


class ProjectResultOut(Schema):
    id: int
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    actual: Decimal | None
    actual_on: datetime.date | None


class ProjectTransactionOut(Schema):
    type: int = Field(
        description="IATI TransactionType: 2 commitment, 3 disbursement, 4 expenditure"
    )
    row: int = Field(description="the ledger row's id (commitment, disbursement or expenditure)")
    amount: Decimal
    date: datetime.date | None
    year: int
    received: bool | None


class ProjectOut(Schema):
    id: int
    title: str
    sector: str
    dac_code: str
    donor: str
    recipient: str
    location: str
    status: int = Field(description="IATI ActivityStatus (3 handed over, 4 hand-over confirmed)")
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    actual_start: datetime.date | None
    handed_over_on: datetime.date | None
    receiving_body: str
    handover_confirmed_on: datetime.date | None
    budget: dict[str, Decimal]
    illustrative: bool


class ProjectDetailOut(ProjectOut):
    results: list[ProjectResultOut]
    transactions: list[ProjectTransactionOut]


class ThreeWCellOut(Schema):
    sector: str
    dac_code: str
    place: str
    donor: str
    projects: int
    handed_over: int
    budget: Decimal
    disbursed: Decimal
    illustrative: bool


class ThreeWGapOut(Schema):
    sector: str
    recipient: str
    resources: list[str]


class ThreeWOut(Schema):
    cells: list[ThreeWCellOut]
    gaps: list[ThreeWGapOut]


def _out(project: Project) -> dict[str, Any]:
    pairing = project.pairing
    return {
        "id": project.pk,
        "title": project.title,
        "sector": project.sector,
        "dac_code": project.dac_code,
        "donor": pairing.donor.region.reference,
        "recipient": pairing.recipient.region.reference,
        "location": project.location.reference,
        "status": project.status,
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "actual_start": project.actual_start,
        "handed_over_on": project.handed_over_on,
        "receiving_body": project.receiving_body,
        "handover_confirmed_on": project.handover_confirmed_on,
        "budget": {line.funding_source: line.amount for line in project.budget_lines.all()},
        "illustrative": project.illustrative,
    }


def _transaction(t: project_queries.Transaction) -> dict[str, Any]:
    return {
        "type": t.type_code,
        "row": t.row,
        "amount": t.amount,
        "date": t.date,
        "year": t.year,
        "received": t.received,
    }


def _detail(project: Project) -> dict[str, Any]:
    return {
        **_out(project),
        "results": list(project.results.all()),
        "transactions": [_transaction(t) for t in project_queries.transactions(project)],
    }


def _project(request: HttpRequest, slug: str, project_id: int) -> Project:
    programme = permissions.programme_for(request.user, slug)
    return project_queries.project_of(programme, project_id)


def _location(text: str) -> Region:
    return region_queries.region(text, country="CN", field="location")


@router.get(
    "/programmes/{slug}/projects",
    response=list[ProjectOut],
    summary="The programme's projects (sector, status: only those)",
)
@paginate(Pages, page_size=50)
def list_projects(
    request: HttpRequest,
    slug: str,
    sector: SectorCode | None = None,
    status: Project.Status | None = None,
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    found = project_queries.projects(programme, sector=sector, status=status)
    return [_out(p) for p in found.prefetch_related("budget_lines")]


@router.post(
    "/programmes/{slug}/projects",
    response={201: ProjectDetailOut},
    summary="Register a project of a pairing (the donor's officer); it starts in the pipeline",
)
def create_project(request: HttpRequest, slug: str, payload: ProjectIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    pairing = project_queries.pairing_of(
        _participant(programme, payload.donor, Participant.Role.DONOR),
        _participant(programme, payload.recipient, Participant.Role.RECIPIENT),
    )
    project = project_services.create_project(
        user=request.user,
        pairing=pairing,
        title=payload.title,
        sector=payload.sector,
        location=_location(payload.location),
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        budget={str(source): amount for source, amount in payload.budget.items()},
        description=payload.description,
    )
    return Status(201, _detail(project_queries.project_of(programme, project.pk)))


def _participant(programme: Programme, reference: str, role: str) -> Participant:
    return participant_queries.participant(programme, reference, role=role, field=role)


@router.get(
    "/programmes/{slug}/iati-activities",
    response={200: None},
    summary="The programme's projects as IATI activity XML 2.03 (budgets, transactions, "
    "results, DAC sectors)",
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def iati_activities(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    return HttpResponse(iati.of_programme(programme), content_type="application/xml")


@router.get(
    "/programmes/{slug}/projects/{project_id}",
    response=ProjectDetailOut,
    summary="A project with its budget, results and transactions (the ledger's rows)",
)
def get_project(request: HttpRequest, slug: str, project_id: int) -> dict[str, Any]:
    return _detail(_project(request, slug, project_id))


@router.put(
    "/programmes/{slug}/projects/{project_id}",
    response=ProjectDetailOut,
    summary="Edit a project's details (the donor's officer), until it is closed or cancelled",
)
def edit_project(
    request: HttpRequest, slug: str, project_id: int, payload: ProjectDetailsIn
) -> dict[str, Any]:
    project = project_services.edit_project(
        user=request.user,
        project=_project(request, slug, project_id),
        title=payload.title,
        sector=payload.sector,
        location=_location(payload.location),
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        description=payload.description,
    )
    return _detail(project_queries.project_of(project.programme, project.pk))


@router.put(
    "/programmes/{slug}/projects/{project_id}/budget",
    response=ProjectDetailOut,
    summary="Set the budget of the funding sources named (the donor's officer)",
)
def set_budget(
    request: HttpRequest, slug: str, project_id: int, payload: ProjectBudgetIn
) -> dict[str, Any]:
    project = project_services.set_budget(
        user=request.user,
        project=_project(request, slug, project_id),
        budget={str(source): amount for source, amount in payload.budget.items()},
    )
    return _detail(project_queries.project_of(project.programme, project.pk))


@router.post(
    "/programmes/{slug}/projects/{project_id}/moves/{move}",
    response=ProjectDetailOut,
    summary="Move a project: start, hand_over, confirm_hand_over (the recipient's officer), "
    "suspend, resume, cancel",
)
def move_project(
    request: HttpRequest, slug: str, project_id: int, move: MoveName, payload: ProjectMoveIn
) -> dict[str, Any]:
    project = project_services.move(
        user=request.user,
        project=_project(request, slug, project_id),
        name=move,
        on=payload.on,
        receiving_body=payload.receiving_body,
    )
    return _detail(project_queries.project_of(project.programme, project.pk))


@router.post(
    "/programmes/{slug}/projects/{project_id}/results",
    response={201: ProjectResultOut},
    summary="Add a results indicator with its baseline and target (the donor's officer)",
)
def add_result(
    request: HttpRequest, slug: str, project_id: int, payload: ProjectResultIn
) -> Status:
    indicator = project_services.add_result(
        user=request.user,
        project=_project(request, slug, project_id),
        name=payload.name,
        unit=payload.unit,
        baseline=payload.baseline,
        target=payload.target,
    )
    return Status(201, indicator)


@router.post(
    "/programmes/{slug}/projects/{project_id}/results/{result_id}/actual",
    response=ProjectResultOut,
    summary="Confirm a result's actual value (the recipient's officer)",
)
def record_actual(
    request: HttpRequest, slug: str, project_id: int, result_id: int, payload: ProjectActualIn
) -> ResultIndicator:
    project = _project(request, slug, project_id)
    indicator = project.results.filter(pk=result_id).first()
    if indicator is None:
        raise NotFound(f"no result {result_id} in project {project_id}")
    return project_services.record_actual(
        user=request.user, indicator=indicator, actual=payload.actual, on=payload.on
    )


@router.post(
    "/programmes/{slug}/projects/{project_id}/links",
    response=ProjectDetailOut,
    summary="Make a commitment or a disbursement of the pair the project's (the ledger's row, "
    "not a copy)",
)
def link_money(
    request: HttpRequest, slug: str, project_id: int, payload: ProjectLinkIn
) -> dict[str, Any]:
    project = _project(request, slug, project_id)
    if (payload.commitment is None) == (payload.disbursement is None):
        raise ValidationFailed(
            [Problem("name either a commitment or a disbursement", column="commitment")]
        )
    if payload.commitment is not None:
        commitment = FundCommitment.objects.filter(
            pk=payload.commitment, programme=project.programme
        ).first()
        if commitment is None:
            raise NotFound(f"no commitment {payload.commitment} in {slug}")
        project_services.link_commitment(user=request.user, project=project, commitment=commitment)
    elif payload.disbursement is not None:
        disbursement = Disbursement.objects.filter(
            pk=payload.disbursement, commitment__programme=project.programme
        ).first()
        if disbursement is None:
            raise NotFound(f"no disbursement {payload.disbursement} in {slug}")
        project_services.link_disbursement(
            user=request.user, project=project, disbursement=disbursement
        )
    return _detail(project_queries.project_of(project.programme, project.pk))


@router.post(
    "/programmes/{slug}/projects/{project_id}/expenditures",
    response={201: ProjectTransactionOut},
    summary="Record what the project spent (IATI transaction type 4; the donor's officer)",
)
def record_expenditure(
    request: HttpRequest, slug: str, project_id: int, payload: ProjectExpenditureIn
) -> Status:
    spent = project_services.record_expenditure(
        user=request.user,
        project=_project(request, slug, project_id),
        amount=payload.amount,
        on=payload.on,
        description=payload.description,
    )
    return Status(
        201,
        _transaction(
            project_queries.Transaction(
                project_queries.EXPENDITURE, spent.pk, spent.amount, spent.date, spent.date.year
            )
        ),
    )


@router.get(
    "/programmes/{slug}/three-w",
    response=ThreeWOut,
    summary="Who does what where: sector × place × donor with budget and progress, and the "
    "declared needs no project answers (gaps)",
)
def three_w(
    request: HttpRequest,
    slug: str,
    sector: SectorCode | None = None,
    status: Project.Status | None = None,
    date: datetime.date | None = None,
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    cells = project_queries.three_w(programme, sector=sector, status=status)
    gaps = project_queries.gaps(programme, date or programme.current_date())
    return {
        "cells": [
            {
                "sector": c.sector.code,
                "dac_code": c.sector.dac_code,
                "place": c.place.reference,
                "donor": c.donor.region.reference,
                "projects": c.projects,
                "handed_over": c.handed_over,
                "budget": c.budget,
                "disbursed": c.disbursed,
                "illustrative": c.illustrative,
            }
            for c in cells
        ],
        "gaps": [
            {
                "sector": g.sector.code,
                "recipient": g.recipient.region.reference,
                "resources": g.resources,
            }
            for g in gaps
            if not sector or g.sector.code == sector
        ],
    }


class PairingMoneyOut(Schema):
    pairing: int
    parent: int | None
    donor: str
    recipient: str
    illustrative: bool
    # The pairing's own projects' money, and its total with its child pairings' (the roll-up).
    own: dict[str, Decimal]
    total: dict[str, Decimal]


@router.get(
    "/programmes/{slug}/projects-by-pairing",
    response=list[PairingMoneyOut],
    summary="The projects' money (budget, committed, disbursed, spent) by pairing; a parent "
    "pairing's total includes its child pairings', each counted once",
)
def projects_by_pairing(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    return [
        {
            "pairing": row.pairing.pk,
            "parent": row.pairing.parent_id,
            "donor": row.pairing.donor.region.reference,
            "recipient": row.pairing.recipient.region.reference,
            "illustrative": row.pairing.illustrative,
            "own": row.own,
            "total": row.total,
        }
        for row in project_queries.money_by_pairing(programme)
    ]
