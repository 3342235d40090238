"""Push deliveries: goods a donor sends ahead, before anyone asks (Japan's push-type supplies
after the Kumamoto earthquake). The moves are written once, in `MOVES`: the status each leaves,
the status it reaches, and the side (the recipient's officer, the donor's) whose standing
allows it. Every move is one transaction, checks the user's permission for its side, and is
kept in the delivery's history (PushDeliveryEvent: who, when, from, to, note). A redirect
sends the declined goods on to another recipient as a new push delivery, linked to it."""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.common import not_goods, outside_the_pairing, quantity_problems
from pairaid.operations.models import PushDelivery, PushDeliveryEvent
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType
from pairaid.validation import fits

Status = PushDelivery.Status


class Side(StrEnum):
    """Whose standing a move needs: the recipient's (it received the goods) or the donor's."""

    RECIPIENT = "recipient"
    DONOR = "donor"


# What each side does, the actions of the ledger: the donor's officer sends goods as it ships
# against pledges, the recipient's officer takes them in as it confirms receipts.
SIDE_ACTIONS = {Side.DONOR: Action.PLEDGE, Side.RECIPIENT: Action.CONFIRM_RECEIPT}


@dataclass(frozen=True)
class Move:
    source: str  # the status the move leaves
    to: str
    side: Side
    label: Any  # what a person calls it (lazy)


# The push delivery's state machine, the one place it is written.
MOVES: dict[str, Move] = {
    "accept": Move(Status.SENT, Status.ACCEPTED, Side.RECIPIENT, gettext_lazy("accept")),
    "decline": Move(Status.SENT, Status.DECLINED, Side.RECIPIENT, gettext_lazy("decline")),
    "return": Move(
        Status.DECLINED, Status.RETURNED, Side.DONOR, gettext_lazy("take back (returned)")
    ),
    "redirect": Move(
        Status.DECLINED, Status.REDIRECTED, Side.DONOR, gettext_lazy("redirect to another")
    ),
}


def region_of(delivery: PushDelivery, side: Side) -> int:
    """The region a side of the delivery acts for."""
    return (delivery.donor if side == Side.DONOR else delivery.recipient).region_id


def may_move(user: Any, delivery: PushDelivery, name: str) -> bool:
    """Whether the user may make the move now (its status allows it and the user's standing on
    the move's side does): the pages offer only these."""
    move = MOVES[name]
    return delivery.status == move.source and permissions.can(
        user, SIDE_ACTIONS[move.side], delivery.programme, region_of(delivery, move.side)
    )


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


@transaction.atomic
def send(
    *,
    donor: Participant,
    recipient: Participant,
    resource_type: ResourceType,
    quantity: Decimal,
    user: Any,
    dispatched_on: datetime.date | None = None,
    note: str = "",
    illustrative: bool = False,
) -> PushDelivery:
    """The donor's officer sends goods ahead to a recipient; dispatched on the programme date
    unless it says when. Aid follows the pairing as for pledges."""
    programme = donor.programme
    permissions.check(user, SIDE_ACTIONS[Side.DONOR], programme, donor.region_id)
    return _sent(donor, recipient, resource_type, quantity, user, dispatched_on, note, illustrative)


def _sent(
    donor: Participant,
    recipient: Participant,
    resource_type: ResourceType,
    quantity: Decimal,
    user: Any,
    dispatched_on: datetime.date | None,
    note: str,
    illustrative: bool,
    redirected_from: PushDelivery | None = None,
) -> PushDelivery:
    """A new push delivery, its first event `send` (checked, numbered, recorded)."""
    programme = donor.programme
    problems = _send_problems(donor, recipient, resource_type, quantity)
    if problems:
        raise ValidationFailed(problems)
    moment = programme.now()
    delivery = PushDelivery(
        programme=programme,
        number=programme_services.next_number(
            programme=programme, numbered=PushDelivery.objects.filter(programme=programme)
        ),
        donor=donor,
        recipient=recipient,
        resource_type=resource_type,
        quantity=quantity,
        dispatched_on=dispatched_on or programme.current_date(),
        note=note,
        redirected_from=redirected_from,
        updated_at=moment,
        sent_by=_user(user),
        illustrative=illustrative,
    )
    fits(delivery)
    delivery.save()
    _record(delivery, "send", "", note, moment, user)
    return delivery


