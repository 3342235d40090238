"""What the workbook's sheets share: a region's code as the sheets write it, the reader that
checks a row's cells (collecting every problem by sheet, row and column), and the pledge or
receipt a row may act on. Reading a sheet's rows within the upload's limits, and a cell as
text, are `pairaid.spreadsheets`'."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import Problem
from pairaid.operations.models import Pledge
from pairaid.programmes.models import Participant, Programme
from pairaid.registry import references
from pairaid.registry.models import ResourceType


def region_code(participant: Participant) -> str:
    """The participant's region as the sheets write it: its reference without the country (a
    sheet is one programme's); a cell may hold either form (`registry.references`)."""
    return participant.region.as_reference().short


@dataclass
class RowAction:
    """One row's service call, run once every row has been read without a problem."""

    sheet: str
    row: int
    run: Callable[[], Any]


class Reader:
    """Reads a row's cells for one user, recording each problem by sheet, row and column."""

    def __init__(self, programme: Programme, user: Any, problems: list[Problem]) -> None:
        self.programme = programme
        self.user = user
        self.problems = problems
        self.members: dict[str, dict[references.Reference, Participant]] = {}
        for p in programme.participants.select_related("region__parent"):
            self.members.setdefault(p.role, {})[p.region.as_reference()] = p
        self.resources = {r.code: r for r in ResourceType.objects.all()}

    def fail(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(message, file=f"sheet {sheet}", row=row, column=column))

    def member(self, cells: dict[str, str], column: str, role: str) -> Participant | None:
        """The participant of `role` a cell names, if exactly one; records no problem."""
        return references.pick(cells.get(column, ""), self.members.get(role, {}))

    def named(
        self, sheet: str, row: int, cells: dict[str, str], column: str, role: str
    ) -> Participant | None:
        """The participant of `role` a cell names (else a problem)."""
        found = self.member(cells, column, role)
        if found is None:
            self.fail(
                sheet,
                row,
                column,
                gettext("%(code)s is not a %(role)s of this programme")
                % {"code": cells.get(column) or "(empty)", "role": role},
            )
        return found

    def participant(
        self, sheet: str, row: int, cells: dict[str, str], column: str, role: str, action: Action
    ) -> Participant | None:
        """The participant a cell names, if the user may act for it (else a problem)."""
        found = self.named(sheet, row, cells, column, role)
        if found is None:
            return None
        if not permissions.can(self.user, action, self.programme, found.region_id):
            self.fail(
                sheet,
                row,
                column,
                gettext("you may not act for %(region)s here") % {"region": found.region.name_en},
            )
            return None
        return found

    def number(
        self, sheet: str, row: int, cells: dict[str, str], column: str, *, required: bool = True
    ) -> Decimal | None:
        text = cells.get(column, "")
        if not text:
            if required:
                self.fail(sheet, row, column, gettext("required; the cell is empty"))
            return None
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            self.fail(
                sheet,
                row,
                column,
                gettext("expected a number, got %(value)s") % {"value": repr(text)},
            )
            return None
        if value < 0:
            self.fail(sheet, row, column, gettext("must be >= 0, got %(value)s") % {"value": text})
            return None
        return value

    def day(self, sheet: str, row: int, cells: dict[str, str], column: str) -> datetime.date | None:
        text = cells.get(column, "")
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            self.fail(
                sheet,
                row,
                column,
                gettext("expected a date as YYYY-MM-DD, got %(value)s") % {"value": repr(text)},
            )
            return None

    def moment(
        self, sheet: str, row: int, cells: dict[str, str], column: str
    ) -> datetime.datetime | None:
        """The cell's time (YYYY-MM-DD HH:MM, programme time unless it has an offset); empty:
        None (the service takes it as now)."""
        text = cells.get(column, "")
        if not text:
            return None
        try:
            return datetime.datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                sheet,
                row,
                column,
                gettext("expected a date and time as YYYY-MM-DD HH:MM, got %(value)s")
                % {"value": repr(text)},
            )
            return None

    def resource(self, sheet: str, row: int, cells: dict[str, str]) -> ResourceType | None:
        found = self.resources.get(cells.get("resource_type", ""))
        if found is None:
            self.fail(
                sheet,
                row,
                "resource_type",
                gettext("unknown resource type %(value)s")
                % {"value": repr(cells.get("resource_type") or "(empty)")},
            )
        return found


def programme_pledges(reader: Reader) -> dict[str, Pledge]:
    """The programme's pledges by id as a cell writes it."""
    found = Pledge.objects.filter(line__request__programme=reader.programme)
    return {str(p.pk): p for p in found.select_related("donor__region")}


def pledge_to_fulfil(
    reader: Reader,
    sheet: str,
    row: int,
    cells: dict[str, str],
    pledges: dict[str, Pledge],
    done: set[tuple[int, str]],
) -> Pledge | None:
    """The row's pledge, if the user may act for its donor and the row (pledge, reference) is
    not already in the ledger (the template lists those for reference)."""
    pledge = pledges.get(cells.get("pledge_id", ""))
    if pledge is None:
        reader.fail(
            sheet,
            row,
            "pledge_id",
            gettext("no pledge %(value)s in this programme (see the sheet 'open pledges')")
            % {"value": cells.get("pledge_id") or "(empty)"},
        )
        return None
    if (pledge.pk, cells.get("reference", "")) in done:
        return None
    if not permissions.can(reader.user, Action.PLEDGE, reader.programme, pledge.donor.region_id):
        reader.fail(
            sheet,
            row,
            "pledge_id",
            gettext("you may not act for %(region)s here")
            % {"region": pledge.donor.region.name_en},
        )
        return None
    return pledge


def may_confirm(reader: Reader, sheet: str, row: int, recipient: Participant) -> bool:
    """Whether the user confirms receipts for the recipient; if not, the row says so."""
    if permissions.can(reader.user, Action.CONFIRM_RECEIPT, reader.programme, recipient.region_id):
        return True
    column = "shipment_id" if sheet == "receipts" else "disbursement_id"
    reader.fail(
        sheet,
        row,
        column,
        gettext("you may not confirm receipts for %(region)s")
        % {"region": recipient.region.name_en},
    )
    return False
