"""A recipient's forecast charts: the forecast's median and its 50 % and 90 % bands, day by day
after the origin, with the cases the daily record observed overlaid. Only cases are overlaid
(new confirmed and active): the record never observed a census, so the hospital and ICU census
(pairaid.forecast.census) are drawn as model outputs alone."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext

from pairaid.foresight import queries
from pairaid.foresight.models import ForecastQuantiles, ForecastRun
from pairaid.programmes.models import Participant

CENSUS = (ForecastQuantiles.Target.CENSUS_HOSPITAL, ForecastQuantiles.Target.CENSUS_ICU)

# How much of the record before the origin the active-cases chart shows.
HISTORY_DAYS = 21


@dataclass(frozen=True)
class Row:
    """One day of a chart: what the record observed (None: not reported, or not a day this
    target has), and the forecast's band (None before the origin)."""

    day: str
    observed: float | None
    median: float | None = None
    low_50: float | None = None
    high_50: float | None = None
    low_90: float | None = None
    high_90: float | None = None


def _observed(run: ForecastRun, participant: Participant) -> dict[datetime.date, tuple[int, int]]:
    """(confirmed, active) on each reported day of the whole record, as observed."""
    record = queries.daily_records([participant])[participant.pk]
    return {
        datetime.date.fromisoformat(day): (confirmed, confirmed - cured - dead)
        for day, confirmed, cured, dead in record
    }


def _rows(
    run: ForecastRun,
    bands: list[queries.Band],
    observed_on: dict[datetime.date, float],
    first: datetime.date,
) -> list[Row]:
    by_day = {band.day: band for band in bands}
    last = run.origin + datetime.timedelta(days=run.horizon_days)
    rows = []
    for offset in range((last - first).days + 1):
        day = first + datetime.timedelta(days=offset)
        band = by_day.get(day)
        forecast = (
            {
                "median": band.median,
                "low_50": band.low_50,
                "high_50": band.high_50,
                "low_90": band.low_90,
                "high_90": band.high_90,
            }
            if band
            else {}
        )
        rows.append(Row(day.isoformat(), observed_on.get(day), **forecast))
    return rows


def forecast_chart(run: ForecastRun, participant: Participant) -> dict[str, Any]:
    """Every target's rows (cases, and the census derived from them), titled in the request's
    language, for the page's tables and charts."""
    observed = _observed(run, participant)
    at_origin = observed.get(run.origin)
    new_since_origin = (
        {day: float(confirmed - at_origin[0]) for day, (confirmed, _) in observed.items()}
        if at_origin
        else {}
    )
    active = {day: float(count) for day, (_, count) in observed.items()}
    targets: list[dict[str, Any]] = []
    sources: tuple[tuple[str, str, dict[datetime.date, float], datetime.date], ...] = (
        (
            ForecastQuantiles.Target.NEW_CONFIRMED,
            gettext("New confirmed cases since the origin"),
            new_since_origin,
            run.origin,
        ),
        (
            ForecastQuantiles.Target.ACTIVE,
            gettext("Active cases (confirmed − cured − dead)"),
            active,
            run.origin - datetime.timedelta(days=HISTORY_DAYS),
        ),
        *(
            (census_target, census_title, {}, run.origin)
            for census_target, census_title in (
                (
                    ForecastQuantiles.Target.CENSUS_HOSPITAL,
                    gettext("Patients in hospital beds (model output, never observed)"),
                ),
                (
                    ForecastQuantiles.Target.CENSUS_ICU,
                    gettext("Patients in ICU beds (model output, never observed)"),
                ),
            )
        ),
    )
    for target, title, values, first in sources:
        bands = queries.bands(run, participant, target)
        if bands:
            rows = _rows(run, bands, values, first)
            targets.append(
                {
                    "key": str(target),
                    "title": title,
                    # The census was never observed: no observed line is drawn for it.
                    "observed": target not in CENSUS,
                    "rows": [asdict(r) for r in rows],
                }
            )
    return {
        "origin": run.origin.isoformat(),
        "targets": targets,
        "labels": {
            "observed": gettext("observed (daily record)"),
            "median": gettext("forecast median (model output)"),
            "band_50": gettext("50 % band (model output)"),
            "band_90": gettext("90 % band (model output)"),
            "origin": gettext("origin"),
        },
    }
