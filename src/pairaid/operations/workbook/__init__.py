"""Operations by spreadsheet: templates for teams, requests, pledges, shipments, disbursements,
receipts, daily reports, facilities' bed reports, community queue counts, transfer requests,
offers of goods and goods sent ahead (download, fill in, upload), and CSV exports with an HXL
hashtag row. The transfers sheet only requests transfers, the offers sheet only offers and the
push deliveries sheet only sends; their moves stay on their pages and the API.

Each room's module holds its sheets (columns, export, planner); this one assembles the workbook.
An upload is all or nothing: every row is parsed and permission-checked first, then every row
goes through its service in one transaction; any refusal rolls all of it back and is reported
by sheet, row and column."""

from collections.abc import Callable
from typing import Any

from django.db import transaction

from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.operations.workbook import (
    facilities,
    funds,
    offers,
    reports,
    requests,
    teams,
    transfers,
)
from pairaid.operations.workbook.common import Reader, RowAction
from pairaid.programmes.models import Programme
from pairaid.spreadsheets import Rows, csv_text, open_workbook, xlsx_bytes

# sheet -> (columns, HXL tags), in the template's order
SHEETS: dict[str, list[tuple[str, str]]] = {
    "teams": teams.TEAMS,
    "requests": requests.REQUESTS,
    "shipments": requests.SHIPMENTS,
    "reports": reports.REPORTS,
    "pledges": requests.PLEDGES,
    "receipts": requests.RECEIPTS,
    "disbursements": funds.DISBURSEMENTS,
    "fund_receipts": funds.FUND_RECEIPTS,
    facilities.SHEET: facilities.BED_REPORTS,
    transfers.QUEUE_SHEET: transfers.COMMUNITY_QUEUE,
    transfers.SHEET: transfers.TRANSFERS,
    offers.OFFERS_SHEET: offers.OFFERS,
    offers.PUSH_SHEET: offers.PUSH_DELIVERIES,
}

EXPORTERS: dict[str, Callable[[Programme], list[list[Any]]]] = {
    "teams": teams.export_teams,
    "requests": requests.export_requests,
    "shipments": requests.export_shipments,
    "reports": reports.export_reports,
    "pledges": requests.export_pledges,
    "receipts": requests.export_receipts,
    "disbursements": funds.export_disbursements,
    "fund_receipts": funds.export_fund_receipts,
    facilities.SHEET: facilities.export_bed_reports,
    transfers.QUEUE_SHEET: transfers.export_queue,
    transfers.SHEET: transfers.export_transfers,
    offers.OFFERS_SHEET: offers.export_offers,
    offers.PUSH_SHEET: offers.export_push_deliveries,
}

# Applied in the ledger's order, so that a row may act on what an earlier sheet creates (a
# team before its reports, a pledge before its shipments).
PLANNERS: dict[str, Callable[[Reader, Rows], list[RowAction]]] = {
    "teams": teams.plan_teams,
    "requests": requests.plan_requests,
    "pledges": requests.plan_pledges,
    "shipments": requests.plan_shipments,
    "receipts": requests.plan_receipts,
    "disbursements": funds.plan_disbursements,
    "fund_receipts": funds.plan_fund_receipts,
    "reports": reports.plan_reports,
    facilities.SHEET: facilities.plan_bed_reports,
    transfers.QUEUE_SHEET: transfers.plan_queue,
    transfers.SHEET: transfers.plan_transfers,
    offers.OFFERS_SHEET: offers.plan_offers,
    offers.PUSH_SHEET: offers.plan_push_deliveries,
}


def export_rows(programme: Programme, sheet: str) -> list[list[Any]]:
    """The programme's current rows of one sheet (what the template is pre-filled with)."""
    return EXPORTERS[sheet](programme)


def template(programme: Programme, user: Any) -> bytes:
    """A workbook with one sheet per kind, the current rows, and the helper sheets that give the
    ids a row refers to (the open pledges the user may ship, the lines open to pledges, what
    waits for the user's confirmation)."""
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
    requests.open_pledges(workbook.create_sheet("open pledges"), programme, user)
    requests.open_lines(workbook.create_sheet("open request lines"), programme)
    requests.to_receive(workbook.create_sheet("shipments to receive"), programme, user)
    funds.money_to_receive(workbook.create_sheet("disbursements to receive"), programme, user)
    return xlsx_bytes(workbook)


def as_csv(programme: Programme, sheet: str) -> str:
    """One sheet as CSV: a header row, an HXL hashtag row, then the rows."""
    return csv_text(
        [
            [name for name, _ in SHEETS[sheet]],
            [tag for _, tag in SHEETS[sheet]],
            *export_rows(programme, sheet),
        ]
    )


def upload(*, programme: Programme, user: Any, data: bytes, filename: str = "upload.xlsx") -> int:
    """Apply a filled-in workbook: all rows or none. Returns the number of rows applied."""
    workbook = open_workbook(data, filename)
    problems: list[Problem] = []
    reader = Reader(programme, user, problems)
    actions: list[RowAction] = []
    for sheet, planner in PLANNERS.items():
        if sheet in workbook.sheetnames:
            _header, rows = workbook.table(sheet)
            actions += planner(reader, rows)
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        for action in actions:
            _apply(action)
    return len(actions)


def _apply(action: RowAction) -> None:
    """Run one row's service; a refusal names the row's sheet and number."""
    try:
        action.run()
    except ValidationFailed as failure:
        raise ValidationFailed(
            [
                Problem(p.message, file=f"sheet {action.sheet}", row=action.row, column=p.column)
                for p in failure.problems
            ]
        ) from None
    except Conflict as conflict:
        raise ValidationFailed(
            [Problem(str(conflict), file=f"sheet {action.sheet}", row=action.row)]
        ) from None
