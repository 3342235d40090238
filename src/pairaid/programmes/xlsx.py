"""Needs and capacities by spreadsheet: a template per programme (pre-filled with the lines the
user may edit), and an all-or-nothing upload whose errors name sheet, row and column."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import Problem, ValidationFailed
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import CapacityLine, NeedLine, Participant, Programme
from pairaid.registry import references
from pairaid.registry.models import ResourceType
from pairaid.spreadsheets import UploadedWorkbook, open_workbook, xlsx_bytes

COLUMNS = [
    "region_code",
    "region_name",
    "resource_type",
    "quantity",
    "as_of",
    "source",
    "certainty",
]
SHEETS = {
    "capacities": ("capacity", Participant.Role.DONOR, Action.EDIT_CAPACITY),
    "needs": ("need", Participant.Role.RECIPIENT, Action.EDIT_NEED),
}


def _editable(programme: Programme, user: Any, role: str, action: Action) -> list[Participant]:
    members = (
        programme.participants.filter(role=role)
        .select_related("region__parent")
        .order_by("region__code", "region__name_en")
    )
    return [p for p in members if permissions.can(user, action, programme, p.region_id)]


def _code(participant: Participant) -> str:
    return participant.region.as_reference().short


def template(programme: Programme, user: Any) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_name, (kind, role, action) in SHEETS.items():
        sheet = workbook.create_sheet(sheet_name)
        sheet.append(COLUMNS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        model = CapacityLine if kind == "capacity" else NeedLine
        for participant in _editable(programme, user, role, action):
            lines = (
                model.objects.filter(participant=participant, illustrative=False)
                .select_related("resource_type", "source")
                .order_by("resource_type__code", "as_of")
            )
            for line in lines:
                sheet.append(
                    [
                        _code(participant),
                        participant.region.name_en,
                        line.resource_type.code,
                        float(line.quantity),
                        line.as_of,
                        line.source.title,
                        line.certainty,
                    ]
                )
            if not lines:
                sheet.append(
                    [_code(participant), participant.region.name_en, "", None, None, "", "verified"]
                )
        sheet.freeze_panes = "A2"
    catalogue = workbook.create_sheet("resource types")
    catalogue.append(["code", "kind", "name_en", "name_zh", "unit"])
    for resource in ResourceType.objects.order_by("kind", "code"):
        catalogue.append(
            [resource.code, resource.kind, resource.name_en, resource.name_zh, resource.unit]
        )
    about = workbook.create_sheet("how to fill in")
    for text in (
        f"Programme: {programme.slug} — {programme.name_en}",
        "One row per region, resource type and date. "
        "Leave a quantity empty where unknown (never 0 for unknown).",
        "as_of: the date the figure refers to (YYYY-MM-DD); empty means the programme date.",
        "source: where the figure comes from (a report, a phone call with …). Required.",
        "certainty: verified or uncertain.",
        "A row with the same region, resource type and date as an existing line replaces it.",
        "Upload the file on the Participants page; if any row is wrong, nothing is saved.",
    ):
        about.append([text])
    return xlsx_bytes(workbook)


@dataclass(frozen=True)
class Row:
    kind: str
    participant: Participant
    resource: ResourceType
    quantity: Decimal
    as_of: datetime.date | None
    source: str
    certainty: str


def _parse_sheet(
    workbook: UploadedWorkbook, name: str, programme: Programme, user: Any, problems: list[Problem]
) -> list[Row]:
    kind, role, action = SHEETS[name]
    header, rows = workbook.table(name)
    if not header:
        return []
    missing = [c for c in COLUMNS if c not in header and c != "region_name"]
    if missing:
        problems += [
            Problem(
                gettext("missing column %(column)s") % {"column": repr(c)},
                file=f"sheet {name}",
                row=1,
                column=c,
            )
            for c in missing
        ]
        return []
    members = {
        p.region.as_reference(): p
        for p in programme.participants.filter(role=role).select_related("region__parent")
    }
    resources = {r.code: r for r in ResourceType.objects.all()}
    parsed = []
    for number, cells in rows:
        if not cells.get("quantity") and not cells.get("resource_type"):
            continue  # an unfilled template row: nothing to record
        row = _parse_row(cells, name, number, kind, members, resources, problems)
        if row is None:
            continue
        if not permissions.can(user, action, programme, row.participant.region_id):
            problems.append(
                Problem(
                    gettext("you may not change %(participant)s's %(kind)s lines")
                    % {"participant": row.participant.region.name_en, "kind": kind},
                    file=f"sheet {name}",
                    row=number,
                    column="region_code",
                )
            )
            continue
        parsed.append(row)
    return parsed


def _parse_row(
    cells: dict[str, str],
    name: str,
    number: int,
    kind: str,
    members: dict[references.Reference, Participant],
    resources: dict[str, ResourceType],
    problems: list[Problem],
) -> Row | None:
    before = len(problems)

    def fail(column: str, message: str) -> None:
        problems.append(Problem(message, file=f"sheet {name}", row=number, column=column))

    participant = references.pick(cells.get("region_code", ""), members)
    if participant is None:
        fail(
            "region_code",
            gettext("%(code)s is not a %(role)s of this programme")
            % {"code": cells.get("region_code") or "(empty)", "role": SHEETS[name][1]},
        )
    resource = resources.get(cells.get("resource_type", ""))
    if resource is None:
        fail(
            "resource_type",
            gettext("unknown resource type %(value)s; see the sheet 'resource types'")
            % {"value": repr(cells.get("resource_type") or "(empty)")},
        )
    quantity = Decimal(0)
    try:
        quantity = Decimal(cells.get("quantity", "").replace(",", ""))
        if quantity < 0 or not quantity.is_finite():
            fail(
                "quantity",
                gettext("must be a number >= 0, got %(value)s") % {"value": cells.get("quantity")},
            )
    except InvalidOperation:
        fail(
            "quantity",
            gettext("expected a number, got %(value)s")
            % {"value": repr(cells.get("quantity") or "(empty)")},
        )
    as_of = None
    if cells.get("as_of"):
        try:
            as_of = datetime.date.fromisoformat(cells["as_of"][:10])
        except ValueError:
            fail(
                "as_of",
                gettext("expected a date as YYYY-MM-DD, got %(value)s")
                % {"value": repr(cells["as_of"])},
            )
    if not cells.get("source"):
        fail("source", gettext("say where the figure comes from"))
    certainty = cells.get("certainty") or "verified"
    if certainty not in ("verified", "uncertain"):
        fail(
            "certainty",
            gettext("expected verified or uncertain, got %(certainty)s")
            % {"certainty": repr(certainty)},
        )
    if len(problems) > before or participant is None or resource is None:
        return None
    return Row(kind, participant, resource, quantity, as_of, cells["source"], certainty)


def upload(*, programme: Programme, user: Any, data: bytes, filename: str = "upload.xlsx") -> int:
    """Validate every row of every sheet, then write all of them in one transaction."""
    workbook = open_workbook(data, filename)
    problems: list[Problem] = []
    rows: list[Row] = []
    known = [name for name in workbook.sheetnames if name in SHEETS]
    if not known:
        raise ValidationFailed(
            [Problem(gettext("no sheet named 'capacities' or 'needs'"), file=filename)]
        )
    for name in known:
        rows += _parse_sheet(workbook, name, programme, user, problems)
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        for row in rows:
            programme_services.add_line(
                participant=row.participant,
                kind=row.kind,
                resource_type=row.resource,
                quantity=row.quantity,
                as_of=row.as_of,
                source_description=row.source,
                username=user.get_username(),
                certainty=row.certainty,
            )
    return len(rows)
