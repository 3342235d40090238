"""A daily record with missing days stays missing: nothing is filled or spread."""

import datetime

import numpy as np
import pytest
from tests.forecast.conftest import DAY_ZERO, series_from_daily

from pairaid.forecast.series import SeriesError, daily_new_cases, from_days, reported_intervals


def test_a_missing_day_stays_missing_and_its_increment_is_one_interval():
    series = series_from_daily([10, 10, 10, 10, 10], missing=(2, 3))
    assert np.isnan(series.confirmed[2]) and np.isnan(series.confirmed[3])
    assert list(series.confirmed[[0, 1, 4]]) == [10, 20, 50]
    new_cases = daily_new_cases(series)
    # day 4's increment covers days 2, 3 and 4: pinned to no single day
    assert np.isnan(new_cases[[0, 2, 3, 4]]).all()
    assert new_cases[1] == 10
    intervals = [(i.start, i.end, i.count) for i in reported_intervals(series)]
    assert intervals == [(0, 1, 10.0), (1, 4, 30.0)]


def test_a_negative_increment_is_kept_as_reported():
    series = series_from_daily([10, 5, -3, 4])
    assert list(daily_new_cases(series)[1:]) == [5, -3, 4]


def test_the_record_up_to_a_day_knows_nothing_after_it():
    series = series_from_daily([1, 2, 3, 4])
    known = series.up_to(DAY_ZERO + datetime.timedelta(days=1))
    assert known.days == 2 and list(known.confirmed) == [1, 3]


def test_a_day_given_twice_is_refused():
    with pytest.raises(SeriesError, match="twice"):
        from_days([DAY_ZERO, DAY_ZERO], [1, 1], [0, 0], [0, 0])
