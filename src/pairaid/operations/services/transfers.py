"""Patient transfers, bed movements and community queues. A transfer's moves are written once,
in `MOVES`: the statuses it may leave, the status it reaches, the action and the side (sending,
receiving, the coordinator) whose standing allows it. Every move is one transaction, checks the
user's permission through `permissions.check_for_facility`, and is kept in the transfer's
history (TransferEvent: who, when, from, to, count, note)."""

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.conversations import services as conversation_services
from pairaid.conversations.models import Event
from pairaid.engine.beds import BED_TYPES, acuity_rank
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.common import unknown_bed_type
from pairaid.operations.models import (
    BedMovement,
    Facility,
    QueueEntry,
    Transfer,
    TransferEvent,
)
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.operations.services.facilities import REPORTED_YEARS
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant
from pairaid.refusals import MORE_THAN_ZERO, ZERO_OR_MORE
from pairaid.validation import fits

Status = Transfer.Status


class Side(StrEnum):
    """Whose standing a move needs: the sending facility's (or queue's region), the receiving
    facility's, or the programme's (the coordinator)."""

    SENDING = "sending"
    RECEIVING = "receiving"
    PROGRAMME = "programme"


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]  # the statuses the move leaves
    to: str
    action: Action
    side: Side
    label: Any  # what a person calls it (lazy)


# The transfer's state machine, the one place it is written. A cross-region transfer must be
# approved before the receiving side decides (`_refuse_unapproved`).
MOVES: dict[str, Move] = {
    "approve": Move(
        (Status.REQUESTED,),
        Status.APPROVED,
        Action.APPROVE_TRANSFER,
        Side.PROGRAMME,
        gettext_lazy("approve"),
    ),
    "accept": Move(
        (Status.REQUESTED, Status.APPROVED),
        Status.ACCEPTED,
        Action.RECEIVE_TRANSFER,
        Side.RECEIVING,
        gettext_lazy("accept"),
    ),
    "decline": Move(
        (Status.REQUESTED, Status.APPROVED),
        Status.DECLINED,
        Action.RECEIVE_TRANSFER,
        Side.RECEIVING,
        gettext_lazy("decline"),
    ),
    "arrange_transport": Move(
        (Status.ACCEPTED,),
        Status.TRANSPORT_ARRANGED,
        Action.SEND_TRANSFER,
        Side.SENDING,
        gettext_lazy("arrange transport"),
    ),
    "set_off": Move(
        (Status.TRANSPORT_ARRANGED,),
        Status.IN_TRANSIT,
        Action.SEND_TRANSFER,
        Side.SENDING,
        gettext_lazy("set off (in transit)"),
    ),
    "arrive": Move(
        (Status.IN_TRANSIT,),
        Status.ARRIVED,
        Action.RECEIVE_TRANSFER,
        Side.RECEIVING,
        gettext_lazy("confirm arrival"),
    ),
    "cancel": Move(
        (Status.REQUESTED, Status.APPROVED, Status.ACCEPTED, Status.TRANSPORT_ARRANGED),
        Status.CANCELLED,
        Action.CANCEL_TRANSFER,
        Side.SENDING,
        gettext_lazy("cancel"),
    ),
}


def side_of(transfer: Transfer, side: Side) -> tuple[Facility | None, int | None]:
    """The facility (None: the region's queue, or the programme) and region a side acts for."""
    if side == Side.SENDING:
        return transfer.sending_facility, transfer.sending.region_id
    if side == Side.RECEIVING:
        return transfer.receiving_facility, None
    return None, None


def may_move(user: Any, transfer: Transfer, name: str) -> bool:
    """Whether the user may make the move now (its status allows it and the user's standing on
    the move's side does): the pages offer only these."""
    move = MOVES[name]
    if transfer.status not in move.sources:
        return False
    facility, region_id = side_of(transfer, move.side)
    return permissions.can_for_facility(
        user, move.action, transfer.programme, facility, region_id=region_id
    )


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _now(of: Any, at: datetime.datetime | None) -> datetime.datetime:
    """When a move or a count happened: `at` (naive: programme time), else the programme's
    present moment. `of` is the programme or a row of it."""
    programme = getattr(of, "programme", of)
    if at is None:
        return programme.now()
    if not REPORTED_YEARS[0] <= at.year <= REPORTED_YEARS[1]:  # before any zone arithmetic
        raise _problem(
            gettext("must be a time between the years %(first)s and %(last)s")
            % {"first": REPORTED_YEARS[0], "last": REPORTED_YEARS[1]},
            "at",
        )
    return at if at.tzinfo else at.replace(tzinfo=programme.zone())


