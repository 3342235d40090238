"""Persistence and last week's growth, against numbers worked out by hand."""

import numpy as np
import pytest
from tests.forecast.conftest import series_from_daily

from pairaid.forecast import baselines

# day 0: 5 cases; days 1-7: 10 a day; days 8-14: 20 a day
TWO_WEEKS = [5] + [10] * 7 + [20] * 7


def test_persistence_repeats_last_weeks_daily_rate():
    series = series_from_daily(TWO_WEEKS)
    assert list(baselines.persistence_means(series, end=14, days_ahead=14)) == [20.0] * 14


def test_growth_continues_the_week_on_week_ratio():
    series = series_from_daily(TWO_WEEKS)
    means = baselines.growth_means(series, end=14, days_ahead=14)
    growth = (140 + 1) / (70 + 1)
    assert means[:7] == pytest.approx([20 * growth] * 7)
    assert means[7:] == pytest.approx([20 * growth**2] * 7)


def test_a_missing_day_widens_last_week_instead_of_being_filled():
    series = series_from_daily(TWO_WEEKS, missing=(7,))
    rate, start = baselines.weekly_rate(series, end=14)
    assert start == 6  # the last reported day at least a week before day 14
    assert rate == pytest.approx((10 + 140) / 8)


def test_growth_without_a_week_before_is_persistence():
    series = series_from_daily([5] + [10] * 7)
    assert list(baselines.growth_means(series, end=7, days_ahead=3)) == [10.0] * 3


def test_a_week_of_revisions_expects_no_cases():
    series = series_from_daily([50] + [-1] * 7)
    assert list(baselines.persistence_means(series, end=7, days_ahead=2)) == [0.0, 0.0]


def test_paths_scatter_around_the_means():
    draws = baselines.simulate(np.full(7, 100.0), 2000, np.random.default_rng(0))
    assert draws.shape == (2000, 7)
    assert draws.mean() == pytest.approx(100, rel=0.02)
