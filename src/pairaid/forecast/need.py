"""Need from a forecast: the staff a recipient's projected census calls for.

Along each joint sample path, the staff the census needs on a day is the census of every bed
type times that type's care ratio (doctors and nurses per bed, the programme's table,
`pairaid.engine.staffing.CareRatio`); the path's need is the peak of that over the horizon, and
the need stated is a quantile of the peaks over the paths ("staff for the 80th percentile of
the projected peak"), for doctors and for nurses each. The peak is taken of a profession's
staff over all bed types, not of each bed type apart: summing separate peaks would count a day
that no path has. Ratios count as the table says (headcount or on duty); the need is in the
same count.

A bed type whose ratio is unknown (no sourced figure) adds no staff: the need is then a lower
bound, and the result names the types left out so that whoever shows it can say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import CareRatio
from pairaid.forecast.census import MODEL_OUTPUT_LABEL, Census
from pairaid.forecast.methods import METHODS, Method
from pairaid.forecast.series import FloatArray


@dataclass(frozen=True)
class StaffNeed:
    """Staff needed at `quantile` of the projected peak over the first `horizon_days` days.

    `doctors` and `nurses` are whole people (rounded up); `staff` is their sum, the programme's
    medical staff. `peak_census` is the same quantile of the hospital census's peak, for the
    record. `unrated_bed_types` had no care ratio, so add nothing."""

    quantile: float
    horizon_days: int
    doctors: int
    nurses: int
    peak_census: float
    unrated_bed_types: tuple[str, ...]
    label: str = MODEL_OUTPUT_LABEL

    @property
    def staff(self) -> int:
        return self.doctors + self.nurses


def _staff_per_day(census: Census, per_bed: dict[str, float]) -> FloatArray:
    total = np.zeros_like(census.hospital)
    for bed_type, ratio in per_bed.items():
        total = total + census.by_bed_type[bed_type] * ratio
    return total


def staff_needed(
    census: Census,
    ratios: dict[str, CareRatio],
    *,
    quantile: float = 0.8,
    horizon_days: int = 14,
) -> StaffNeed:
    """The staff for the `quantile` of the projected peak over the first `horizon_days` days of
    the census (which starts the day after the forecast origin)."""
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"the quantile must lie strictly between 0 and 1, got {quantile}")
    if not 1 <= horizon_days <= census.days:
        raise ValueError(f"the horizon must be 1 to {census.days} days, got {horizon_days}")
    unknown = sorted(set(ratios) - set(BED_TYPES))
    if unknown:
        raise ValueError(f"unknown bed type {unknown[0]!r}; expected {', '.join(BED_TYPES)}")
    window = Census(
        census.first_day,
        {t: values[:, :horizon_days] for t, values in census.by_bed_type.items()},
    )
    doctors = {t: float(r.doctors_per_bed) for t, r in ratios.items() if r.doctors_per_bed}
    nurses = {t: float(r.nurses_per_bed) for t, r in ratios.items() if r.nurses_per_bed}

    def at_quantile(per_day: FloatArray) -> float:
        return float(np.quantile(per_day.max(axis=1), quantile))

    return StaffNeed(
        quantile=quantile,
        horizon_days=horizon_days,
        doctors=math.ceil(at_quantile(_staff_per_day(window, doctors)) - 1e-9),
        nurses=math.ceil(at_quantile(_staff_per_day(window, nurses)) - 1e-9),
        peak_census=at_quantile(window.hospital),
        unrated_bed_types=tuple(t for t in BED_TYPES if t not in doctors and t not in nurses),
    )


FORECAST_BASIS_PREFIX = "forecast"
FORECAST_BASIS_SYNTAX = "forecast[:METHOD[:QUANTILE[:HORIZON_DAYS]]]"
DEFAULT_QUANTILE = 0.8
DEFAULT_HORIZON_DAYS = 14
MAX_HORIZON_DAYS = 28


class NeedBasisError(ValueError):
    """A `forecast:…` need basis that cannot be read (says which part and what was expected)."""


@dataclass(frozen=True)
class ForecastNeedBasis:
    """Plan on projected need: staff at `quantile` of the peak census over `horizon_days`,
    projected by `method` from the record up to the plan's date."""

    method: Method = "renewal"
    quantile: float = DEFAULT_QUANTILE
    horizon_days: int = DEFAULT_HORIZON_DAYS

    @staticmethod
    def applies(text: str) -> bool:
        """Whether a need basis is written as a forecast (else it names an indicator)."""
        return text.strip().partition(":")[0] == FORECAST_BASIS_PREFIX

    @classmethod
    def parse(cls, text: str) -> ForecastNeedBasis:
        prefix, *parts = text.strip().split(":")
        if prefix != FORECAST_BASIS_PREFIX or len(parts) > 3:
            raise NeedBasisError(f"expected {FORECAST_BASIS_SYNTAX}, got {text!r}")
        method = parts[0] if parts and parts[0] else "renewal"
        if method not in METHODS:
            raise NeedBasisError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
        quantile = _number(parts[1], "quantile", float) if len(parts) > 1 else DEFAULT_QUANTILE
        if not 0.0 < quantile < 1.0:
            raise NeedBasisError(f"quantile: expected a number between 0 and 1, got {quantile:g}")
        horizon = _number(parts[2], "horizon", int) if len(parts) > 2 else DEFAULT_HORIZON_DAYS
        if not 1 <= horizon <= MAX_HORIZON_DAYS:
            raise NeedBasisError(f"horizon: expected 1 to {MAX_HORIZON_DAYS} days, got {horizon}")
        return cls(method, quantile, horizon)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{FORECAST_BASIS_PREFIX}:{self.method}:{self.quantile:g}:{self.horizon_days}"


def _number(text: str, part: str, kind: type[float] | type[int]) -> Any:
    try:
        value = kind(text)
    except ValueError:
        expected = "a whole number of days" if kind is int else "a number"
        raise NeedBasisError(f"{part}: expected {expected}, got {text!r}") from None
    if not math.isfinite(value):
        raise NeedBasisError(f"{part}: expected a finite number, got {text!r}")
    return value
