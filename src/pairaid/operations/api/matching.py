"""Matching offers to requests: ask the matcher (coordinators), read its proposals (every
member), and accept one donor's proposed lines as its pledges in one step (that donor's
officers; services.matching)."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.errors import NotFound
from pairaid.operations.api.common import PAGE_SIZE, Rows, operation_id, participant
from pairaid.operations.api.requests import PledgeOut, pledge_out
from pairaid.operations.models import MatchingLine, MatchingProposal
from pairaid.operations.services import matching as matching_services
from pairaid.programmes.models import Participant

router = Router(tags=["operations"])


class MatchingLineOut(Schema):
    line: int = Field(description="the line's number in the proposal (1, 2…)")
    donor: str
    offer: int = Field(description="the offer's number")
    offer_line: int = Field(description="the offer line's id")
    recipient: str
    request: int = Field(description="the request's number")
    request_line: int = Field(description="the request line's id")
    resource_type: str
    quantity: Decimal
    km: float = Field(description="great-circle distance between the two regions")
    pledge: int | None = Field(description="the pledge made when its donor accepted it")


class ProposalOut(Schema):
    number: int
    on: datetime.date
    made_at: datetime.datetime
    lines: list[MatchingLineOut]
    problem: dict[str, Any] = Field(description="the matching problem solved (problem-format.md)")
    result: dict[str, Any] = Field(description="the matcher's result (problem-format.md)")


class ListedMatchingOut(Schema):
    number: int
    made_at: datetime.datetime
    status: str = Field(description="the matcher's status: optimal or feasible")


class AcceptIn(Schema):
    donor: str = Field(description="the donor whose lines become pledges: its region's code")


class AcceptedOut(Schema):
    pledges: list[PledgeOut]


def _line_out(number: int, line: MatchingLine) -> dict[str, Any]:
    offered, needed = line.offer_line, line.request_line
    return {
        "line": number,
        "donor": offered.offer.donor.region.reference,
        "offer": offered.offer.number,
        "offer_line": offered.pk,
        "recipient": needed.request.recipient.region.reference,
        "request": needed.request.number,
        "request_line": needed.pk,
        "resource_type": offered.resource_type.code,
        "quantity": line.quantity,
        "km": line.km,
        "pledge": line.pledge_id,
    }


def _out(proposal: MatchingProposal) -> dict[str, Any]:
    return {
        "number": proposal.number,
        "on": proposal.on,
        "made_at": proposal.made_at.astimezone(proposal.programme.zone()),
        "lines": [
            _line_out(number, line) for number, line in matching_services.numbered_lines(proposal)
        ],
        "problem": proposal.problem,
        "result": proposal.result,
    }


def _proposal(request: HttpRequest, slug: str, number: int) -> MatchingProposal:
    programme = permissions.programme_for(request.user, slug)
    found = (
        MatchingProposal.objects.filter(programme=programme, number=number)
        .select_related("programme")
        .first()
    )
    if found is None:
        raise NotFound(f"no matching proposal {number} in {slug}")
    return found


@router.get(
    "/programmes/{slug}/matchings",
    response=list[ListedMatchingOut],
    summary="The programme's matching proposals, latest first",
    operation_id=operation_id("list_matchings"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_matchings(request: HttpRequest, slug: str) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    found = MatchingProposal.objects.filter(programme=programme).select_related("programme")
    return Rows(
        found,
        lambda p: {
            "number": p.number,
            "made_at": p.made_at.astimezone(p.programme.zone()),
            "status": p.result.get("status", ""),
        },
    )


@router.post(
    "/programmes/{slug}/matchings",
    response={201: ProposalOut},
    summary="Propose which offered lots fill which open request lines (coordinators)",
    operation_id=operation_id("propose_matching"),
)
def propose_matching(request: HttpRequest, slug: str) -> Status:
    programme = permissions.programme_for(request.user, slug)
    return Status(201, _out(matching_services.propose(programme=programme, user=request.user)))


@router.get(
    "/programmes/{slug}/matchings/{number}",
    response=ProposalOut,
    summary="One matching proposal: its lines, problem and result",
    operation_id=operation_id("get_matching"),
)
def get_matching(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    return _out(_proposal(request, slug, number))


@router.post(
    "/programmes/{slug}/matchings/{number}/accept",
    response={201: AcceptedOut},
    summary="Accept one donor's proposed lines as its pledges, all or none (its officers)",
    operation_id=operation_id("accept_matching"),
)
def accept_matching(request: HttpRequest, slug: str, number: int, payload: AcceptIn) -> Status:
    proposal = _proposal(request, slug, number)
    donor = participant(proposal.programme, payload.donor, Participant.Role.DONOR)
    made = matching_services.accept_for_donor(proposal=proposal, donor=donor, user=request.user)
    return Status(201, {"pledges": [pledge_out(p) for p in made]})
