"""Forecasts of a recipient's cases, and their backtest: a pure library like the engine (no
Django, no database, no other part of PairAid; numpy and scipy only).

    from pairaid import forecast
    paths = forecast.forecast(series, datetime.date(2020, 2, 10), "renewal", seed=1)
    quantiles = forecast.quantile_forecasts(paths, (7, 14))
"""

from pairaid.forecast.methods import BASELINES, METHODS, Method, NoRecordError, forecast
from pairaid.forecast.parameters import QUANTILE_LEVELS, SAMPLE_PATHS
from pairaid.forecast.paths import (
    TARGETS,
    QuantileForecast,
    SamplePaths,
    Target,
    quantile_forecasts,
)
from pairaid.forecast.series import DailySeries, SeriesError, from_days

__all__ = [
    "BASELINES",
    "METHODS",
    "QUANTILE_LEVELS",
    "SAMPLE_PATHS",
    "TARGETS",
    "DailySeries",
    "Method",
    "NoRecordError",
    "QuantileForecast",
    "SamplePaths",
    "SeriesError",
    "Target",
    "forecast",
    "from_days",
    "quantile_forecasts",
]
