"""Operations by spreadsheet: templates for teams, requests, pledges, shipments, disbursements,
receipts and daily reports (download, fill in, upload), and CSV exports with an HXL hashtag row.

An upload is all or nothing: every row is parsed and permission-checked first, then every row
goes through its service in one transaction; any refusal rolls all of it back and is reported
by sheet, row and column."""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.operations import services as ops
from pairaid.operations.models import (
    DailyReport,
    Disbursement,
    Discrepancy,
    Pledge,
    RequestLine,
    Shipment,
    Team,
)
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType
from pairaid.spreadsheets import open_workbook

# sheet -> (columns, HXL tags)
SHEETS: dict[str, list[tuple[str, str]]] = {
    "teams": [
        ("donor_code", "#org+code"),
        ("name", "#group+name"),
        ("members", "#affected+staff"),
        ("emt_type", "#group+type"),
        ("leader", "#contact+name"),
        ("home_institution", "#org+name+home"),
    ],
    "requests": [
        ("recipient_code", "#adm2+code"),
        ("resource_type", "#item+code"),
        ("quantity", "#value+requested"),
        ("priority", "#priority"),
        ("needed_by", "#date+needed"),
        ("note", "#description"),
    ],
    "shipments": [
        ("pledge_id", "#meta+pledge"),
        ("donor_code", "#org+code"),
        ("recipient_code", "#adm2+code"),
        ("resource_type", "#item+code"),
        ("quantity", "#value+shipped"),
        ("reference", "#meta+waybill"),
        ("value_cny", "#value+cny"),
    ],
    "reports": [
        ("team", "#group+name"),
        ("date", "#date"),
        *[(f, f"#affected+{f}") for f in ops.REPORT_FIELDS],
        ("shortages", "#item+shortage"),
    ],
    "pledges": [
        ("line_id", "#meta+line"),
        ("donor_code", "#org+code"),
        ("recipient_code", "#adm2+code"),
        ("resource_type", "#item+code"),
        ("quantity", "#value+pledged"),
        ("note", "#description"),
    ],
    "receipts": [
        ("shipment_id", "#meta+shipment"),
        ("received_quantity", "#value+received"),
        ("discrepancy_kind", "#status+discrepancy"),
        ("discrepancy_quantity", "#value+discrepancy"),
        ("note", "#description"),
    ],
    "disbursements": [
        ("pledge_id", "#meta+pledge"),
        ("donor_code", "#org+code"),
        ("recipient_code", "#adm2+code"),
        ("amount", "#value+disbursed"),
        ("reference", "#meta+transfer"),
    ],
    "fund_receipts": [
        ("disbursement_id", "#meta+disbursement"),
        ("received_amount", "#value+received"),
        ("note", "#description"),
    ],
}


