"""Matching offers to requests: the coordinator asks the matcher (engine.matching) which offered
lots should fill which open request lines, and each donor's officer accepts its own proposed
lines as pledges, in one step, through the offer-take service (services.offers) — so every
rule of a take and of a pledge holds for them too.

The proposal is solved in the request under a short time limit, as placement's is: a
programme's offers and requests (tens of donors, hundreds of lines) are proven in well under a
second.
"""

import math
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.engine import matching
from pairaid.errors import Conflict, PairAidError, Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.models import MatchingLine, MatchingProposal, Pledge
from pairaid.operations.queries import matching as matching_queries
from pairaid.operations.services import offers as offer_services
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType

# The matcher's limit inside a web request: long enough for a programme's lots to be proven,
# short enough that the coordinator is not left waiting.
TIME_LIMIT_SECONDS: Final = 10.0
# The pledge's precision (Pledge.quantity has four decimal places).
PLACES: Final = Decimal("0.0001")


def pledgeable(quantity: float, resource: ResourceType) -> Decimal:
    """A shipment's quantity as a pledge can hold it: to the ledger's precision, and rounded
    down to whole units for a resource counted whole (the engine ships real numbers; 1,999.99999
    masks are 2,000 within the solver's tolerance, 1,999.5 are 1,999)."""
    amount = Decimal(repr(quantity)).quantize(PLACES)
    if resource.is_integral:
        return Decimal(math.floor(amount + PLACES))
    return amount


@transaction.atomic
def propose(*, programme: Programme, user: Any) -> MatchingProposal:
    """Build the programme's matching problem now, solve it and keep it, numbered, with its
    lines."""
    permissions.check(user, Action.PROPOSE_MATCHING, programme)
    on = programme.current_date()
    built = matching_queries.build(programme, on)
    built.document["options"]["time_limit"] = TIME_LIMIT_SECONDS
    result = matching.match_document(built.document)
    if result.status == "invalid":
        # The problem is ours, built from stored figures: an invalid one is a defect here.
        raise Conflict(
            gettext("the matching problem could not be built: %(errors)s")
            % {"errors": "; ".join(e.text for e in result.errors)}
        )
    proposal = MatchingProposal.objects.create(
        programme=programme,
        number=programme_services.next_number(
            programme=programme,
            numbered=MatchingProposal.objects.filter(programme=programme),
        ),
        on=on,
        made_at=programme.now(),
        made_by=user if getattr(user, "pk", None) else None,
        problem=built.document,
        result=result.to_dict(),
    )
    lines = []
    for shipment in result.shipments:
        lot = built.lots[shipment.lot]
        quantity = pledgeable(shipment.quantity, lot.resource_type)
        if quantity > 0:
            lines.append(
                MatchingLine(
                    proposal=proposal,
                    offer_line=lot,
                    request_line=built.needs[shipment.need],
                    quantity=quantity,
                    km=shipment.km,
                )
            )
    MatchingLine.objects.bulk_create(lines)
    return proposal


def numbered_lines(proposal: MatchingProposal) -> list[tuple[int, MatchingLine]]:
    """The proposal's lines with their numbers as the page and the refusals show them (1, 2…
    in the proposal's order)."""
    lines = proposal.lines.select_related(
        "offer_line__offer__donor__region",
        "offer_line__resource_type",
        "request_line__request__recipient__region",
        "pledge",
    ).order_by("pk")
    return list(enumerate(lines, start=1))


@transaction.atomic
def accept_for_donor(*, proposal: MatchingProposal, donor: Participant, user: Any) -> list[Pledge]:
    """All of one donor's lines of the proposal not yet accepted become its pledges, each taken
    from its offered lot; all or none. A line gone stale since the proposal (the lot taken or
    withdrawn, the request line pledged or closed) is refused with its number and why, and
    nothing is written: the coordinator asks for a new proposal."""
    programme = proposal.programme
    permissions.check(user, Action.ACCEPT_MATCHING, programme, donor.region_id)
    # Locked so that two acceptances of one proposal never both take the same lines.
    proposal = MatchingProposal.objects.select_for_update().get(pk=proposal.pk)
    own = [
        (number, line)
        for number, line in numbered_lines(proposal)
        if line.offer_line.offer.donor_id == donor.pk and line.pledge_id is None
    ]
    if not own:
        raise Conflict(
            gettext("matching proposal %(number)s has no lines of %(donor)s left to accept")
            % {"number": proposal.number, "donor": local_name(donor.region)}
        )
    problems: list[Problem] = []
    made = []
    for number, line in own:
        try:
            with transaction.atomic():
                pledge = offer_services.take_offer(
                    line=line.offer_line,
                    request_line=line.request_line,
                    quantity=line.quantity,
                    user=user,
                )
        except (ValidationFailed, Conflict) as refusal:
            problems += _stale(number, refusal)
            continue
        line.pledge = pledge
        line.save(update_fields=["pledge"])
        made.append(pledge)
    if problems:
        raise ValidationFailed(problems)
    return made


def _stale(number: int, refusal: PairAidError) -> list[Problem]:
    """A refused take as the refusal of a proposal line: its number, and the take's reasons."""
    reasons = (
        [p.message for p in refusal.problems]
        if isinstance(refusal, ValidationFailed)
        else [str(refusal)]
    )
    return [
        Problem(
            gettext("line %(line)s is out of date, ask for a new proposal: %(reason)s")
            % {"line": number, "reason": reason},
            column="lines",
        )
        for reason in reasons
    ]
