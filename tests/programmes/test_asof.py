"""The as-of rule (DESIGN.md §2): latest on or before the date, else the earliest after, flagged."""

import datetime
from dataclasses import dataclass

from pairaid.programmes.asof import pick_as_of

D = datetime.date


@dataclass(frozen=True)
class Line:
    as_of: datetime.date
    quantity: int


LINES = [Line(D(2020, 2, 1), 10), Line(D(2020, 2, 10), 20), Line(D(2020, 3, 16), 30)]


def test_latest_line_on_or_before_the_date_wins():
    picked = pick_as_of(LINES, D(2020, 3, 1))
    assert picked is not None
    assert picked.line.quantity == 20
    assert not picked.later_figure


def test_a_line_dated_on_the_day_counts_as_before():
    picked = pick_as_of(LINES, D(2020, 2, 10))
    assert picked is not None and picked.line.quantity == 20 and not picked.later_figure


def test_before_every_line_the_earliest_later_one_is_used_and_flagged():
    picked = pick_as_of(LINES, D(2020, 1, 1))
    assert picked is not None
    assert picked.line.quantity == 10
    assert picked.later_figure
    assert picked.as_of == D(2020, 2, 1)


def test_only_later_lines_pick_the_earliest_of_them():
    picked = pick_as_of([Line(D(2020, 4, 1), 5), Line(D(2020, 3, 16), 7)], D(2020, 2, 10))
    assert picked is not None and picked.line.quantity == 7 and picked.later_figure


def test_no_line_means_unknown_not_zero():
    assert pick_as_of([], D(2020, 2, 10)) is None


def test_order_of_lines_does_not_matter():
    forward = pick_as_of(LINES, D(2020, 12, 31))
    backward = pick_as_of(list(reversed(LINES)), D(2020, 12, 31))
    assert forward == backward and forward is not None and forward.line.quantity == 30
