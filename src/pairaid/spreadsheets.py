"""Spreadsheets in and out, shared by every workbook and CSV of PairAid.

In: an uploaded XLSX is read within limits (bytes, unpacked bytes, rows per sheet, cells per
workbook; `UploadLimits`), each checked as the file streams through openpyxl's read-only mode,
so that no upload can hold a web worker: an observer's 283 KB workbook with 2 million empty
rows once held one for 30 s (issue 17).

Out: text a user typed that a spreadsheet would run as a formula is neutralised in every export
(`neutralise`, the one place), and an upload of an exported workbook reads it back as typed
(`uploaded_text`).
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from pairaid.errors import Problem, ValidationFailed

# No sheet of PairAid has more than a dozen columns; a row is read up to this one, whatever
# width the file claims (a sheet whose stated width is 16,384 columns would otherwise give rows
# of 16,384 empty cells).
MAX_COLUMNS = 50


@dataclass(frozen=True)
class UploadLimits:
    """How much of an upload is read (settings `PAIRAID_UPLOAD_MAX_*`; the reasons are there)."""

    bytes: int
    unpacked_bytes: int
    rows: int
    cells: int

    @classmethod
    def current(cls) -> "UploadLimits":
        return cls(
            bytes=settings.PAIRAID_UPLOAD_MAX_BYTES,
            unpacked_bytes=settings.PAIRAID_UPLOAD_MAX_UNPACKED_BYTES,
            rows=settings.PAIRAID_UPLOAD_MAX_ROWS,
            cells=settings.PAIRAID_UPLOAD_MAX_CELLS,
        )


def too_large(filename: str, limit: int) -> ValidationFailed:
    """The refusal of a file larger than `limit` bytes."""
    message = gettext("larger than %(limit)s bytes, the most an upload may have") % {
        "limit": f"{limit:,}"
    }
    return ValidationFailed([Problem(message, file=filename)])


def open_workbook(data: bytes, filename: str) -> "UploadedWorkbook":
    """The workbook in an upload, read within the limits; or a clear refusal naming the file."""
    from openpyxl import load_workbook

    limits = UploadLimits.current()
    if len(data) > limits.bytes:
        raise too_large(filename, limits.bytes)
    _check_unpacked_size(data, filename, limits.unpacked_bytes)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file that is not XLSX
        message = gettext("not an XLSX workbook (%(kind)s)") % {"kind": error.__class__.__name__}
        raise ValidationFailed([Problem(message, file=filename)]) from None
    return UploadedWorkbook(workbook, limits)


def _check_unpacked_size(data: bytes, filename: str, limit: int) -> None:
    """An XLSX is a zip: a few KB may unpack to gigabytes. Its parts' stated sizes are summed
    before any is parsed (a part longer than stated fails its checksum when read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except zipfile.BadZipFile:
        return  # not a zip: `open_workbook` says it is no workbook
    if unpacked > limit:
        message = gettext(
            "unpacks to more than %(limit)s bytes, the most an upload may hold; "
            "split it into several workbooks"
        ) % {"limit": f"{limit:,}"}
        raise ValidationFailed([Problem(message, file=filename)])


# A sheet's rows as read: (row number, {column: cell text}) for each row that is not empty.
Rows = list[tuple[int, dict[str, str]]]


class UploadedWorkbook:
    """An uploaded workbook whose sheets are read within the upload's limits."""

    def __init__(self, workbook: Any, limits: UploadLimits) -> None:
        self.workbook = workbook
        self.limits = limits
        self.cells_left = limits.cells

    @property
    def sheetnames(self) -> list[str]:
        names: list[str] = self.workbook.sheetnames
        return names

    def table(self, name: str) -> tuple[list[str], Rows]:
        """A sheet's header (its first row) and the rows under it that are not empty, numbered
        as the spreadsheet shows them, each as {column: cell text}."""
        rows = self._rows(name)
        header = [uploaded_text(value) for value in next(rows, ())]
        table = []
        for number, row in enumerate(rows, start=2):
            cells = {
                column: uploaded_text(row[i]) if i < len(row) else ""
                for i, column in enumerate(header)
                if column
            }
            if any(cells.values()):
                table.append((number, cells))
        return header, table

    def _rows(self, name: str) -> Iterator[tuple[Any, ...]]:
        """A sheet's rows as the file streams in, refused at the first beyond a limit."""
        sheet = self.workbook[name]
        for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1):
            if number > self.limits.rows:
                raise self._refusal(name, "rows", self.limits.rows)
            self.cells_left -= sum(value is not None for value in row)
            if self.cells_left < 0:
                raise self._refusal(name, "cells", self.limits.cells)
            yield row

    @staticmethod
    def _refusal(sheet: str, what: str, limit: int) -> ValidationFailed:
        if what == "rows":
            message = gettext(
                "more than %(limit)s rows, the most a sheet may have; split it into several uploads"
            )
        else:
            message = gettext(
                "the workbook has more than %(limit)s cells, the most an upload may have; "
                "split it into several uploads"
            )
        return ValidationFailed([Problem(message % {"limit": f"{limit:,}"}, file=f"sheet {sheet}")])


# OWASP's list of the first characters that make a spreadsheet read text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number typed as text ("-12.5") is no formula: it is left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def neutralise(value: Any) -> Any:
    """A cell as every export writes it: text a spreadsheet would run as a formula (it starts
    with = + - @, a tab or a carriage return) gets a leading single quote, as OWASP recommends,
    so that `=HYPERLINK(…)` typed into a note is shown, never run. Numbers, dates and other
    text are written as they are. Text that already starts with quotes before such a character
    gets one more, so that `cell_text` gives back exactly what was typed."""
    if not isinstance(value, str) or _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value if value.lstrip("'")[:1] in FORMULA_STARTS else value


def restore(text: str) -> str:
    """Text as it was typed, from a cell `neutralise` wrote (other text unchanged)."""
    if text.startswith("'") and neutralise(text[1:]) == text:
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A cell's value as the sheets compare it: dates as YYYY-MM-DD, whole floats without '.0',
    empty for nothing."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def uploaded_text(value: Any) -> str:
    """An uploaded cell as text, its text as typed before an export neutralised it."""
    return cell_text(restore(value) if isinstance(value, str) else value)


def xlsx_bytes(workbook: Any) -> bytes:
    """A workbook PairAid wrote, its text neutralised (PairAid writes no formulas), as XLSX."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = neutralise(cell.value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(stream: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Rows as CSV into a text stream (a buffer or a response), their text neutralised."""
    writer = csv.writer(stream)
    writer.writerows([neutralise(value) for value in row] for row in rows)


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text, their text neutralised."""
    buffer = io.StringIO()
    write_csv(buffer, rows)
    return buffer.getvalue()
