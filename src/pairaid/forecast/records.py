"""Read daily series from a CSV in the columns of facts/hubei_city_daily_asof.csv:
asof_date, city_code, city_en, confirmed, cured, dead (other columns are ignored)."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pairaid.forecast.series import DailySeries, SeriesError, from_days

REQUIRED_COLUMNS = ("asof_date", "city_code", "city_en", "confirmed", "cured", "dead")
PACKAGED_HUBEI_SERIES = "hubei_city_daily_asof.csv"


@dataclass(frozen=True)
class RecipientSeries:
    """One place's daily series, under its code (the English name for a code-less pseudo-region)."""

    code: str
    name_en: str
    series: DailySeries


def read_series_csv(text: str, source: str = "<text>") -> dict[str, RecipientSeries]:
    """Every place's series in the CSV text, by code. Days absent for a place stay missing."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SeriesError(f"{source}: missing column(s) {', '.join(missing)}")
    rows: dict[str, list[tuple[datetime.date, int, int, int]]] = {}
    names: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        key = row["city_code"] or row["city_en"]
        try:
            day = datetime.date.fromisoformat(row["asof_date"])
            counts = (int(row["confirmed"]), int(row["cured"]), int(row["dead"]))
        except ValueError as error:
            raise SeriesError(f"{source}, line {line}: {error}") from None
        rows.setdefault(key, []).append((day, *counts))
        names[key] = row["city_en"]
    return {
        key: RecipientSeries(key, names[key], _series(entries, f"{source}, {key}"))
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


def packaged_hubei_series() -> dict[str, RecipientSeries]:
    """The Hubei 2020 daily series shipped with the package (data/README.md)."""
    text = resources.files("pairaid.forecast").joinpath("data", PACKAGED_HUBEI_SERIES)
    return read_series_csv(text.read_text(encoding="utf-8"), PACKAGED_HUBEI_SERIES)