def _code(participant: Participant) -> str:
    return participant.region.reference.partition(":")[2]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def export_rows(programme: Programme, sheet: str) -> list[list[Any]]:
    """The programme's current rows of one sheet (what the template is pre-filled with)."""
    if sheet == "teams":
        teams = (
            Team.objects.filter(programme=programme)
            .select_related("donor__region")
            .prefetch_related("members__resource_type")
        )
        return [
            [
                _code(t.donor),
                t.name,
                ";".join(f"{m.resource_type.code}:{m.count}" for m in t.members.all()),
                t.emt_type,
                t.leader,
                t.home_institution,
            ]
            for t in teams
        ]
    if sheet == "requests":
        lines = RequestLine.objects.filter(request__programme=programme).select_related(
            "request__recipient__region", "resource_type"
        )
        return [
            [
                _code(line.request.recipient),
                line.resource_type.code,
                float(line.quantity),
                line.priority,
                _text(line.needed_by),
                line.request.note,
            ]
            for line in lines
        ]
    if sheet == "shipments":
        shipments = Shipment.objects.filter(
            pledge__line__request__programme=programme
        ).select_related(
            "pledge__donor__region",
            "pledge__line__request__recipient__region",
            "pledge__line__resource_type",
        )
        return [
            [
                s.pledge_id,
                _code(s.pledge.donor),
                _code(s.pledge.line.request.recipient),
                s.pledge.line.resource_type.code,
                float(s.quantity),
                s.reference,
                float(s.value_cny) if s.value_cny is not None else None,
            ]
            for s in shipments
        ]
    if sheet == "pledges":
        pledges = Pledge.objects.filter(line__request__programme=programme).select_related(
            "donor__region", "line__request__recipient__region", "line__resource_type"
        )
        return [
            [
                p.line_id,
                _code(p.donor),
                _code(p.line.request.recipient),
                p.line.resource_type.code,
                float(p.quantity),
                p.note,
            ]
            for p in pledges
        ]
    if sheet == "receipts":
        received = Shipment.objects.filter(
            pledge__line__request__programme=programme, status=Shipment.Status.RECEIVED
        ).prefetch_related("discrepancies")
        return [
            [
                s.pk,
                float(s.received_quantity or 0),
                ";".join(d.kind for d in s.discrepancies.all()),
                ";".join(str(float(d.quantity)) for d in s.discrepancies.all()),
                ";".join(d.note for d in s.discrepancies.all()),
            ]
            for s in received
        ]
    if sheet in ("disbursements", "fund_receipts"):
        return _money_rows(programme, sheet)
    reports = DailyReport.objects.filter(team__programme=programme).select_related("team")
    return [
        [r.team.name, _text(r.date), *[getattr(r, f) for f in ops.REPORT_FIELDS], r.shortages]
        for r in reports
    ]


def _money_rows(programme: Programme, sheet: str) -> list[list[Any]]:
    """Disbursements of funds pledges, or the confirmed ones with what was received."""
    found = Disbursement.objects.filter(
        commitment__programme=programme, pledge__isnull=False
    ).select_related("commitment__donor__region", "commitment__recipient__region")
    if sheet == "disbursements":
        return [
            [
                d.pledge_id,
                _code(d.commitment.donor),
                _code(d.commitment.recipient),
                float(d.amount),
                d.reference,
            ]
            for d in found
        ]
    received = found.filter(status=Disbursement.Status.RECEIVED).prefetch_related("discrepancies")
    return [
        [d.pk, float(d.received_amount or 0), ";".join(x.note for x in d.discrepancies.all())]
        for d in received
    ]


