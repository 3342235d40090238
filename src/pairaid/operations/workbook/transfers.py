"""The transfers sheet: one row per patient transfer (its number, the sending side, the receiving
facility, acuity and bed type, patients requested and accepted, status, reference, when it was
requested); and the community queue sheet: the counts of patients waiting at home per region
and acuity.

An upload only REQUESTS transfers: a row with a blank number asks, through
`services.transfers.request_transfer`, for patients to be placed. A row whose number is already
the programme's is listed for reference and skipped; its moves (approve, accept, decline,
transport, arrival, cancel) stay on the Transfers page and the API, where each is decided on
its own, with its reason. A blank sending facility sends from the region's community queue."""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.engine.beds import BED_TYPES
from pairaid.errors import Problem, ValidationFailed
from pairaid.operations.common import unknown_bed_type
from pairaid.operations.models import Facility, QueueEntry, Transfer
from pairaid.operations.services import transfers as transfer_services
from pairaid.operations.workbook.common import Reader, RowAction, region_code
from pairaid.programmes.models import Participant, Programme
from pairaid.spreadsheets import Rows

SHEET = "transfers"
TRANSFERS = [
    ("number", "#meta+id"),
    ("sending_code", "#adm2+code+sending"),
    ("sending_facility", "#loc+name+sending"),
    ("receiving_code", "#adm2+code+receiving"),
    ("receiving_facility", "#loc+name+receiving"),
    ("acuity", "#severity+acuity"),
    ("bed_type", "#capacity+type"),
    ("requested", "#affected+requested"),
    ("accepted", "#affected+accepted"),
    ("status", "#status"),
    ("reference", "#meta+reference"),
    ("requested_at", "#date+requested"),
]

QUEUE_SHEET = "community_queue"
COMMUNITY_QUEUE = [
    ("recipient_code", "#adm2+code"),
    ("acuity", "#severity+acuity"),
    ("waiting", "#affected+waiting"),
    ("recorded_at", "#date+counted"),
]

# The service's names for what a sheet calls otherwise: a refusal names the sheet's column.
_SERVICE_COLUMNS = {"from_queue": "sending_code"}


def _moment(moment: datetime.datetime, zone: Any) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def export_transfers(programme: Programme) -> list[list[Any]]:
    """Every transfer of the programme, by number, its request's time in programme time."""
    zone = programme.zone()
    found = (
        Transfer.objects.filter(programme=programme)
        .select_related("sending__region", "sending_facility", "receiving_facility__recipient")
        .select_related("receiving_facility__recipient__region")
        .order_by("number")
    )
    return [
        [
            t.number,
            region_code(t.sending),
            t.sending_facility.name if t.sending_facility else "",
            region_code(t.receiving_facility.recipient),
            t.receiving_facility.name,
            t.acuity,
            t.bed_type,
            t.requested,
            t.accepted,
            t.status,
            t.reference,
            _moment(t.requested_at, zone),
        ]
        for t in found
    ]


def plan_transfers(reader: Reader, rows: Rows) -> list[RowAction]:
    """A transfer request for each row with a blank number; the others are the programme's
    (skipped) or an unknown number (a problem)."""
    numbers = set(
        Transfer.objects.filter(programme=reader.programme).values_list("number", flat=True)
    )
    actions = []
    for row, cells in rows:
        number = cells.get("number", "")
        if number:
            if not number.isdigit() or int(number) not in numbers:
                reader.fail(
                    SHEET,
                    row,
                    "number",
                    gettext(
                        "no transfer %(value)s in this programme: leave the number blank to "
                        "request a new transfer"
                    )
                    % {"value": repr(number)},
                )
            continue  # the programme's own transfer: the template lists it for reference
        request = _request(reader, row, cells)
        if request is not None:
            actions.append(RowAction(SHEET, row, partial(_in_sheet_columns, request)))
    return actions


def _request(reader: Reader, row: int, cells: dict[str, str]) -> Callable[[], Any] | None:
    """The row's call of `request_transfer`, once its every cell is read (else None)."""
    before = len(reader.problems)
    _refuse_moves(reader, row, cells)
    origin = _origin(reader, row, cells)
    receiving = _facility(reader, row, cells, "receiving_code", "receiving_facility")
    acuity = _bed_type(reader, row, cells, "acuity")
    bed_type = _bed_type(reader, row, cells, "bed_type") if cells.get("bed_type") else None
    requested = _patients(reader, row, cells)
    at = reader.moment(SHEET, row, cells, "requested_at")
    if origin is None or receiving is None or acuity is None or requested is None:
        return None
    if len(reader.problems) > before:
        return None
    return partial(
        transfer_services.request_transfer,
        origin=origin,
        receiving_facility=receiving,
        acuity=acuity,
        bed_type=bed_type,
        requested=requested,
        reference=cells.get("reference", ""),
        user=reader.user,
        at=at,
    )


def _in_sheet_columns(call: Callable[[], Any], moment: str = "requested_at") -> Any:
    """Run the service; a refusal names the sheet's column, not the service's argument (`at`
    is the sheet's `moment` column)."""
    columns = {**_SERVICE_COLUMNS, "at": moment}
    try:
        return call()
    except ValidationFailed as failure:
        raise ValidationFailed(
            [
                Problem(p.message, column=columns.get(p.column or "", p.column))
                for p in failure.problems
            ]
        ) from None


