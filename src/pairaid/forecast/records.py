"""Read daily series from a CSV in the columns of a bundle's `case_counts.csv` (the bundle
format's daily record): region, as_of, confirmed_cases, cured, deaths (other columns are
ignored). A count left empty is unknown that day (Hubei's own total has no cured figure): the
place's day stays missing, never filled."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from pairaid.forecast.series import DailySeries, SeriesError, from_days

REQUIRED_COLUMNS = ("region", "as_of", "confirmed_cases", "cured", "deaths")
COUNT_COLUMNS = REQUIRED_COLUMNS[2:]


@dataclass(frozen=True)
class RecipientSeries:
    """One place's daily series, under its region reference ("420200"; a code-less area as
    "420000/Prison system")."""

    code: str
    series: DailySeries


def read_series_csv(text: str, source: str = "<text>") -> dict[str, RecipientSeries]:
    """Every place's series in the CSV text, by code. Days absent for a place stay missing."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SeriesError(f"{source}: missing column(s) {', '.join(missing)}")
    rows: dict[str, list[tuple[datetime.date, int, int, int]]] = {}
    for line, row in enumerate(reader, start=2):
        if any(not (row[column] or "").strip() for column in COUNT_COLUMNS):
            continue  # a figure unknown that day: the day stays missing for this place
        try:
            day = datetime.date.fromisoformat(row["as_of"])
            counts = tuple(int(row[column]) for column in COUNT_COLUMNS)
        except ValueError as error:
            raise SeriesError(f"{source}, line {line}: {error}") from None
        rows.setdefault(row["region"], []).append((day, counts[0], counts[1], counts[2]))
    return {
        key: RecipientSeries(key, _series(entries, f"{source}, {key}"))
        for key, entries in rows.items()
    }


def _series(entries: list[tuple[datetime.date, int, int, int]], where: str) -> DailySeries:
    try:
        return from_days(
            [entry[0] for entry in entries],
            [entry[1] for entry in entries],
            [entry[2] for entry in entries],
            [entry[3] for entry in entries],
        )
    except SeriesError as error:
        raise SeriesError(f"{where}: {error}") from None


def read_series_file(path: Path) -> dict[str, RecipientSeries]:
    return read_series_csv(path.read_text(encoding="utf-8"), str(path))