def _send_problems(
    donor: Participant, recipient: Participant, resource_type: ResourceType, quantity: Decimal
) -> list[Problem]:
    problems = []
    if donor.role != Participant.Role.DONOR:
        problems.append(
            Problem(
                gettext("%(donor)s is not a donor") % {"donor": local_name(donor.region)},
                column="donor",
            )
        )
    if recipient.role != Participant.Role.RECIPIENT or recipient.programme_id != donor.programme_id:
        problems.append(
            Problem(
                gettext("%(recipient)s is not a recipient of this programme")
                % {"recipient": local_name(recipient.region)},
                column="recipient",
            )
        )
    elif donor.role == Participant.Role.DONOR:
        outside = outside_the_pairing(donor, recipient, "recipient")
        if outside:
            problems.append(outside)
    return problems + goods_problems(resource_type, quantity)


def goods_problems(resource_type: ResourceType, quantity: Decimal) -> list[Problem]:
    """What is wrong with the goods of a push delivery (sent here, or loaded from a bundle):
    not goods at all, or a quantity that is none or a fraction of a thing counted whole."""
    goods = not_goods(resource_type, "resource_type")
    return ([goods] if goods else []) + quantity_problems(resource_type, quantity, "quantity")


@transaction.atomic
def move(
    *,
    delivery: PushDelivery,
    name: str,
    user: Any,
    note: str = "",
    to: Participant | None = None,
) -> PushDelivery:
    """Make one move of `MOVES` on a push delivery. `note` is the decline's reason (required)
    or a note; `to` is the recipient a redirect sends the goods on to (required there), as a
    new push delivery. Returns the delivery moved."""
    if name not in MOVES:
        raise ValidationFailed(
            [
                Problem(
                    gettext("unknown move %(name)s (expected one of %(moves)s)")
                    % {"name": repr(name), "moves": ", ".join(MOVES)},
                    column="move",
                )
            ]
        )
    step = MOVES[name]
    # Locked: two officers deciding at once are served one after the other.
    delivery = (
        PushDelivery.objects.select_for_update(of=("self",))
        .select_related("programme", "donor__region", "recipient__region", "resource_type")
        .get(pk=delivery.pk)
    )
    permissions.check(
        user, SIDE_ACTIONS[step.side], delivery.programme, region_of(delivery, step.side)
    )
    if delivery.status != step.source:
        raise Conflict(
            gettext(
                "push delivery %(number)s is %(status)s; it can be %(move)s only when %(source)s"
            )
            % {
                "number": delivery.number,
                "status": Status(delivery.status).label,
                "move": step.label,
                "source": Status(step.source).label,
            }
        )
    if name == "decline" and not note.strip():
        raise ValidationFailed([Problem(gettext("a decline states its reason"), column="note")])
    if name == "redirect":
        _redirect(delivery, to, user, note)
    if name == "accept":
        delivery.accepted_on = delivery.programme.current_date()
    moment = delivery.programme.now()
    status_from = delivery.status
    delivery.status = step.to
    delivery.updated_at = moment
    delivery.save()
    _record(delivery, name, status_from, note, moment, user)
    return delivery


def _redirect(delivery: PushDelivery, to: Participant | None, user: Any, note: str) -> None:
    """The declined goods sent on to another recipient, a new push delivery linked to this one
    (the pairing rule holds for it as for any)."""
    if to is None:
        raise ValidationFailed(
            [Problem(gettext("a redirect names the recipient the goods go on to"), column="to")]
        )
    if to.pk == delivery.recipient_id:
        raise ValidationFailed(
            [
                Problem(
                    gettext("must differ from %(recipient)s, which declined the goods")
                    % {"recipient": local_name(delivery.recipient.region)},
                    column="to",
                )
            ]
        )
    try:
        _sent(
            delivery.donor,
            to,
            delivery.resource_type,
            delivery.quantity,
            user,
            None,
            note,
            delivery.illustrative,
            redirected_from=delivery,
        )
    except ValidationFailed as refused:
        # The new delivery's recipient is what the redirect names: `to`.
        raise ValidationFailed(
            [replace(p, column="to") if p.column == "recipient" else p for p in refused.problems]
        ) from refused


def _record(
    delivery: PushDelivery,
    name: str,
    status_from: str,
    note: str,
    at: datetime.datetime,
    user: Any,
) -> None:
    event = PushDeliveryEvent(
        delivery=delivery,
        move=name,
        status_from=status_from,
        status_to=delivery.status,
        note=note,
        at=at,
        by=_user(user),
    )
    fits(event)
    event.save()
