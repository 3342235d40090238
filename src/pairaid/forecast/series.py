"""One recipient's daily record: cumulative confirmed, cured and dead on a calendar of days.

A day the record does not have stays missing (NaN), never filled. The count reported after a gap
covers every day of the gap: it is kept as one interval count (`reported_intervals`) and is never
spread over the days it covers, so no day gets a number the record does not hold.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class SeriesError(ValueError):
    """A daily series that cannot be read as one (with the date or field at fault)."""


@dataclass(frozen=True)
class DailySeries:
    """Cumulative counts on consecutive days from `first_day`; NaN where the record has none."""

    first_day: datetime.date
    confirmed: FloatArray
    cured: FloatArray
    dead: FloatArray

    def __post_init__(self) -> None:
        lengths = {len(self.confirmed), len(self.cured), len(self.dead)}
        if len(lengths) != 1:
            raise SeriesError(f"confirmed, cured and dead differ in length: {sorted(lengths)}")

    @property
    def days(self) -> int:
        return len(self.confirmed)

    def index_of(self, day: datetime.date) -> int:
        """The position of `day` on the calendar (may fall outside it)."""
        return (day - self.first_day).days

    def day_at(self, index: int) -> datetime.date:
        return self.first_day + datetime.timedelta(days=index)

    @property
    def active(self) -> FloatArray:
        """Active cases: confirmed - cured - dead (NaN where any of the three is missing)."""
        return self.confirmed - self.cured - self.dead

    def observed(self, index: int) -> bool:
        """Whether the record has all three counts on the day at `index`."""
        return 0 <= index < self.days and not np.isnan(self.active[index])

    def last_observed_at_or_before(self, index: int) -> int | None:
        """The last day with all three counts at or before `index`, or None."""
        for position in range(min(index, self.days - 1), -1, -1):
            if self.observed(position):
                return position
        return None

    def up_to(self, day: datetime.date) -> DailySeries:
        """The record as known on `day`: the days after it cut off."""
        end = max(0, min(self.days, self.index_of(day) + 1))
        return DailySeries(self.first_day, self.confirmed[:end], self.cured[:end], self.dead[:end])


def from_days(
    days: Sequence[datetime.date],
    confirmed: Sequence[int],
    cured: Sequence[int],
    dead: Sequence[int],
) -> DailySeries:
    """A series from dated counts (any order, days absent from `days` missing)."""
    if not days:
        raise SeriesError("a daily series needs at least one day")
    if not len(days) == len(confirmed) == len(cured) == len(dead):
        raise SeriesError("days, confirmed, cured and dead must have one entry per day")
    if len(set(days)) != len(days):
        raise SeriesError("a day appears twice in the series")
    first_day, last_day = min(days), max(days)
    length = (last_day - first_day).days + 1
    columns = [np.full(length, np.nan) for _ in range(3)]
    for day, *counts in zip(days, confirmed, cured, dead, strict=True):
        for column, count in zip(columns, counts, strict=True):
            column[(day - first_day).days] = float(count)
    return DailySeries(first_day, *columns)


@dataclass(frozen=True)
class ReportedInterval:
    """New confirmed cases reported on day `end` since the previous reported day `start`
    (`end - start` days; 1 when no day is missing). May be negative: a revision."""

    start: int
    end: int
    count: float


def reported_intervals(series: DailySeries) -> list[ReportedInterval]:
    """The increments of cumulative confirmed between consecutive reported days, as reported."""
    reported = [i for i in range(series.days) if not np.isnan(series.confirmed[i])]
    return [
        ReportedInterval(start, end, float(series.confirmed[end] - series.confirmed[start]))
        for start, end in itertools.pairwise(reported)
    ]


def daily_new_cases(series: DailySeries) -> FloatArray:
    """New confirmed cases per day where the record pins them to one day, NaN elsewhere: the first
    day, the missing days, and the day after a gap (its increment covers the whole gap)."""
    incidence = np.full(series.days, np.nan)
    for interval in reported_intervals(series):
        if interval.end - interval.start == 1:
            incidence[interval.end] = interval.count
    return incidence
