"""Reads for forecast runs: the recipients' daily records as the forecast library takes them,
and a run's stored quantiles shaped for a page, a chart or an export."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pairaid import forecast
from pairaid.foresight.models import ForecastQuantiles, ForecastRun
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import RegionalIndicator
from pairaid.registry.series import CASE_COUNTS

Record = list[tuple[str, int, int, int]]
"""A recipient's daily record as a run stores it: (day, confirmed, cured, dead), days with all
three counts only (a day with one unknown stays missing, never filled)."""


def recipients(programme: Programme) -> list[Participant]:
    return list(
        programme.participants.filter(role=Participant.Role.RECIPIENT)
        .select_related("region__parent")
        .order_by("region__code", "region__name_en")
    )


def daily_records(
    participants: list[Participant], up_to: datetime.date | None = None
) -> dict[int, Record]:
    """Each participant's days with confirmed, cured and dead all known (up to a day), by
    participant id, in one query."""
    by_region = {p.region_id: p.pk for p in participants}
    rows = RegionalIndicator.objects.filter(
        region_id__in=by_region, indicator__code__in=CASE_COUNTS
    )
    if up_to is not None:
        rows = rows.filter(as_of__lte=up_to)
    counts: dict[tuple[int, datetime.date], dict[str, int]] = defaultdict(dict)
    for region_id, code, as_of, value in rows.values_list(
        "region_id", "indicator__code", "as_of", "value"
    ).order_by():
        counts[(by_region[region_id], as_of)][code] = int(value)
    records: dict[int, Record] = {p.pk: [] for p in participants}
    for (participant_id, day), figures in sorted(counts.items(), key=lambda item: item[0][1]):
        if len(figures) == len(CASE_COUNTS):
            records[participant_id].append(
                (day.isoformat(), *(figures[code] for code in CASE_COUNTS))  # type: ignore[arg-type]
            )
    return records


def run_input(programme: Programme, up_to: datetime.date) -> dict[str, Record]:
    """What a forecast run reads: each recipient's daily record up to the origin, by
    participant id (as text, the key a run stores it under)."""
    participants = recipients(programme)
    records = daily_records(participants, up_to=up_to)
    return {str(p.pk): records[p.pk] for p in participants}


def series_of(record: Record) -> forecast.DailySeries:
    """The forecast library's series of a stored record (which must hold at least one day)."""
    return forecast.from_days(
        [datetime.date.fromisoformat(day) for day, *_ in record],
        [confirmed for _, confirmed, _, _ in record],
        [cured for _, _, cured, _ in record],
        [dead for _, _, _, dead in record],
    )


@dataclass(frozen=True)
class Band:
    """One day ahead of a recipient's forecast of one target: the median and the 50 % and 90 %
    central intervals, read from the stored quantiles."""

    day: datetime.date
    horizon_days: int
    low_90: float
    low_50: float
    median: float
    high_50: float
    high_90: float


def _at(levels: list[float], values: list[float], level: float) -> float:
    return float(values[min(range(len(levels)), key=lambda i: abs(levels[i] - level))])


def bands(run: ForecastRun, recipient: Participant, target: str) -> list[Band]:
    """The recipient's forecast of the target, day by day after the origin."""
    rows = run.quantiles.filter(recipient=recipient, target=target).order_by("horizon_days")
    levels = [float(level) for level in run.levels]
    return [
        Band(
            day=run.origin + datetime.timedelta(days=row.horizon_days),
            horizon_days=row.horizon_days,
            low_90=_at(levels, row.values, 0.05),
            low_50=_at(levels, row.values, 0.25),
            median=_at(levels, row.values, 0.5),
            high_50=_at(levels, row.values, 0.75),
            high_90=_at(levels, row.values, 0.95),
        )
        for row in rows
    ]


def export_rows(run: ForecastRun) -> list[dict[str, Any]]:
    """Every stored quantile of a run, one row each (CSV, XLSX and the API's long form)."""
    rows = []
    quantiles = run.quantiles.select_related("recipient__region__parent").order_by(
        "recipient__region__code", "recipient__region__name_en", "target", "horizon_days"
    )
    for row in quantiles:
        for level, value in zip(run.levels, row.values, strict=True):
            rows.append(
                {
                    "recipient": row.recipient.region.reference,
                    "recipient_name_en": row.recipient.region.name_en,
                    "recipient_name_zh": row.recipient.region.name_zh,
                    "target": row.target,
                    "horizon_days": row.horizon_days,
                    "target_date": run.origin + datetime.timedelta(days=row.horizon_days),
                    "quantile": level,
                    "value": round(float(value), 3),
                }
            )
    return rows


def latest_finished(programme: Programme) -> ForecastRun | None:
    return (
        programme.forecast_runs.filter(state=ForecastRun.State.FINISHED).order_by("-number").first()
    )


def quantile_rows(run: ForecastRun) -> list[ForecastQuantiles]:
    return list(run.quantiles.select_related("recipient__region").order_by("pk"))
