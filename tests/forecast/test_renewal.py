"""The renewal model: Cori's posterior of R, and forecast paths that follow it."""

import datetime

import numpy as np
import pytest
from tests.forecast.conftest import DAY_ZERO, renewal_incidence, series_from_daily

from pairaid import forecast
from pairaid.forecast import renewal
from pairaid.forecast.parameters import SERIAL_INTERVAL_MAX_DAYS


def test_the_serial_interval_is_a_distribution_over_whole_days_with_the_cited_mean():
    weights = renewal.serial_interval_weights()
    assert len(weights) == SERIAL_INTERVAL_MAX_DAYS
    assert weights.sum() == pytest.approx(1.0)
    assert (weights >= 0).all()
    assert float((np.arange(1, len(weights) + 1) * weights).sum()) == pytest.approx(4.7, abs=0.1)


@pytest.mark.parametrize("reproduction", [0.7, 1.0, 1.5])
def test_a_constant_r_is_recovered_from_a_renewal_series(reproduction):
    series = series_from_daily(renewal_incidence(reproduction, days=45, seed_cases=10000.0))
    posterior = renewal.estimate_reproduction(series, end=44)
    assert posterior.mean == pytest.approx(reproduction, rel=0.03)


def test_a_constant_r_is_recovered_through_poisson_noise():
    rng = np.random.default_rng(3)
    expected = renewal_incidence(1.3, days=45, seed_cases=200.0)
    series = series_from_daily([float(rng.poisson(mean)) for mean in expected])
    assert renewal.estimate_reproduction(series, end=44).mean == pytest.approx(1.3, abs=0.1)


def test_an_interval_after_missing_days_enters_the_window_whole():
    complete = series_from_daily(renewal_incidence(1.2, days=40))
    gapped = series_from_daily(renewal_incidence(1.2, days=40), missing=(36, 37))
    full = renewal.estimate_reproduction(complete, end=39)
    with_gap = renewal.estimate_reproduction(gapped, end=39)
    assert with_gap.cases == pytest.approx(full.cases, abs=1)  # days 36-38 as one count
    assert with_gap.mean == pytest.approx(1.2, rel=0.05)


def test_forecast_paths_grow_with_r_above_one_and_shrink_below():
    for reproduction, grows in ((1.4, True), (0.6, False)):
        series = series_from_daily(renewal_incidence(reproduction, days=40, seed_cases=10000.0))
        origin = DAY_ZERO + datetime.timedelta(days=39)
        paths = forecast.forecast(series, origin, "renewal", paths=400, seed=1)
        first_week = np.median(paths.new_cases_over(7))
        second_week = np.median(paths.new_cases_over(14)) - first_week
        assert bool(second_week > first_week) == grows


def test_the_same_seed_gives_the_same_paths():
    series = series_from_daily(renewal_incidence(1.1, days=30))
    origin = DAY_ZERO + datetime.timedelta(days=29)
    one = forecast.forecast(series, origin, "renewal", paths=100, seed=7)
    two = forecast.forecast(series, origin, "renewal", paths=100, seed=7)
    assert np.array_equal(one.new_cases, two.new_cases)
    assert np.array_equal(one.active, two.active)


def test_an_origin_missing_from_the_record_forecasts_from_the_last_reported_day():
    series = series_from_daily(renewal_incidence(1.1, days=30), missing=(28, 29))
    origin = DAY_ZERO + datetime.timedelta(days=29)
    paths = forecast.forecast(series, origin, "renewal", horizon_days=7, paths=50, seed=0)
    assert paths.first_day == DAY_ZERO + datetime.timedelta(days=28)
    assert paths.new_cases.shape == (50, 9)  # the two unreported days, then the week
    assert paths.new_cases_over(7).shape == (50,)