def _refuse_moves(reader: Reader, row: int, cells: dict[str, str]) -> None:
    """A new row only requests: the patients accepted and any status but `requested` are the
    moves' (on the Transfers page), never a row's."""
    status = cells.get("status", "")
    moved = {
        "accepted": cells.get("accepted", ""),
        "status": "" if status == Transfer.Status.REQUESTED else status,
    }
    for column, value in moved.items():
        if value:
            reader.fail(
                SHEET,
                row,
                column,
                gettext(
                    "a new row only requests a transfer: leave %(column)s blank (accepting "
                    "and the other moves are made on the Transfers page)"
                )
                % {"column": column},
            )


def _origin(reader: Reader, row: int, cells: dict[str, str]) -> Facility | Participant | None:
    """The sending facility, or (its name blank) the region's community queue, if the user may
    request transfers from it."""
    sending = reader.named(SHEET, row, cells, "sending_code", Participant.Role.RECIPIENT)
    if sending is None:
        return None
    facility = None
    if cells.get("sending_facility"):
        facility = _named_facility(reader, row, cells, sending, "sending_facility")
        if facility is None:
            return None
    if not permissions.can_for_facility(
        reader.user,
        Action.REQUEST_TRANSFER,
        reader.programme,
        facility,
        region_id=sending.region_id,
    ):
        reader.fail(
            SHEET,
            row,
            "sending_facility" if facility else "sending_code",
            gettext("you may not request transfers from %(origin)s")
            % {
                "origin": facility.name
                if facility
                else gettext("the community queue of %(region)s")
                % {"region": sending.region.name_en}
            },
        )
        return None
    return facility or sending


def _facility(
    reader: Reader, row: int, cells: dict[str, str], code: str, name: str
) -> Facility | None:
    recipient = reader.named(SHEET, row, cells, code, Participant.Role.RECIPIENT)
    return None if recipient is None else _named_facility(reader, row, cells, recipient, name)


def _named_facility(
    reader: Reader, row: int, cells: dict[str, str], recipient: Participant, column: str
) -> Facility | None:
    found = Facility.objects.filter(recipient=recipient, name=cells.get(column, "")).first()
    if found is None:
        reader.fail(
            SHEET,
            row,
            column,
            gettext("no facility %(value)s of this recipient")
            % {"value": repr(cells.get(column) or "(empty)")},
        )
    return found


def _bed_type(reader: Reader, row: int, cells: dict[str, str], column: str) -> str | None:
    value = cells.get(column, "")
    if value in BED_TYPES:
        return value
    refusal = unknown_bed_type(value, column)
    reader.fail(SHEET, row, column, refusal.message)
    return None


def _patients(reader: Reader, row: int, cells: dict[str, str]) -> int | None:
    value = reader.number(SHEET, row, cells, "requested")
    if value is None:
        return None
    if value < 1 or value != int(value):
        reader.fail(SHEET, row, "requested", gettext("patients are a whole number, 1 or more"))
        return None
    return int(value)


def export_queue(programme: Programme) -> list[list[Any]]:
    """Every count of the programme's community queues, its time in programme time."""
    zone = programme.zone()
    found = (
        QueueEntry.objects.filter(recipient__programme=programme)
        .select_related("recipient__region")
        .order_by("recipient__region__code", "recorded_at", "pk")
    )
    return [
        [region_code(e.recipient), e.acuity, e.waiting, _moment(e.recorded_at, zone)] for e in found
    ]


def plan_queue(reader: Reader, rows: Rows) -> list[RowAction]:
    """A count recorded through `record_queue` for each row not already recorded as it stands."""
    recorded = {
        tuple("" if v is None else str(v) for v in row) for row in export_queue(reader.programme)
    }
    actions = []
    for row, cells in rows:
        if tuple(cells.get(name, "") for name, _ in COMMUNITY_QUEUE) in recorded:
            continue  # a count already recorded: the template lists it for reference
        before = len(reader.problems)
        recipient = reader.participant(
            QUEUE_SHEET,
            row,
            cells,
            "recipient_code",
            Participant.Role.RECIPIENT,
            Action.RECORD_QUEUE,
        )
        acuity = cells.get("acuity", "")
        if acuity not in BED_TYPES:
            reader.fail(QUEUE_SHEET, row, "acuity", unknown_bed_type(acuity, "acuity").message)
        waiting = reader.number(QUEUE_SHEET, row, cells, "waiting")
        if waiting is not None and waiting != int(waiting):
            reader.fail(QUEUE_SHEET, row, "waiting", gettext("patients are a whole number"))
        at = reader.moment(QUEUE_SHEET, row, cells, "recorded_at")
        if len(reader.problems) > before or recipient is None or waiting is None:
            continue
        record = partial(
            transfer_services.record_queue,
            recipient=recipient,
            acuity=acuity,
            waiting=int(waiting),
            user=reader.user,
            at=at,
        )
        actions.append(
            RowAction(QUEUE_SHEET, row, partial(_in_sheet_columns, record, "recorded_at"))
        )
    return actions
