"""The ledger through the API: requests with their lines' progress, pledges, shipments and
receipts, disbursements of funds pledges and their receipts, deployments, gaps and the league
table — with the pages' permissions."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.operations import ledger
from pairaid.operations import services as ops
from pairaid.operations.models import (
    Deployment,
    Disbursement,
    Facility,
    Pledge,
    RequestLine,
    Shipment,
    Team,
)
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType

router = Router(tags=["operations"])


def _participant(programme: Programme, code: str, role: str) -> Participant:
    found = (
        programme.participants.filter(region__code=code, role=role).select_related("region").first()
    )
    if found is None:
        raise ValidationFailed(
            [Problem(f"{code} is not a {role} of {programme.slug}", column=role)]
        )
    return found


def _resource(code: str) -> ResourceType:
    found = ResourceType.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed([Problem(f"unknown resource type {code!r}", column="resource_type")])
    return found


class LineIn(Schema):
    resource_type: str
    quantity: Decimal
    priority: str = "normal"
    needed_by: datetime.date | None = None


class RequestIn(Schema):
    recipient: str
    lines: list[LineIn]
    note: str = ""


class LinePledgeOut(Schema):
    id: int
    donor: str
    quantity: Decimal
    status: str
    shipments: list[int]
    disbursements: list[int]


class LineOut(Schema):
    id: int
    resource_type: str
    priority: str
    requested: Decimal
    pledged: Decimal
    in_transit: Decimal
    received: Decimal
    discrepancies: list[str]
    pledges: list[LinePledgeOut] = []


class RequestOut(Schema):
    number: int
    recipient: str
    raised_on: datetime.date
    expires_on: datetime.date
    status: str
    expired: bool
    illustrative: bool
    lines: list[LineOut]


def _request_out(request: Any, expired: bool, lines: list[ledger.LineProgress]) -> dict[str, Any]:
    return {
        "number": request.number,
        "recipient": request.recipient.region.code,
        "raised_on": request.raised_on,
        "expires_on": request.expires_on,
        "status": request.status,
        "expired": expired,
        "illustrative": request.illustrative,
        "lines": [
            {
                "id": p.line.pk,
                "resource_type": p.line.resource_type.code,
                "priority": p.line.priority,
                "requested": p.requested,
                "pledged": p.pledged,
                "in_transit": p.in_transit,
                "received": p.received,
                "discrepancies": p.discrepancies,
                "pledges": [
                    {
                        "id": pledge.pk,
                        "donor": pledge.donor.region.code,
                        "quantity": pledge.quantity,
                        "status": pledge.status,
                        "shipments": [s.pk for s in pledge.shipments.all()],
                        "disbursements": [d.pk for d in pledge.disbursements.all()],
                    }
                    for pledge in p.line.pledges.all()
                ],
            }
            for p in lines
        ],
    }


@router.get(
    "/programmes/{slug}/requests",
    response=list[RequestOut],
    summary="Requests with each line's progress",
)
def list_requests(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    on = programme.current_date()
    return [
        _request_out(r, expired, lines)
        for r, expired, lines in ledger.requests_with_progress(programme, on)
    ]


@router.post("/programmes/{slug}/requests", response={201: RequestOut}, summary="Raise a request")
def raise_request(request: HttpRequest, slug: str, payload: RequestIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    recipient = _participant(programme, payload.recipient, "recipient")
    permissions.check(request.user, Action.RAISE_REQUEST, programme, recipient.region_id)
    raised = ops.raise_request(
        recipient=recipient,
        lines=[
            ops.LineIn(_resource(line.resource_type), line.quantity, line.priority, line.needed_by)
            for line in payload.lines
        ],
        user=request.user,
        note=payload.note,
    )
    return Status(
        201, _request_out(raised, False, [ledger._progress(line) for line in raised.lines.all()])
    )


class PledgeIn(Schema):
    donor: str
    quantity: Decimal
    note: str = ""


class PledgeOut(Schema):
    id: int
    line: int
    donor: str
    quantity: Decimal
    pledged_on: datetime.date
    status: str


def _pledge_out(p: Pledge) -> dict[str, Any]:
    return {
        "id": p.pk,
        "line": p.line_id,
        "donor": p.donor.region.code,
        "quantity": p.quantity,
        "pledged_on": p.pledged_on,
        "status": p.status,
    }


@router.post(
    "/programmes/{slug}/request-lines/{line_id}/pledges",
    response={201: PledgeOut},
    summary="Pledge against a line",
)
def pledge(request: HttpRequest, slug: str, line_id: int, payload: PledgeIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    line = RequestLine.objects.filter(pk=line_id, request__programme=programme).first()
    if line is None:
        raise NotFound(f"no request line {line_id} in {slug}")
    donor = _participant(programme, payload.donor, "donor")
    permissions.check(request.user, Action.PLEDGE, programme, donor.region_id)
    return Status(
        201,
        _pledge_out(
            ops.pledge(
                line=line,
                donor=donor,
                quantity=payload.quantity,
                note=payload.note,
                user=request.user,
            )
        ),
    )


def _donors_pledge(request: HttpRequest, programme: Programme, pledge_id: int) -> Pledge:
    """A pledge of the programme that the user may fulfil for its donor."""
    found = (
        Pledge.objects.filter(pk=pledge_id, line__request__programme=programme)
        .select_related("donor")
        .first()
    )
    if found is None:
        raise NotFound(f"no pledge {pledge_id} in {programme.slug}")
    permissions.check(request.user, Action.PLEDGE, programme, found.donor.region_id)
    return found


class DispatchIn(Schema):
    quantity: Decimal
    reference: str = ""
    value_cny: Decimal | None = None


class ShipmentOut(Schema):
    id: int
    pledge: int
    line: int
    request: int
    donor: str
    recipient: str
    resource_type: str
    quantity: Decimal
    reference: str
    status: str
    dispatched_on: datetime.date
    received_on: datetime.date | None
    received_quantity: Decimal | None
    discrepancies: list[dict[str, Any]]


SHIPMENT_RELATED = (
    "pledge__donor__region",
    "pledge__line__request__recipient__region",
    "pledge__line__resource_type",
)


def _shipment_out(s: Shipment) -> dict[str, Any]:
    return {
        "id": s.pk,
        "pledge": s.pledge_id,
        "line": s.pledge.line_id,
        "request": s.pledge.line.request.number,
        "donor": s.pledge.donor.region.code,
        "recipient": s.pledge.line.request.recipient.region.code,
        "resource_type": s.pledge.line.resource_type.code,
        "quantity": s.quantity,
        "reference": s.reference,
        "status": s.status,
        "dispatched_on": s.dispatched_on,
        "received_on": s.received_on,
        "received_quantity": s.received_quantity,
        "discrepancies": [
            {"kind": d.kind, "quantity": str(d.quantity), "note": d.note}
            for d in s.discrepancies.all()
        ],
    }


@router.get(
    "/programmes/{slug}/shipments",
    response=list[ShipmentOut],
    summary="Shipments of goods, with their receipts (filter: status, recipient, donor)",
)
def list_shipments(
    request: HttpRequest,
    slug: str,
    status: str | None = None,
    recipient: str | None = None,
    donor: str | None = None,
) -> list[dict[str, Any]]:
    """What a recipient still has to receive: `?recipient=421100&status=open` (open: every
    shipment not yet received, whether dispatched or in transit)."""
    programme = permissions.programme_for(request.user, slug)
    found = Shipment.objects.filter(pledge__line__request__programme=programme)
    if status == "open":
        found = found.exclude(status=Shipment.Status.RECEIVED)
    elif status:
        found = found.filter(status=status)
    if recipient:
        found = found.filter(pledge__line__request__recipient__region__code=recipient)
    if donor:
        found = found.filter(pledge__donor__region__code=donor)
    found = found.select_related(*SHIPMENT_RELATED).prefetch_related("discrepancies")
    return [_shipment_out(s) for s in found.order_by("pk")]


@router.post(
    "/programmes/{slug}/pledges/{pledge_id}/shipments",
    response={201: ShipmentOut},
    summary="Dispatch goods (funds are disbursed, staff deployed)",
)
def dispatch(request: HttpRequest, slug: str, pledge_id: int, payload: DispatchIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    found = _donors_pledge(request, programme, pledge_id)
    return Status(
        201,
        _shipment_out(
            ops.dispatch(
                pledge=found,
                quantity=payload.quantity,
                reference=payload.reference,
                value_cny=payload.value_cny,
            )
        ),
    )


class DiscrepancyIn(Schema):
    kind: str
    quantity: Decimal
    note: str = ""


class ReceiptIn(Schema):
    received_quantity: Decimal
    discrepancies: list[DiscrepancyIn] = []


@router.post(
    "/programmes/{slug}/shipments/{shipment_id}/receipt",
    response=ShipmentOut,
    summary="Confirm a receipt",
)
def receive(
    request: HttpRequest, slug: str, shipment_id: int, payload: ReceiptIn
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    shipment = (
        Shipment.objects.filter(pk=shipment_id, pledge__line__request__programme=programme)
        .select_related("pledge__line__request__recipient")
        .first()
    )
    if shipment is None:
        raise NotFound(f"no shipment {shipment_id} in {slug}")
    permissions.check(
        request.user,
        Action.CONFIRM_RECEIPT,
        programme,
        shipment.pledge.line.request.recipient.region_id,
    )
    found = [ops.DiscrepancyIn(d.kind, d.quantity, d.note) for d in payload.discrepancies]
    return _shipment_out(
        ops.confirm_receipt(
            shipment=shipment, received_quantity=payload.received_quantity, discrepancies=found
        )
    )


class DisburseIn(Schema):
    amount: Decimal
    reference: str = ""


class FundReceiptIn(Schema):
    received_amount: Decimal
    note: str = ""


class DisbursementOut(Schema):
    id: int
    pledge: int | None
    donor: str
    recipient: str
    year: int
    amount: Decimal
    status: str
    date: datetime.date
    reference: str
    received_on: datetime.date | None
    received_amount: Decimal | None
    illustrative: bool
    discrepancies: list[dict[str, Any]]


def _disbursement_out(d: Disbursement) -> dict[str, Any]:
    return {
        "id": d.pk,
        "pledge": d.pledge_id,
        "donor": d.commitment.donor.region.code,
        "recipient": d.commitment.recipient.region.code,
        "year": d.commitment.year,
        "amount": d.amount,
        "status": d.status,
        "date": d.date,
        "reference": d.reference,
        "received_on": d.received_on,
        "received_amount": d.received_amount,
        "illustrative": d.illustrative,
        "discrepancies": [
            {"kind": x.kind, "quantity": str(x.quantity), "note": x.note}
            for x in d.discrepancies.all()
        ],
    }


def _disbursement(programme: Programme, disbursement_id: int) -> Disbursement:
    found = (
        Disbursement.objects.filter(pk=disbursement_id, commitment__programme=programme)
        .select_related("commitment__donor__region", "commitment__recipient__region")
        .first()
    )
    if found is None:
        raise NotFound(f"no disbursement {disbursement_id} in {programme.slug}")
    return found


@router.get(
    "/programmes/{slug}/disbursements",
    response=list[DisbursementOut],
    summary="Disbursements of funds, with their receipts",
)
def list_disbursements(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    found = (
        Disbursement.objects.filter(commitment__programme=programme)
        .select_related("commitment__donor__region", "commitment__recipient__region")
        .prefetch_related("discrepancies")
    )
    return [_disbursement_out(d) for d in found]


@router.post(
    "/programmes/{slug}/pledges/{pledge_id}/disbursements",
    response={201: DisbursementOut},
    summary="Disburse against a funds pledge",
)
def disburse(request: HttpRequest, slug: str, pledge_id: int, payload: DisburseIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    found = _donors_pledge(request, programme, pledge_id)
    made = ops.disburse_pledge(pledge=found, amount=payload.amount, reference=payload.reference)
    return Status(201, _disbursement_out(_disbursement(programme, made.pk)))


@router.post(
    "/programmes/{slug}/disbursements/{disbursement_id}/receipt",
    response=DisbursementOut,
    summary="Confirm the receipt of a disbursement",
)
def receive_disbursement(
    request: HttpRequest, slug: str, disbursement_id: int, payload: FundReceiptIn
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = _disbursement(programme, disbursement_id)
    permissions.check(
        request.user, Action.CONFIRM_RECEIPT, programme, found.commitment.recipient.region_id
    )
    ops.confirm_disbursement(
        disbursement=found, received_amount=payload.received_amount, note=payload.note
    )
    return _disbursement_out(_disbursement(programme, found.pk))


class TeamIn(Schema):
    donor: str
    name: str
    members: dict[str, int]
    emt_type: str = "other"
    leader: str = ""
    home_institution: str = ""


class DeploymentIn(Schema):
    recipient: str
    facility: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    pledge: int | None = None
    replaces: int | None = None
    overlap_days: int = 0


class DeploymentOut(Schema):
    id: int
    team: str
    recipient: str
    status: str
    planned_start: datetime.date
    arrived_on: datetime.date | None
    ended_on: datetime.date | None


def _deployment_out(d: Deployment) -> dict[str, Any]:
    return {
        "id": d.pk,
        "team": d.team.name,
        "recipient": d.recipient.region.code,
        "status": d.status,
        "planned_start": d.planned_start,
        "arrived_on": d.arrived_on,
        "ended_on": d.ended_on,
    }


@router.post("/programmes/{slug}/teams", response={201: dict[str, Any]}, summary="Register a team")
def register_team(request: HttpRequest, slug: str, payload: TeamIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    donor = _participant(programme, payload.donor, "donor")
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, donor.region_id)
    team = ops.register_team(
        donor=donor,
        name=payload.name,
        members={_resource(code): count for code, count in payload.members.items()},
        emt_type=payload.emt_type,
        leader=payload.leader,
        home_institution=payload.home_institution,
    )
    return Status(201, {"id": team.pk, "name": team.name, "size": team.size})


@router.post(
    "/programmes/{slug}/teams/{team_id}/deployments",
    response={201: DeploymentOut},
    summary="Plan a deployment",
)
def deploy(request: HttpRequest, slug: str, team_id: int, payload: DeploymentIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    team = Team.objects.filter(pk=team_id, programme=programme).select_related("donor").first()
    if team is None:
        raise NotFound(f"no team {team_id} in {slug}")
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
    deployment = ops.deploy(
        team=team,
        recipient=_participant(programme, payload.recipient, "recipient"),
        facility=Facility.objects.filter(programme=programme, pk=payload.facility).first()
        if payload.facility
        else None,
        start=payload.start,
        end=payload.end,
        pledge=Pledge.objects.filter(pk=payload.pledge, donor=team.donor).first()
        if payload.pledge
        else None,
        replaces=Deployment.objects.filter(pk=payload.replaces, team__programme=programme).first()
        if payload.replaces
        else None,
        overlap_days=payload.overlap_days,
    )
    return Status(201, _deployment_out(deployment))


STEPS = {
    "dispatch": (ops.dispatch_team, Action.MANAGE_TEAMS, "donor"),
    "arrival": (ops.confirm_arrival, Action.CONFIRM_RECEIPT, "recipient"),
    "end": (ops.end_deployment, Action.MANAGE_TEAMS, "donor"),
}


@router.post(
    "/programmes/{slug}/deployments/{deployment_id}/{step}",
    response=DeploymentOut,
    summary="dispatch, arrival (recipient) or end",
)
def move(request: HttpRequest, slug: str, deployment_id: int, step: str) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    deployment = (
        Deployment.objects.filter(pk=deployment_id, team__programme=programme)
        .select_related("team__donor", "recipient__region")
        .first()
    )
    if deployment is None or step not in STEPS:
        raise NotFound(f"no deployment {deployment_id} step {step!r} in {slug}")
    service, action, side = STEPS[step]
    region_id = (
        deployment.team.donor.region_id if side == "donor" else deployment.recipient.region_id
    )
    permissions.check(request.user, action, programme, region_id)
    return _deployment_out(service(deployment=deployment))


class GapOut(Schema):
    recipient: str
    resource_type: str
    need: Decimal
    received: Decimal
    in_transit: Decimal
    on_duty: Decimal
    gap: Decimal
    assessed: Decimal | None = Field(None, description="the need figure on the date, if any")
    requested: Decimal = Field(
        Decimal(0), description="what the recipient's requests ask for (the need where larger)"
    )


@router.get("/programmes/{slug}/gaps", response=list[GapOut], summary="Gaps, largest first")
def gaps(
    request: HttpRequest, slug: str, date: datetime.date | None = None
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    return [
        {
            "recipient": g.recipient.region.code,
            "resource_type": g.resource.code,
            "need": g.need,
            "received": g.received,
            "in_transit": g.in_transit,
            "on_duty": g.on_duty,
            "gap": g.gap,
            "assessed": g.assessed,
            "requested": g.requested,
        }
        for g in ledger.gaps(programme, date or programme.current_date())
    ]


@router.get(
    "/programmes/{slug}/league", response=list[dict[str, Any]], summary="The league table of donors"
)
def league(
    request: HttpRequest, slug: str, date: datetime.date | None = None
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    return ledger.as_rows(ledger.league_table(programme, date or programme.current_date()))
