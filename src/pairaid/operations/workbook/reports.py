"""The daily reports sheet."""

from functools import partial
from typing import Any

from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.operations.models import DailyReport, Team
from pairaid.operations.services import reports as report_services
from pairaid.operations.workbook.common import Reader, RowAction
from pairaid.programmes.models import Programme
from pairaid.spreadsheets import Rows, cell_text

REPORTS = [
    ("team", "#group+name"),
    ("date", "#date"),
    *[(f, f"#affected+{f}") for f in report_services.REPORT_FIELDS],
    ("shortages", "#item+shortage"),
]


def export_reports(programme: Programme) -> list[list[Any]]:
    """Every daily report of the programme's teams."""
    reports = DailyReport.objects.filter(team__programme=programme).select_related("team")
    return [
        [
            r.team.name,
            cell_text(r.date),
            *[getattr(r, f) for f in report_services.REPORT_FIELDS],
            r.shortages,
        ]
        for r in reports
    ]


def plan_reports(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    teams = {
        t.name: t
        for t in Team.objects.filter(programme=reader.programme).select_related("donor__region")
    }
    filed = {
        tuple(row[:2]) + tuple(cell_text(v) for v in row[2:])
        for row in export_reports(reader.programme)
    }
    for row, cells in rows:
        key = (
            cells.get("team", ""),
            cells.get("date", "")[:10],
            *(cells.get(name, "") for name, _ in REPORTS[2:]),
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
            f: reader.number("reports", row, cells, f, required=False)
            for f in report_services.REPORT_FIELDS
        }
        if any(v is not None and v != int(v) for v in figures.values()):
            reader.fail("reports", row, "patients_seen", gettext("figures are whole numbers"))
            continue
        actions.append(
            RowAction(
                "reports",
                row,
                partial(
                    report_services.file_report,
                    team=team,
                    on=on,
                    shortages=cells.get("shortages", ""),
                    **{k: int(v or 0) for k, v in figures.items()},
                ),
            )
        )
    return actions
