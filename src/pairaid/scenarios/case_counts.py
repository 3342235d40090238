"""case_counts.csv: a region's daily case counts, read into indicator records.

A daily series is thousands of rows (Hubei 2020: 1,776 rows, 5,200 figures), loaded by the
fixture of hundreds of tests, so its cells are parsed once per distinct text (98 dates, 21
regions) rather than once per row; nothing here touches the database. Each count becomes a
record of indicators.csv, written, compared and exported with the other indicator values.

Where indicators.csv holds a figure for the same region, indicator and date, that row wins:
it is the checked one (its source and certainty are kept), and the series must agree with it.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from pairaid.registry.models import Certainty
from pairaid.scenarios.bundle import RawRow
from pairaid.scenarios.tables import (
    CASE_COUNT_INDICATORS,
    CERTAINTIES,
    CellError,
    choice_text,
    date_text,
    whole_text,
)

if TYPE_CHECKING:
    from pairaid.scenarios.validate import Key, Record, _Rows, _Validator

FILE = "case_counts.csv"


class _Memo:
    """One column's parse, remembered per distinct text (a failure is re-reported per row)."""

    def __init__(self, rows: "_Rows", column: str, parse: Callable[[str], str]) -> None:
        self.rows, self.column, self.parse = rows, column, parse
        self.seen: dict[str, str | CellError] = {}

    def __call__(self, row: RawRow, *, required: bool) -> str:
        text = row.cells.get(self.column, "")
        if not text:
            if required:
                self.rows.fail(row, self.column, "required; the cell is empty")
            return ""
        if text not in self.seen:
            try:
                self.seen[text] = self.parse(text)
            except CellError as error:
                self.seen[text] = error
        parsed = self.seen[text]
        if isinstance(parsed, CellError):
            self.rows.fail(row, self.column, str(parsed))
            return ""
        return parsed


def check_case_counts(v: "_Validator") -> None:
    """Validate case_counts.csv and add its figures to indicators.csv's records."""
    from pairaid.scenarios.validate import Record

    rows, raw_rows = v.table(FILE)
    if not raw_rows:
        return
    region = _Memo(rows, "region", lambda text: _known_region(v, text))
    as_of = _Memo(rows, "as_of", date_text)
    source = _Memo(rows, "source", lambda text: _known_source(v, text))
    certainty = _Memo(rows, "certainty", lambda text: choice_text(text, CERTAINTIES))
    counts = {indicator: _Memo(rows, indicator, whole_text) for indicator in CASE_COUNT_INDICATORS}
    checked = v.parsed.tables.setdefault("indicators.csv", {})
    seen: dict[tuple[str, str], int] = {}
    for row in raw_rows:
        values = {
            "region": region(row, required=True),
            "as_of": as_of(row, required=True),
            "source": source(row, required=True),
            "certainty": certainty(row, required=False) or Certainty.VERIFIED.value,
        }
        figures = {indicator: parse(row, required=False) for indicator, parse in counts.items()}
        if not any(row.cells.get(indicator) for indicator in CASE_COUNT_INDICATORS):
            rows.fail(
                row,
                ", ".join(CASE_COUNT_INDICATORS),
                "no count in the row; leave out a row whose counts are all unknown",
            )
        if not _first_of_its_key(rows, row, values, seen):
            continue
        for indicator, figure in figures.items():
            if figure and values["region"] and values["as_of"]:
                record = Record(row.row, {**values, "indicator": indicator, "value": figure}, FILE)
                _add_unless_checked(rows, checked, record)


def _known_region(v: "_Validator", text: str) -> str:
    reference = v.ref(text)
    if reference not in v.regions:
        raise CellError(f"unknown region {reference!r}: not in regions.csv nor in the registry")
    return reference


def _known_source(v: "_Validator", text: str) -> str:
    if text not in v.sources:
        raise CellError(f"unknown source {text!r}: not in sources.csv nor in the registry")
    return text


def _first_of_its_key(
    rows: "_Rows", row: RawRow, values: dict[str, str], seen: dict[tuple[str, str], int]
) -> bool:
    key = (values["region"], values["as_of"])
    if not all(key):
        return False
    if key in seen:
        rows.fail(row, "region, as_of", f"duplicate of row {seen[key]}: {key[0]} / {key[1]}")
        return False
    seen[key] = row.row
    return True


def _add_unless_checked(rows: "_Rows", checked: dict["Key", "Record"], record: "Record") -> None:
    """Add a figure of the series, unless indicators.csv has the same region, indicator and
    date: then that row (its source and certainty) stays, and the two figures must agree."""
    values = record.values
    key = (values["region"], values["indicator"], values["as_of"])
    other = checked.get(key)
    if other is None:
        checked[key] = record
    elif other.values["value"] != values["value"]:
        rows.fail(
            record.row,
            values["indicator"],
            f"{values['value']} differs from indicators.csv row {other.row} "
            f"({other.values['value']}) for {key[0]} on {key[2]}; one figure per region, "
            "indicator and date",
        )