def template(programme: Programme, user: Any) -> bytes:
    """A workbook with one sheet per kind, the current rows, and the open pledges the user may
    ship (so the shipments sheet can be filled by pledge id)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, columns in SHEETS.items():
        page = workbook.create_sheet(sheet)
        page.append([name for name, _ in columns])
        for cell in page[1]:
            cell.font = Font(bold=True)
        for row in export_rows(programme, sheet):
            page.append(row)
    pledges = workbook.create_sheet("open pledges")
    pledges.append(
        [
            "pledge_id",
            "donor_code",
            "recipient_code",
            "resource_type",
            "pledged",
            "shipped",
            "disbursed",
        ]
    )
    for pledge in (
        Pledge.objects.filter(line__request__programme=programme, status="pledged")
        .select_related("donor__region", "line__request__recipient__region", "line__resource_type")
        .prefetch_related("shipments", "disbursements")
    ):
        if permissions.can(user, Action.PLEDGE, programme, pledge.donor.region_id):
            shipped = sum((s.quantity for s in pledge.shipments.all()), Decimal(0))
            disbursed = sum((d.amount for d in pledge.disbursements.all()), Decimal(0))
            pledges.append(
                [
                    pledge.pk,
                    _code(pledge.donor),
                    _code(pledge.line.request.recipient),
                    pledge.line.resource_type.code,
                    float(pledge.quantity),
                    float(shipped),
                    float(disbursed),
                ]
            )
    _open_lines(workbook.create_sheet("open request lines"), programme)
    _to_receive(workbook.create_sheet("shipments to receive"), programme, user)
    _money_to_receive(workbook.create_sheet("disbursements to receive"), programme, user)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _open_lines(page: Any, programme: Programme) -> None:
    """The lines donors can pledge against, by id."""
    page.append(["line_id", "request", "recipient_code", "resource_type", "requested", "pledged"])
    lines = RequestLine.objects.filter(request__programme=programme, request__status="open")
    for line in lines.select_related(
        "request__recipient__region", "resource_type"
    ).prefetch_related("pledges"):
        pledged = sum((p.quantity for p in line.pledges.all() if p.status == "pledged"), Decimal(0))
        page.append(
            [
                line.pk,
                line.request.number,
                _code(line.request.recipient),
                line.resource_type.code,
                float(line.quantity),
                float(pledged),
            ]
        )


def _to_receive(page: Any, programme: Programme, user: Any) -> None:
    """Shipments on their way to a recipient the user confirms receipts for, by id."""
    page.append(
        ["shipment_id", "recipient_code", "donor_code", "resource_type", "quantity", "reference"]
    )
    shipments = Shipment.objects.filter(pledge__line__request__programme=programme).exclude(
        status=Shipment.Status.RECEIVED
    )
    for s in shipments.select_related(
        "pledge__donor__region",
        "pledge__line__request__recipient__region",
        "pledge__line__resource_type",
    ):
        recipient = s.pledge.line.request.recipient
        if permissions.can(user, Action.CONFIRM_RECEIPT, programme, recipient.region_id):
            page.append(
                [
                    s.pk,
                    _code(recipient),
                    _code(s.pledge.donor),
                    s.pledge.line.resource_type.code,
                    float(s.quantity),
                    s.reference,
                ]
            )


def _money_to_receive(page: Any, programme: Programme, user: Any) -> None:
    """Disbursements not yet confirmed by a recipient the user confirms receipts for, by id."""
    page.append(["disbursement_id", "recipient_code", "donor_code", "amount", "date", "reference"])
    waiting = Disbursement.objects.filter(commitment__programme=programme).exclude(
        status=Disbursement.Status.RECEIVED
    )
    for d in waiting.select_related("commitment__donor__region", "commitment__recipient__region"):
        recipient = d.commitment.recipient
        if permissions.can(user, Action.CONFIRM_RECEIPT, programme, recipient.region_id):
            page.append(
                [
                    d.pk,
                    _code(recipient),
                    _code(d.commitment.donor),
                    float(d.amount),
                    _text(d.date),
                    d.reference,
                ]
            )


def as_csv(programme: Programme, sheet: str) -> str:
    """One sheet as CSV: a header row, an HXL hashtag row, then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _ in SHEETS[sheet]])
    writer.writerow([tag for _, tag in SHEETS[sheet]])
    writer.writerows(export_rows(programme, sheet))
    return buffer.getvalue()


@dataclass
class Action_:
    sheet: str
    row: int
    run: Callable[[], Any]


class _Reader:
    def __init__(self, programme: Programme, user: Any, problems: list[Problem]) -> None:
        self.programme = programme
        self.user = user
        self.problems = problems
        self.members = {
            (_code(p), p.role): p for p in programme.participants.select_related("region__parent")
        }
        self.resources = {r.code: r for r in ResourceType.objects.all()}

    def fail(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(message, file=f"sheet {sheet}", row=row, column=column))

    def participant(
        self, sheet: str, row: int, cells: dict[str, str], column: str, role: str, action: Action
    ) -> Participant | None:
        found = self.members.get((cells.get(column, ""), role))
        if found is None:
            self.fail(
                sheet,
                row,
                column,
                gettext("%(code)s is not a %(role)s of this programme")
                % {"code": cells.get(column) or "(empty)", "role": role},
            )
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


def _rows(sheet: Any) -> list[tuple[int, dict[str, str]]]:
    values = list(sheet.iter_rows(values_only=True))
    if not values:
        return []
    header = [_text(h) for h in values[0]]
    out = []
    for number, row in enumerate(values[1:], start=2):
        cells = {
            name: _text(row[i]) if i < len(row) else "" for i, name in enumerate(header) if name
        }
        if any(cells.values()):
            out.append((number, cells))
    return out


