"""Joint sample paths of a forecast, and the quantiles read from them.

The paths are kept (not only their quantiles) so that later Monte Carlo work can follow the same
draws: path p of new cases and path p of active cases are one joint draw.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

import numpy as np

from pairaid.forecast import parameters
from pairaid.forecast.series import FloatArray

Target = Literal["new_confirmed", "active"]
TARGETS: tuple[Target, ...] = ("new_confirmed", "active")


@dataclass(frozen=True)
class SamplePaths:
    """Daily sample paths (paths x days) from `first_day` on: new confirmed cases on each day and
    active cases at the end of each day. `origin` is the forecast origin; the paths may start
    before the day after it when the origin itself was not reported."""

    method: str
    origin: datetime.date
    first_day: datetime.date
    new_cases: FloatArray
    active: FloatArray

    def _column(self, day: datetime.date) -> int:
        column = (day - self.first_day).days
        if not 0 <= column < self.new_cases.shape[1]:
            raise ValueError(f"{day} is outside the paths ({self.first_day} on)")
        return column

    def new_cases_over(self, horizon_days: int) -> FloatArray:
        """Per path: new confirmed cases over the `horizon_days` days after the origin."""
        first = self._column(self.origin + datetime.timedelta(days=1))
        last = self._column(self.origin + datetime.timedelta(days=horizon_days))
        total: FloatArray = self.new_cases[:, first : last + 1].sum(axis=1)
        return total

    def active_at(self, horizon_days: int) -> FloatArray:
        """Per path: active cases `horizon_days` days after the origin."""
        column: FloatArray = self.active[
            :, self._column(self.origin + datetime.timedelta(days=horizon_days))
        ]
        return column

    def outcome(self, target: Target, horizon_days: int) -> FloatArray:
        if target == "new_confirmed":
            return self.new_cases_over(horizon_days)
        return self.active_at(horizon_days)


@dataclass(frozen=True)
class QuantileForecast:
    """One target at one horizon as quantiles: `values[i]` is the quantile at `levels[i]`."""

    method: str
    origin: datetime.date
    target: Target
    horizon_days: int
    levels: tuple[float, ...]
    values: FloatArray


def quantiles_of(
    samples: FloatArray, levels: tuple[float, ...] = parameters.QUANTILE_LEVELS
) -> FloatArray:
    """Empirical quantiles of the samples (linear interpolation), non-decreasing in the level."""
    values: FloatArray = np.quantile(samples, levels)
    return np.maximum.accumulate(values)  # guards against rounding in the interpolation


def quantile_forecasts(
    sample_paths: SamplePaths, horizons: tuple[int, ...]
) -> list[QuantileForecast]:
    """The 23 quantiles of every target at every horizon."""
    return [
        QuantileForecast(
            sample_paths.method,
            sample_paths.origin,
            target,
            horizon,
            parameters.QUANTILE_LEVELS,
            quantiles_of(sample_paths.outcome(target, horizon)),
        )
        for target in TARGETS
        for horizon in horizons
    ]
