"""Forecast one recipient's cases from its record up to an origin date, by one of three methods."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Literal

import numpy as np

from pairaid.forecast import baselines, parameters, renewal
from pairaid.forecast.outflow import outflow_ratio, simulate_active
from pairaid.forecast.paths import SamplePaths
from pairaid.forecast.series import DailySeries, FloatArray

Method = Literal["renewal", "persistence", "growth"]
METHODS: tuple[Method, ...] = ("renewal", "persistence", "growth")
BASELINES: tuple[Method, ...] = ("persistence", "growth")


class NoRecordError(ValueError):
    """The record has no reported day at or before the forecast origin."""


def _renewal(
    series: DailySeries, end: int, days: int, paths: int, rng: np.random.Generator
) -> FloatArray:
    return renewal.simulate_new_cases(series, end, days, paths, rng)


def _persistence(
    series: DailySeries, end: int, days: int, paths: int, rng: np.random.Generator
) -> FloatArray:
    return baselines.simulate(baselines.persistence_means(series, end, days), paths, rng)


def _growth(
    series: DailySeries, end: int, days: int, paths: int, rng: np.random.Generator
) -> FloatArray:
    return baselines.simulate(baselines.growth_means(series, end, days), paths, rng)


_SIMULATORS: dict[
    Method, Callable[[DailySeries, int, int, int, np.random.Generator], FloatArray]
] = {
    "renewal": _renewal,
    "persistence": _persistence,
    "growth": _growth,
}


def forecast(
    series: DailySeries,
    origin: datetime.date,
    method: Method = "renewal",
    *,
    horizon_days: int = 14,
    paths: int = parameters.SAMPLE_PATHS,
    seed: int | tuple[int, ...] = 0,
) -> SamplePaths:
    """Joint sample paths of new and active cases up to `horizon_days` after `origin`, using only
    the record up to `origin`. When the origin itself is not reported, the paths start after the
    last reported day before it. The same seed gives the same paths."""
    known = series.up_to(origin)
    end = known.last_observed_at_or_before(known.index_of(origin))
    if end is None:
        raise NoRecordError(f"no reported day at or before {origin}")
    days = known.index_of(origin) - end + horizon_days
    rng = np.random.default_rng(seed)
    new_cases = _SIMULATORS[method](known, end, days, paths, rng)
    active = simulate_active(float(known.active[end]), new_cases, outflow_ratio(known, end), rng)
    return SamplePaths(method, origin, known.day_at(end + 1), new_cases, active)