def _plan_teams(reader: _Reader, rows: list[tuple[int, dict[str, str]]]) -> list[Action_]:
    actions = []
    existing = set(
        Team.objects.filter(programme=reader.programme).values_list("donor__region__code", "name")
    )
    for row, cells in rows:
        if (cells.get("donor_code"), cells.get("name")) in existing:
            continue  # a team already registered: the template lists it for reference
        donor = reader.participant("teams", row, cells, "donor_code", "donor", Action.MANAGE_TEAMS)
        members: dict[ResourceType, int] = {}
        for part in (p.strip() for p in cells.get("members", "").split(";") if p.strip()):
            code, _, count = part.partition(":")
            if code not in reader.resources or not count.isdigit():
                reader.fail(
                    "teams",
                    row,
                    "members",
                    gettext("expected PROFESSION:COUNT;…, got %(part)s") % {"part": repr(part)},
                )
            else:
                members[reader.resources[code]] = int(count)
        if donor is not None and members and cells.get("name"):
            actions.append(
                Action_(
                    "teams",
                    row,
                    partial(
                        ops.register_team,
                        donor=donor,
                        name=cells["name"],
                        members=members,
                        emt_type=cells.get("emt_type") or "other",
                        leader=cells.get("leader", ""),
                        home_institution=cells.get("home_institution", ""),
                    ),
                )
            )
        elif not cells.get("name"):
            reader.fail("teams", row, "name", gettext("required; the cell is empty"))
    return actions


def _plan_requests(reader: _Reader, rows: list[tuple[int, dict[str, str]]]) -> list[Action_]:
    actions = []
    existing = set(
        RequestLine.objects.filter(request__programme=reader.programme).values_list(
            "request__recipient__region__code", "resource_type__code", "quantity"
        )
    )
    for row, cells in rows:
        quantity = reader.number("requests", row, cells, "quantity")
        if (cells.get("recipient_code"), cells.get("resource_type"), quantity) in existing:
            continue
        recipient = reader.participant(
            "requests", row, cells, "recipient_code", "recipient", Action.RAISE_REQUEST
        )
        resource = reader.resource("requests", row, cells)
        needed_by = reader.day("requests", row, cells, "needed_by")
        priority = cells.get("priority") or "normal"
        if priority not in RequestLine.Priority.values:
            reader.fail(
                "requests",
                row,
                "priority",
                gettext("expected urgent, high or normal, got %(priority)s")
                % {"priority": repr(priority)},
            )
            continue
        if recipient and resource and quantity:
            actions.append(
                Action_(
                    "requests",
                    row,
                    partial(
                        ops.raise_request,
                        recipient=recipient,
                        lines=[ops.LineIn(resource, quantity, priority, needed_by)],
                        user=reader.user,
                        note=cells.get("note", ""),
                    ),
                )
            )
    return actions


def _programme_pledges(reader: _Reader) -> dict[str, Pledge]:
    found = Pledge.objects.filter(line__request__programme=reader.programme)
    return {str(p.pk): p for p in found.select_related("donor__region")}


