"""The as-of rule of DESIGN.md §2, implemented once.

The value used at date D is the latest one dated on or before D; where none exists, the earliest
one after D, flagged as a "later figure". Pure Python, so the engine's translator and the
dashboards share it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

LineT = TypeVar("LineT")


def _as_of(line: Any) -> datetime.date:
    date: datetime.date = line.as_of
    return date


@dataclass(frozen=True)
class AsOf(Generic[LineT]):
    """The line chosen for a date, and whether it is dated after that date."""

    line: LineT
    later_figure: bool

    @property
    def as_of(self) -> datetime.date:
        return _as_of(self.line)


def pick_as_of(lines: Iterable[LineT], on: datetime.date) -> AsOf[LineT] | None:
    """Apply the as-of rule to the lines (anything with an `as_of` date) of one series.

    None where there is no line at all: an unknown figure, never zero.
    """
    latest_before: LineT | None = None
    earliest_after: LineT | None = None
    for line in lines:
        dated = _as_of(line)
        if dated <= on:
            if latest_before is None or dated > _as_of(latest_before):
                latest_before = line
        elif earliest_after is None or dated < _as_of(earliest_after):
            earliest_after = line
    if latest_before is not None:
        return AsOf(latest_before, later_figure=False)
    if earliest_after is not None:
        return AsOf(earliest_after, later_figure=True)
    return None
