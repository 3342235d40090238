"""Hospital, oxygen and ICU census along a forecast's joint sample paths: a model output.

The record counts confirmed, cured and dead cases; it never counted patients in beds. The census
here follows from the forecast's active cases through the dated, sourced assumptions of
`care.py`, read as stock = flow x duration:

- a case is admitted if its severity is admitted on that day (the admission policy is dated:
  mild cases were home-isolated until 2020-02-04, admitted from 2020-02-05);
- every admitted case stays the hospital stay; a critical case spends the ICU stay of it in an
  ICU bed and the rest in an oxygen bed (step-down). The ICU stay lies inside the hospital stay,
  so a patient in ICU counts in the hospital census too (nesting), and the share of critical
  cases in ICU at any time is ICU stay / hospital stay;
- mild cases take general beds, severe cases oxygen beds; of the critical cases in ICU, the
  ventilated share takes `icu_ventilated` beds, the others `icu` beds.

So on each day, with A active cases and shares s of severity:

    general        = A * s_mild                        (if mild cases are admitted that day)
    oxygen         = A * (s_severe + s_critical * (1 - icu_days / hospital_days))
    icu            = A * s_critical * icu_days / hospital_days * (1 - ventilated)
    icu_ventilated = A * s_critical * icu_days / hospital_days * ventilated
    hospital       = the sum of the four

Expected counts (not drawn): the uncertainty is the forecast's (its joint paths) and, where a
caller samples them, the parameters' (`CareParameters` per path).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from pairaid.engine.beds import BED_TYPES
from pairaid.forecast import care
from pairaid.forecast.parameters import QUANTILE_LEVELS
from pairaid.forecast.paths import SamplePaths, quantiles_of
from pairaid.forecast.series import FloatArray

# Every census is labelled so wherever it is shown: the record never observed it.
MODEL_OUTPUT_LABEL = "model output (census was never observed; derived from forecast cases)"


@dataclass(frozen=True)
class CareParameters:
    """Stay lengths and ventilated share: one value, or one per sample path (arrays)."""

    hospital_days: float | FloatArray = care.HOSPITAL_STAY_DAYS.central
    icu_days: float | FloatArray = care.ICU_STAY_DAYS.central
    ventilated_share: float | FloatArray = care.VENTILATED_SHARE_OF_ICU.central

    def __post_init__(self) -> None:
        if np.any(np.asarray(self.icu_days) > np.asarray(self.hospital_days)):
            raise ValueError("the ICU stay lies inside the hospital stay: it cannot be longer")
        if np.any(np.asarray(self.icu_days) <= 0):
            raise ValueError("stays must be positive")
        share = np.asarray(self.ventilated_share)
        if np.any((share < 0) | (share > 1)):
            raise ValueError("the ventilated share must lie in [0, 1]")

    @classmethod
    def sampled(cls, paths: int, rng: np.random.Generator) -> CareParameters:
        """One draw per path, uniform over each sourced range (a range is all the sources give;
        uniform states no more than that). ICU stays are capped at the path's hospital stay."""

        def uniform(value: care.Range) -> FloatArray:
            drawn: FloatArray = rng.uniform(value.low, value.high, size=paths)
            return drawn

        hospital = uniform(care.HOSPITAL_STAY_DAYS)
        return cls(
            hospital_days=hospital,
            icu_days=np.minimum(uniform(care.ICU_STAY_DAYS), hospital),
            ventilated_share=uniform(care.VENTILATED_SHARE_OF_ICU),
        )


@dataclass(frozen=True)
class Census:
    """Patients in beds of each type (paths x days from `first_day`), a model output."""

    first_day: datetime.date
    by_bed_type: dict[str, FloatArray]
    label: str = MODEL_OUTPUT_LABEL

    @property
    def hospital(self) -> FloatArray:
        """Every patient in a bed of any type (an ICU patient counts here too)."""
        total: FloatArray = sum(self.by_bed_type[t] for t in BED_TYPES)  # type: ignore[assignment]
        return total

    @property
    def icu(self) -> FloatArray:
        """Patients in ICU beds, ventilated or not."""
        total: FloatArray = self.by_bed_type["icu"] + self.by_bed_type["icu_ventilated"]
        return total

    @property
    def days(self) -> int:
        return int(self.hospital.shape[1])

    def day(self, column: int) -> datetime.date:
        return self.first_day + datetime.timedelta(days=column)


def _per_path(value: float | FloatArray) -> FloatArray:
    """A parameter as a column (paths x 1), so that it scales every day of its path."""
    column: FloatArray = np.asarray(value, dtype=np.float64).reshape(-1, 1)
    return column


def admitted_shares(first_day: datetime.date, days: int) -> dict[care.Severity, FloatArray]:
    """Per day: the share of active cases of each severity that is in a bed, under the
    admission policy in force that day (0 where the severity was not admitted)."""
    shares = {severity: np.zeros(days) for severity in care.SEVERITIES}
    for column in range(days):
        policy = care.admission_policy(first_day + datetime.timedelta(days=column))
        for severity in policy.admitted:
            shares[severity][column] = care.severity_share(severity)
    return shares


def census(
    active: FloatArray, first_day: datetime.date, parameters: CareParameters | None = None
) -> Census:
    """The census per bed type from active cases (paths x days from `first_day`)."""
    parameters = parameters or CareParameters()
    active = np.maximum(np.asarray(active, dtype=np.float64), 0.0)
    shares = admitted_shares(first_day, active.shape[1])
    in_icu = _per_path(parameters.icu_days) / _per_path(parameters.hospital_days)
    ventilated = _per_path(parameters.ventilated_share)
    critical = active * shares["critical"]
    by_type: dict[str, FloatArray] = {
        "general": active * shares["mild"],
        "oxygen": active * shares["severe"] + critical * (1.0 - in_icu),
        "icu": critical * in_icu * (1.0 - ventilated),
        "icu_ventilated": critical * in_icu * ventilated,
    }
    return Census(first_day, {t: by_type[t] for t in BED_TYPES})


def census_of(sample_paths: SamplePaths, parameters: CareParameters | None = None) -> Census:
    """The census along a forecast's joint sample paths."""
    return census(sample_paths.active, sample_paths.first_day, parameters)


@dataclass(frozen=True)
class CensusQuantiles:
    """One series of the census (a bed type, "hospital" or "icu_all") per day as quantiles."""

    series: str
    first_day: datetime.date
    levels: tuple[float, ...]
    values: FloatArray  # days x levels
    label: str = MODEL_OUTPUT_LABEL


def census_quantiles(result: Census) -> list[CensusQuantiles]:
    """The 23 quantiles, per day, of every bed type, the ICU (both types) and the hospital."""
    series = {**result.by_bed_type, "icu_all": result.icu, "hospital": result.hospital}
    return [
        CensusQuantiles(
            name,
            result.first_day,
            QUANTILE_LEVELS,
            np.array([quantiles_of(values[:, day]) for day in range(values.shape[1])]),
        )
        for name, values in series.items()
    ]
