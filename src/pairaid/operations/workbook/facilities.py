"""The bed reports sheet: one row per facility report, open and occupied beds per bed type."""

from functools import partial
from typing import Any

from django.utils.translation import gettext

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.engine.beds import BED_TYPES
from pairaid.operations.bed_columns import SNAPSHOT_COLUMNS, occupied_column, open_column
from pairaid.operations.models import Facility, FacilitySnapshot
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.workbook.common import Reader, RowAction
from pairaid.programmes.models import Participant, Programme
from pairaid.spreadsheets import Rows

SHEET = "bed_reports"
BED_REPORTS = [
    ("recipient", "#adm2+code"),
    ("facility", "#loc+name"),
    ("reported_at", "#date+reported"),
    *[(c, f"#capacity+beds+{c.replace('_', '+')}") for c in SNAPSHOT_COLUMNS],
]


def _moment(snapshot: FacilitySnapshot, zone: Any) -> str:
    return snapshot.reported_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def export_bed_reports(programme: Programme) -> list[list[Any]]:
    """Every bed report of the programme's facilities, its time in programme time."""
    zone = programme.zone()
    snapshots = (
        FacilitySnapshot.objects.filter(facility__programme=programme)
        .select_related("facility__recipient__region")
        .prefetch_related("beds")
        .order_by("facility__name", "date")
    )
    rows = []
    for s in snapshots:
        figures = {b.bed_type: b for b in s.beds.all()}
        cells: list[Any] = [s.facility.recipient.region.code, s.facility.name, _moment(s, zone)]
        for t in BED_TYPES:
            b = figures.get(t)
            cells += [b.open if b else None, b.occupied if b else None]
        rows.append(cells)
    return rows


def plan_bed_reports(reader: Reader, rows: Rows) -> list[RowAction]:
    actions = []
    filed = {
        tuple("" if v is None else str(v) for v in row)
        for row in export_bed_reports(reader.programme)
    }
    for row, cells in rows:
        if tuple(cells.get(name, "") for name, _ in BED_REPORTS) in filed:
            continue  # a report already filed as it stands: the template lists it for reference
        # Any recipient is named here; who may report is decided per facility below, since a
        # facility officer reports for its facility but acts for no recipient.
        recipient = reader.participant(
            SHEET, row, cells, "recipient", Participant.Role.RECIPIENT, Action.VIEW
        )
        if recipient is None:
            continue
        facility = Facility.objects.filter(
            recipient=recipient, name=cells.get("facility", "")
        ).first()
        if facility is None:
            reader.fail(
                SHEET,
                row,
                "facility",
                gettext("no facility %(value)s of this recipient")
                % {"value": repr(cells.get("facility") or "(empty)")},
            )
            continue
        if not permissions.can(
            reader.user, Action.REPORT_BEDS, reader.programme, recipient.region_id, facility.pk
        ):
            reader.fail(
                SHEET,
                row,
                "facility",
                gettext("you may not report the beds of %(facility)s")
                % {"facility": facility.name},
            )
            continue
        reported_at = reader.moment(SHEET, row, cells, "reported_at")
        figures = {c: reader.number(SHEET, row, cells, c, required=False) for c in SNAPSHOT_COLUMNS}
        if any(v is not None and v != int(v) for v in figures.values()):
            reader.fail(SHEET, row, "open_general", gettext("figures are whole numbers"))
            continue
        beds = {
            t: {
                "open": _whole(figures[open_column(t)]),
                "occupied": _whole(figures[occupied_column(t)]),
            }
            for t in BED_TYPES
        }
        actions.append(
            RowAction(
                SHEET,
                row,
                partial(
                    facility_services.record_snapshot,
                    facility=facility,
                    beds=beds,
                    reported_at=reported_at,
                ),
            )
        )
    return actions


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)