def _problem(message: str, column: str) -> ValidationFailed:
    return ValidationFailed([Problem(message, column=column)])


@transaction.atomic
def request_transfer(
    *,
    origin: Facility | Participant,
    receiving_facility: Facility,
    acuity: str,
    requested: int,
    user: Any,
    bed_type: str | None = None,
    reference: str = "",
    note: str = "",
    at: datetime.datetime | None = None,
) -> Transfer:
    """The sending side asks for `requested` patients of an acuity to be placed at a receiving
    facility: from a sending facility, or (a recipient participant) from its community queue;
    in beds of `bed_type` there (the acuity's own type, or a higher one; None: its own)."""
    bed_type = acuity if bed_type is None else bed_type
    if isinstance(origin, Facility):
        sending_facility, sending = origin, origin.recipient
    else:
        sending_facility, sending = None, origin
    programme = sending.programme
    permissions.check_for_facility(
        user, Action.REQUEST_TRANSFER, programme, sending_facility, region_id=sending.region_id
    )
    problems = _request_problems(sending, sending_facility, receiving_facility, acuity, requested)
    problems += _bed_type_problems(acuity, bed_type)
    if problems:
        raise ValidationFailed(problems)
    moment = _now(programme, at)
    transfer = Transfer(
        programme=programme,
        number=programme_services.next_number(
            programme=programme, numbered=Transfer.objects.filter(programme=programme)
        ),
        sending=sending,
        sending_facility=sending_facility,
        receiving_facility=receiving_facility,
        acuity=acuity,
        bed_type=bed_type,
        requested=requested,
        reference=reference,
        requested_at=moment,
        updated_at=moment,
        requested_by=_user(user),
    )
    fits(transfer)
    transfer.save()
    _record(transfer, "request", "", requested, note, moment, user)
    # Across regions the coordinator approves first; the receiving side is told once approved.
    _tell(
        transfer,
        Event.Kind.TRANSFER_AWAITING_APPROVAL
        if transfer.cross_region
        else Event.Kind.TRANSFER_REQUESTED,
        user,
    )
    return transfer


# The moves someone is told of, and the event each makes.
_TOLD = {
    "approve": Event.Kind.TRANSFER_REQUESTED,
    "accept": Event.Kind.TRANSFER_ACCEPTED,
    "decline": Event.Kind.TRANSFER_DECLINED,
}


def _tell(transfer: Transfer, kind: str, user: Any) -> None:
    conversation_services.record(
        kind=kind,
        programme=transfer.programme,
        subject=transfer,
        actor=user,
        args={"number": transfer.number, "requested": transfer.requested},
    )


def _request_problems(
    sending: Participant,
    sending_facility: Facility | None,
    receiving: Facility,
    acuity: str,
    requested: int,
) -> list[Problem]:
    problems = []
    if sending.role != Participant.Role.RECIPIENT:
        problems.append(
            Problem(
                gettext("%(region)s is not a recipient: only a recipient's queue sends patients")
                % {"region": local_name(sending.region)},
                column="from_queue",
            )
        )
    if receiving.programme_id != sending.programme_id:
        problems.append(
            Problem(gettext("is not a facility of this programme"), column="receiving_facility")
        )
    if sending_facility is not None and sending_facility.pk == receiving.pk:
        problems.append(
            Problem(gettext("must differ from the sending facility"), column="receiving_facility")
        )
    if acuity not in BED_TYPES:
        problems.append(unknown_bed_type(acuity, "acuity"))
    if requested < 1:
        problems.append(Problem(str(MORE_THAN_ZERO), column="requested"))
    return problems


def _bed_type_problems(acuity: str, bed_type: str) -> list[Problem]:
    """A patient takes a bed of its own type or a higher one, never a lower one."""
    if bed_type not in BED_TYPES:
        return [unknown_bed_type(bed_type, "bed_type")]
    if acuity in BED_TYPES and acuity_rank(bed_type) < acuity_rank(acuity):
        return [
            Problem(
                gettext(
                    "must be %(acuity)s or a higher bed type: a patient never takes a lower one"
                )
                % {"acuity": acuity},
                column="bed_type",
            )
        ]
    return []


