"""Quantiles are read from the joint sample paths, and never cross."""

import datetime

import numpy as np
from tests.forecast.conftest import DAY_ZERO, renewal_incidence, series_from_daily

from pairaid import forecast
from pairaid.forecast.parameters import QUANTILE_LEVELS


def test_quantiles_are_monotone_and_come_from_the_paths():
    series = series_from_daily(renewal_incidence(1.2, days=30))
    origin = DAY_ZERO + datetime.timedelta(days=29)
    for method in forecast.METHODS:
        paths = forecast.forecast(series, origin, method, paths=300, seed=2)
        quantiles = forecast.quantile_forecasts(paths, (7, 14))
        assert {(q.target, q.horizon_days) for q in quantiles} == {
            (target, horizon) for target in forecast.TARGETS for horizon in (7, 14)
        }
        for quantile in quantiles:
            assert len(quantile.values) == len(QUANTILE_LEVELS) == 23
            assert (np.diff(quantile.values) >= 0).all()
            samples = paths.outcome(quantile.target, quantile.horizon_days)
            assert np.allclose(quantile.values, np.quantile(samples, QUANTILE_LEVELS))


def test_active_cases_are_yesterdays_plus_new_less_an_outflow():
    series = series_from_daily(renewal_incidence(1.0, days=30))
    origin = DAY_ZERO + datetime.timedelta(days=29)
    paths = forecast.forecast(series, origin, "persistence", horizon_days=7, paths=200, seed=4)
    before = np.concatenate([np.full((200, 1), series.active[29]), paths.active[:, :-1]], axis=1)
    outflow = before + paths.new_cases - paths.active
    assert (outflow >= 0).all() and (outflow <= before).all()
    assert outflow.sum() > 0  # half the cases are cured as they come: the ratio is positive
