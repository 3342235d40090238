"""A forecast run's quantiles as CSV and XLSX: one row per recipient, target, day ahead and
quantile level (the forecast hubs' long format), with the run's assumptions beside them."""

from __future__ import annotations

from typing import Any

from pairaid.foresight import evaluation, queries
from pairaid.foresight.models import ForecastRun
from pairaid.spreadsheets import csv_text, xlsx_bytes

COLUMNS = (
    "recipient",
    "recipient_name_en",
    "recipient_name_zh",
    "target",
    "horizon_days",
    "target_date",
    "quantile",
    "value",
)


def _rows(run: ForecastRun) -> list[list[Any]]:
    return [[row[column] for column in COLUMNS] for row in queries.export_rows(run)]


def run_csv(run: ForecastRun) -> str:
    return csv_text([list(COLUMNS), *_rows(run)])


def run_xlsx(run: ForecastRun) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "quantiles"
    sheet.append(list(COLUMNS))
    for row in _rows(run):
        sheet.append(row)
    about = workbook.create_sheet("run")
    about.append(["field", "value"])
    for field, value in (
        ("programme", run.programme.slug),
        ("run", run.number),
        ("origin", run.origin),
        ("method", run.method),
        ("sample paths", run.paths),
        ("seed", run.seed),
        ("data version", run.data_version),
        ("what these are", "model outputs (forecasts), not observations"),
    ):
        about.append([field, value])
    assumptions = workbook.create_sheet("assumptions")
    assumptions.append(["assumption", "value", "source"])
    for assumption in run.assumptions:
        assumptions.append([assumption["name"], assumption["value"], assumption["source"]])
    return xlsx_bytes(workbook)


EVALUATION_COLUMNS = (
    "recipient",
    "recipient_name_en",
    "recipient_name_zh",
    "last_day",
    "confirmed",
    "cured",
    "dead",
    "case_fatality",
    "recovered_share",
    "paired_from",
    "last_new_case",
    "days_to_last_new_case",
    "staff_paired",
    "staff_as_of",
    "staff_per_confirmed_case",
    "note",
)
EVALUATION_NOTE = "descriptive, not causal: outcomes beside staff, no effect estimated"


def _share(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def evaluation_csv(rows: list[evaluation.Outcomes]) -> str:
    lines: list[list[Any]] = [list(EVALUATION_COLUMNS)]
    for row in rows:
        region = row.participant.region
        last = row.last
        lines.append(
            [
                region.reference,
                region.name_en,
                region.name_zh,
                last.day if last else "",
                last.confirmed if last else "",
                last.cured if last else "",
                last.dead if last else "",
                _share(last.case_fatality if last else None),
                _share(last.recovered_share if last else None),
                row.paired_from or "",
                row.last_new_case or "",
                "" if row.days_to_last_new_case is None else row.days_to_last_new_case,
                "" if row.staff is None else round(row.staff, 1),
                row.staff_on,
                _share(row.staff_per_case),
                EVALUATION_NOTE,
            ]
        )
    return csv_text(lines)