@transaction.atomic
def move(
    *,
    transfer: Transfer,
    name: str,
    user: Any,
    count: int | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Transfer:
    """Make one move of `MOVES` on a transfer. `count` is the patients accepted (accept only;
    all requested when absent); `reason` is the decline's reason, the surge override's reason
    when accepting beyond free beds, or a note."""
    if name not in MOVES:
        raise _problem(
            gettext("unknown move %(name)s (expected one of %(moves)s)")
            % {"name": repr(name), "moves": ", ".join(MOVES)},
            "move",
        )
    step = MOVES[name]
    # Locked: two officers deciding at once are served one after the other.
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("programme", "sending__region", "sending_facility__recipient")
        .select_related("receiving_facility__recipient__region")
        .get(pk=transfer.pk)
    )
    facility, region_id = side_of(transfer, step.side)
    permissions.check_for_facility(
        user, step.action, transfer.programme, facility, region_id=region_id
    )
    _refuse_out_of_order(transfer, name, step)
    moment = _now(transfer, at)
    if moment < transfer.updated_at:
        # The history reads in time order: a move cannot come before the one it follows.
        raise _problem(
            gettext("must not be before the transfer's last move (%(moment)s)")
            % {"moment": transfer.updated_at.astimezone(transfer.programme.zone()).isoformat()},
            "at",
        )
    recorded = count
    if name == "accept":
        recorded = _accept(transfer, count, reason)
    elif name == "decline":
        if not reason.strip():
            raise _problem(gettext("a decline states its reason"), "reason")
        transfer.decline_reason = reason
    elif name == "set_off" and transfer.sending_facility is not None:
        _movement(transfer, transfer.sending_facility, BedMovement.Kind.DEPARTURE, moment, user)
    elif name == "arrive":
        _movement(transfer, transfer.receiving_facility, BedMovement.Kind.ARRIVAL, moment, user)
    if name in ("set_off", "arrive"):
        recorded = transfer.accepted
    status_from = transfer.status
    transfer.status = step.to
    transfer.updated_at = moment
    fits(transfer)
    transfer.save()
    _record(transfer, name, status_from, recorded, reason, moment, user)
    if name in _TOLD:
        _tell(transfer, _TOLD[name], user)
    return transfer


def _refuse_out_of_order(transfer: Transfer, name: str, step: Move) -> None:
    """A move its status does not allow is a Conflict that says what must come first."""
    number = transfer.number
    if name == "approve" and not transfer.cross_region:
        raise Conflict(
            gettext("transfer %(number)s stays within one region; it needs no approval")
            % {"number": number}
        )
    unapproved = transfer.cross_region and transfer.status == Status.REQUESTED
    if name in ("accept", "decline") and unapproved:
        raise Conflict(
            gettext(
                "transfer %(number)s crosses regions: the coordinator approves it before "
                "the receiving facility decides"
            )
            % {"number": number}
        )
    if transfer.status in step.sources:
        return
    if name == "arrive" and transfer.status in (Status.ACCEPTED, Status.TRANSPORT_ARRANGED):
        raise Conflict(
            gettext(
                "transfer %(number)s is %(status)s: its patients cannot arrive before transport "
                "is arranged and they are in transit"
            )
            % {"number": number, "status": Status(transfer.status).label}
        )
    raise Conflict(
        gettext("transfer %(number)s is %(status)s; it can be %(move)s only when %(sources)s")
        % {
            "number": number,
            "status": Status(transfer.status).label,
            "move": MOVES[name].label,
            "sources": gettext(" or ").join(str(Status(s).label) for s in step.sources),
        }
    )


def _accept(transfer: Transfer, count: int | None, surge_reason: str) -> int:
    """Accept `count` of the patients (all when None): never more than requested; beyond the
    receiving facility's free beds of the acuity (or where they are unknown) only with a surge
    reason, which is kept on the transfer."""
    accepted = transfer.requested if count is None else count
    if accepted < 1:
        raise _problem(str(MORE_THAN_ZERO), "count")
    if accepted > transfer.requested:
        raise _problem(
            gettext("accepts at most the %(requested)s patients requested")
            % {"requested": transfer.requested},
            "count",
        )
    # The receiving facility is locked: two transfers accepted there at once are decided one
    # after the other, the second seeing the beds the first reserved.
    Facility.objects.select_for_update().only("pk").get(pk=transfer.receiving_facility_id)
    beds = transfer_queries.beds_now(transfer.receiving_facility, transfer.bed_type)
    if (beds.free is None or accepted > beds.free) and not surge_reason.strip():
        free = (
            gettext("unknown (no report of its beds of this type)")
            if beds.free is None
            else str(max(beds.free, 0))
        )
        raise _problem(
            gettext(
                "%(facility)s has %(free)s free beds of this type for %(accepted)s patients: "
                "accepting beyond free beds is a surge override; state its reason"
            )
            % {"facility": transfer.receiving_facility.name, "free": free, "accepted": accepted},
            "reason",
        )
    if beds.free is None or accepted > beds.free:
        transfer.surge_reason = surge_reason
    transfer.accepted = accepted
    return accepted