def _pledge_to_fulfil(
    reader: _Reader,
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


def _plan_shipments(reader: _Reader, rows: list[tuple[int, dict[str, str]]]) -> list[Action_]:
    actions = []
    pledges = _programme_pledges(reader)
    shipped = set(
        Shipment.objects.filter(pledge__line__request__programme=reader.programme).values_list(
            "pledge_id", "reference"
        )
    )
    for row, cells in rows:
        pledge = _pledge_to_fulfil(reader, "shipments", row, cells, pledges, shipped)
        if pledge is None:
            continue
        quantity = reader.number("shipments", row, cells, "quantity")
        value = reader.number("shipments", row, cells, "value_cny", required=False)
        if quantity:
            actions.append(
                Action_(
                    "shipments",
                    row,
                    partial(
                        ops.dispatch,
                        pledge=pledge,
                        quantity=quantity,
                        reference=cells.get("reference", ""),
                        value_cny=value,
                    ),
                )
            )
    return actions


def _plan_reports(reader: _Reader, rows: list[tuple[int, dict[str, str]]]) -> list[Action_]:
    actions = []
    teams = {
        t.name: t
        for t in Team.objects.filter(programme=reader.programme).select_related("donor__region")
    }
    filed = {
        tuple(row[:2]) + tuple(_text(v) for v in row[2:])
        for row in export_rows(reader.programme, "reports")
    }
    for row, cells in rows:
        key = (
            cells.get("team", ""),
            cells.get("date", "")[:10],
            *(cells.get(name, "") for name, _ in SHEETS["reports"][2:]),
        )
        if key in filed:
            continue  # a report already filed as it stands: the template lists it for reference
        team = teams.get(cells.get("team", ""))
        if team is None:
            reader.fail(
                "reports",
                row,
                "team",
                gettext("no team %(value)s in this programme")
                % {"value": repr(cells.get("team") or "(empty)")},
            )
            continue
        if not permissions.can(
            reader.user, Action.MANAGE_TEAMS, reader.programme, team.donor.region_id
        ):
            reader.fail(
                "reports",
                row,
                "team",
                gettext("you may not report for %(team)s") % {"team": team.name},
            )
            continue
        on = reader.day("reports", row, cells, "date")
        figures = {
            f: reader.number("reports", row, cells, f, required=False) for f in ops.REPORT_FIELDS
        }
        if any(v is not None and v != int(v) for v in figures.values()):
            reader.fail("reports", row, "patients_seen", gettext("figures are whole numbers"))
            continue
        actions.append(
            Action_(
                "reports",
                row,
                partial(
                    ops.file_report,
                    team=team,
                    on=on,
                    shortages=cells.get("shortages", ""),
                    **{k: int(v or 0) for k, v in figures.items()},
                ),
            )
        )
    return actions


def _plan_pledges(reader: _Reader, rows: list[tuple[int, dict[str, str]]]) -> list[Action_]:
    actions = []
    lines = {
        str(line.pk): line
        for line in RequestLine.objects.filter(request__programme=reader.programme).select_related(
            "request"
        )
    }
    existing = set(
        Pledge.objects.filter(line__request__programme=reader.programme).values_list(
            "line_id", "donor__region__code", "quantity"
        )
    )
    for row, cells in rows:
        line = lines.get(cells.get("line_id", ""))
        if line is None:
            reader.fail(
                "pledges",
                row,
                "line_id",
                gettext(
                    "no request line %(id)s in this programme (see the sheet 'open request lines')"
                )
                % {"id": cells.get("line_id") or "(empty)"},
            )
            continue
        quantity = reader.number("pledges", row, cells, "quantity")
        if (line.pk, cells.get("donor_code"), quantity) in existing:
            continue  # listed for reference: already pledged
        donor = reader.participant("pledges", row, cells, "donor_code", "donor", Action.PLEDGE)
        if donor is not None and quantity:
            actions.append(
                Action_(
                    "pledges",
                    row,
                    partial(
                        ops.pledge,
                        line=line,
                        donor=donor,
                        quantity=quantity,
                        user=reader.user,
                        note=cells.get("note", ""),
                    ),
                )
            )
    return actions


def _may_confirm(reader: _Reader, sheet: str, row: int, recipient: Participant) -> bool:
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


def _plan_receipts(reader: _Reader, rows: list[tuple[int, dict[str, str]]]) -> list[Action_]:
    actions = []
    shipments = {
        str(s.pk): s
        for s in Shipment.objects.filter(
            pledge__line__request__programme=reader.programme
        ).select_related("pledge__line__request__recipient__region")
    }
    for row, cells in rows:
        shipment = shipments.get(cells.get("shipment_id", ""))
        if shipment is None:
            reader.fail(
                "receipts",
                row,
                "shipment_id",
                gettext(
                    "no shipment %(id)s in this programme (see the sheet 'shipments to receive')"
                )
                % {"id": cells.get("shipment_id") or "(empty)"},
            )
            continue
        if shipment.status == Shipment.Status.RECEIVED:
            continue  # listed for reference: already received
        if not _may_confirm(reader, "receipts", row, shipment.pledge.line.request.recipient):
            continue
        received = reader.number("receipts", row, cells, "received_quantity")
        kind = cells.get("discrepancy_kind", "")
        if kind and kind not in Discrepancy.Kind.values:
            reader.fail(
                "receipts",
                row,
                "discrepancy_kind",
                gettext("expected short, damaged or wrong_item, got %(kind)r") % {"kind": kind},
            )
            continue
        missing = reader.number("receipts", row, cells, "discrepancy_quantity", required=False)
        if received is None:
            continue
        found = (
            [
                ops.DiscrepancyIn(
                    kind,
                    missing if missing is not None else shipment.quantity - received,
                    cells.get("note", ""),
                )
            ]
            if kind
            else []
        )
        actions.append(
            Action_(
                "receipts",
                row,
                partial(
                    ops.confirm_receipt,
                    shipment=shipment,
                    received_quantity=received,
                    discrepancies=found,
                ),
            )
        )
    return actions


def _plan_disbursements(reader: _Reader, rows: list[tuple[int, dict[str, str]]]) -> list[Action_]:
    actions = []
    pledges = _programme_pledges(reader)
    made = set(
        Disbursement.objects.filter(
            commitment__programme=reader.programme, pledge__isnull=False
        ).values_list("pledge_id", "reference")
    )
    for row, cells in rows:
        pledge = _pledge_to_fulfil(reader, "disbursements", row, cells, pledges, made)
        amount = reader.number("disbursements", row, cells, "amount") if pledge else None
        if pledge and amount:
            actions.append(
                Action_(
                    "disbursements",
                    row,
                    partial(
                        ops.disburse_pledge,
                        pledge=pledge,
                        amount=amount,
                        reference=cells.get("reference", ""),
                    ),
                )
            )
    return actions


def _plan_fund_receipts(reader: _Reader, rows: list[tuple[int, dict[str, str]]]) -> list[Action_]:
    actions = []
    disbursements = {
        str(d.pk): d
        for d in Disbursement.objects.filter(commitment__programme=reader.programme).select_related(
            "commitment__recipient__region"
        )
    }
    for row, cells in rows:
        found = disbursements.get(cells.get("disbursement_id", ""))
        if found is None:
            reader.fail(
                "fund_receipts",
                row,
                "disbursement_id",
                gettext(
                    "no disbursement %(id)s in this programme "
                    "(see the sheet 'disbursements to receive')"
                )
                % {"id": cells.get("disbursement_id") or "(empty)"},
            )
            continue
        if found.status == Disbursement.Status.RECEIVED:
            continue  # listed for reference: already confirmed
        if not _may_confirm(reader, "fund_receipts", row, found.commitment.recipient):
            continue
        received = reader.number("fund_receipts", row, cells, "received_amount")
        if received is not None:
            actions.append(
                Action_(
                    "fund_receipts",
                    row,
                    partial(
                        ops.confirm_disbursement,
                        disbursement=found,
                        received_amount=received,
                        note=cells.get("note", ""),
                    ),
                )
            )
    return actions


PLANNERS = {
    "teams": _plan_teams,
    "requests": _plan_requests,
    "pledges": _plan_pledges,
    "shipments": _plan_shipments,
    "receipts": _plan_receipts,
    "disbursements": _plan_disbursements,
    "fund_receipts": _plan_fund_receipts,
    "reports": _plan_reports,
}


def upload(*, programme: Programme, user: Any, data: bytes, filename: str = "upload.xlsx") -> int:
    """Apply a filled-in workbook: all rows or none. Returns the number of rows applied."""
    workbook = open_workbook(data, filename)
    problems: list[Problem] = []
    reader = _Reader(programme, user, problems)
    actions: list[Action_] = []
    for sheet, planner in PLANNERS.items():
        if sheet in workbook.sheetnames:
            actions += planner(reader, _rows(workbook[sheet]))
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        for action in actions:
            try:
                action.run()
            except ValidationFailed as failure:
                raise ValidationFailed(
                    [
                        Problem(
                            p.message, file=f"sheet {action.sheet}", row=action.row, column=p.column
                        )
                        for p in failure.problems
                    ]
                ) from None
            except Conflict as conflict:
                raise ValidationFailed(
                    [Problem(str(conflict), file=f"sheet {action.sheet}", row=action.row)]
                ) from None
    return len(actions)
