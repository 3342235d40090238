"""Offers: a donor offers goods before anyone asks, and (part of) a lot is taken as a pledge
against an open request line of the same resource. The pledge is made by `requests.pledge`, so
every rule of a pledge (an open request, a donor of the programme, aid follows the pairing)
holds for a take too."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pairaid import edits
from pairaid.conversations import services as conversation_services
from pairaid.conversations.models import Event
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.common import ZERO, not_goods, quantity_problems
from pairaid.operations.models import (
    DEFAULT_TAKES_PER_OFFER_LINE,
    Offer,
    OfferLine,
    Pledge,
    RequestLine,
)
from pairaid.operations.queries import offers as offer_queries
from pairaid.operations.queries.requests import pledged
from pairaid.operations.services import requests as request_services
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant
from pairaid.refusals import not_before
from pairaid.registry.models import ResourceType
from pairaid.validation import created


@dataclass(frozen=True)
class OfferLineIn:
    resource_type: ResourceType
    quantity: Decimal
    max_takes: int = DEFAULT_TAKES_PER_OFFER_LINE


def line_problems(index: int, line: OfferLineIn) -> list[Problem]:
    """Goods only (staff are deployed as teams, money disbursed), a whole number of things
    counted whole, at least one take."""
    column = f"lines.{index}"
    problems = quantity_problems(line.resource_type, line.quantity, f"{column}.quantity")
    goods = not_goods(line.resource_type, f"{column}.resource_type")
    if goods:
        problems.append(goods)
    if line.max_takes < 1:
        problems.append(Problem(gettext("must be at least 1"), column=f"{column}.max_takes"))
    return problems


@transaction.atomic
def make_offer(
    *,
    donor: Participant,
    lines: Sequence[OfferLineIn],
    user: Any,
    available_from: datetime.date | None = None,
    available_until: datetime.date | None = None,
    note: str = "",
) -> Offer:
    """A donor offers lots of goods; available from the programme date unless it says when."""
    programme = donor.programme
    start = available_from or programme.current_date()
    problems = []
    if donor.role != Participant.Role.DONOR:
        problems.append(
            Problem(
                gettext("%(donor)s is not a donor") % {"donor": local_name(donor.region)},
                column="donor",
            )
        )
    if not lines:
        problems.append(Problem(gettext("an offer needs at least one line"), column="lines"))
    for index, line in enumerate(lines):
        problems += line_problems(index, line)
    too_early = not_before(available_until, start, gettext("the date it is available from"))
    if too_early:
        problems.append(Problem(too_early, column="available_until"))
    if problems:
        raise ValidationFailed(problems)
    offer = created(
        Offer,
        programme=programme,
        donor=donor,
        number=programme_services.next_number(
            programme=programme, numbered=Offer.objects.filter(programme=programme)
        ),
        available_from=start,
        available_until=available_until,
        note=note,
        offered_by=user if getattr(user, "pk", None) else None,
    )
    for line in lines:
        created(
            OfferLine,
            offer=offer,
            resource_type=line.resource_type,
            quantity=line.quantity,
            max_takes=line.max_takes,
        )
    conversation_services.record(
        kind=Event.Kind.OFFER_MADE,
        programme=programme,
        subject=offer,
        actor=user,
        args={"number": offer.number, "region": donor.region_id},
    )
    return offer


@transaction.atomic
def withdraw_offer(*, offer: Offer) -> Offer:
    """The donor takes back what is left; pledges already made from it stand."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.standing == Offer.Standing.WITHDRAWN:
        raise Conflict(gettext("offer %(number)s is already withdrawn") % {"number": offer.number})
    offer.standing = Offer.Standing.WITHDRAWN
    offer.save(update_fields=["standing"])
    return offer


@transaction.atomic
def take_offer(
    *,
    line: OfferLine,
    request_line: RequestLine,
    quantity: Decimal,
    user: Any,
    on: datetime.date | None = None,
) -> Pledge:
    """Turn (part of) an offered lot into the donor's pledge against an open request line of the
    same resource: no more than is left of the lot nor than the line still needs, and within the
    lot's number of takes."""
    # Locked so two takes of one lot never both see the same remainder.
    line = (
        OfferLine.objects.select_for_update()
        .select_related("offer__programme", "offer__donor__region", "resource_type")
        .get(pk=line.pk)
    )
    offer = line.offer
    today = on or offer.programme.current_date()
    if offer.standing == Offer.Standing.WITHDRAWN:
        raise Conflict(
            gettext("offer %(number)s is withdrawn; nothing is taken from it")
            % {"number": offer.number}
        )
    if offer_queries.is_expired(offer, today):
        raise Conflict(
            gettext("offer %(number)s expired on %(date)s; nothing is taken from it")
            % {"number": offer.number, "date": offer.available_until}
        )
    request_line = RequestLine.objects.select_related("request", "resource_type").get(
        pk=request_line.pk
    )
    problems = _take_problems(line, request_line, quantity)
    if problems:
        raise ValidationFailed(problems)
    made = request_services.pledge(
        line=request_line,
        donor=offer.donor,
        quantity=quantity,
        user=user,
        note=gettext("from offer %(number)s") % {"number": offer.number},
        on=today,
    )
    made.from_offer = line
    made.save(update_fields=["from_offer"])
    return made


def _take_problems(line: OfferLine, request_line: RequestLine, quantity: Decimal) -> list[Problem]:
    """Why this take does not fit the lot or the request line (empty when it does)."""
    if request_line.resource_type_id != line.resource_type_id:
        return [
            Problem(
                gettext("the offer is of %(offered)s, the request line asks for %(asked)s")
                % {
                    "offered": local_name(line.resource_type),
                    "asked": local_name(request_line.resource_type),
                },
                column="request_line",
            )
        ]
    problems = quantity_problems(line.resource_type, quantity, "quantity")
    if problems:
        return problems
    taken, takes = offer_queries.taken(line)
    left = line.quantity - taken
    if quantity > left:
        problems.append(
            Problem(
                gettext("must be at most %(value)s: what is left of the offered %(offered)s")
                % {"value": edits.shown(left), "offered": edits.shown(line.quantity)},
                column="quantity",
            )
        )
    needed = request_line.quantity - pledged(request_line)
    if quantity > needed:
        problems.append(
            Problem(
                gettext(
                    "must be at most %(value)s: what request %(number)s still needs on the line"
                )
                % {"value": edits.shown(max(needed, ZERO)), "number": request_line.request.number},
                column="quantity",
            )
        )
    if takes >= line.max_takes:
        problems.append(
            Problem(
                gettext(
                    "this lot is already split into %(takes)s pledges, its most; take it "
                    "whole elsewhere or ask the donor to raise the limit"
                )
                % {"takes": takes},
                column="request_line",
            )
        )
    return problems