def _movement(
    transfer: Transfer,
    facility: Facility,
    kind: str,
    at: datetime.datetime,
    user: Any,
) -> None:
    # Only accepted transfers move (MOVES): their count is set. The patients leave beds of their
    # acuity and arrive in the beds they were accepted into.
    moved = transfer.accepted or 0
    arriving = kind == BedMovement.Kind.ARRIVAL
    BedMovement.objects.create(
        facility=facility,
        bed_type=transfer.bed_type if arriving else transfer.acuity,
        kind=kind,
        count=moved,
        recorded_at=at,
        transfer=transfer,
        recorded_by=_user(user),
    )


def _record(
    transfer: Transfer,
    name: str,
    status_from: str,
    count: int | None,
    note: str,
    at: datetime.datetime,
    user: Any,
) -> None:
    event = TransferEvent(
        transfer=transfer,
        move=name,
        status_from=status_from,
        status_to=transfer.status,
        count=count,
        note=note,
        at=at,
        by=_user(user),
    )
    fits(event)
    event.save()


# The movements a person records by hand; a transfer writes its own arrival and departure.
BY_HAND = (BedMovement.Kind.ADMISSION, BedMovement.Kind.DISCHARGE)


@transaction.atomic
def record_movement(
    *,
    facility: Facility,
    bed_type: str,
    kind: str,
    count: int,
    user: Any,
    at: datetime.datetime | None = None,
) -> BedMovement:
    """Record patients admitted to or discharged from a facility's beds of a type (by hand);
    they move its occupancy from its latest snapshot until the next one."""
    permissions.check_for_facility(user, Action.MANAGE_FACILITIES, facility.programme, facility)
    problems = []
    if kind not in BY_HAND:
        problems.append(
            Problem(
                gettext("must be %(kinds)s (a transfer records its own arrivals and departures)")
                % {"kinds": gettext(" or ").join(BY_HAND)},
                column="kind",
            )
        )
    if bed_type not in BED_TYPES:
        problems.append(unknown_bed_type(bed_type, "bed_type"))
    if count < 1:
        problems.append(Problem(str(MORE_THAN_ZERO), column="count"))
    if problems:
        raise ValidationFailed(problems)
    movement = BedMovement(
        facility=facility,
        bed_type=bed_type,
        kind=kind,
        count=count,
        recorded_at=_now(facility, at),
        recorded_by=_user(user),
    )
    fits(movement)
    movement.save()
    return movement


@transaction.atomic
def record_queue(
    *,
    recipient: Participant,
    acuity: str,
    waiting: int,
    user: Any,
    at: datetime.datetime | None = None,
) -> QueueEntry:
    """Record how many patients of an acuity wait in a recipient region's community queue (a
    count by hand); the queue now is this count less the patients transferred out since."""
    permissions.check_for_facility(
        user, Action.RECORD_QUEUE, recipient.programme, None, region_id=recipient.region_id
    )
    problems = []
    if recipient.role != Participant.Role.RECIPIENT:
        problems.append(
            Problem(
                gettext("%(recipient)s is not a recipient")
                % {"recipient": local_name(recipient.region)},
                column="recipient",
            )
        )
    if acuity not in BED_TYPES:
        problems.append(unknown_bed_type(acuity, "acuity"))
    if waiting < 0:
        problems.append(Problem(str(ZERO_OR_MORE), column="waiting"))
    if problems:
        raise ValidationFailed(problems)
    entry = QueueEntry(
        recipient=recipient,
        acuity=acuity,
        waiting=waiting,
        recorded_at=_now(recipient.programme, at),
        recorded_by=_user(user),
    )
    fits(entry)
    entry.save()
    return entry
