"""The value of a plan: along a forecast's joint sample paths, the care each recipient can give
with the staff a plan sends it, and the harm where it cannot. A model estimate, not a finding.

For each recipient, path and day of the horizon:

1. **Demand**: the census per bed type (`census.py`; the stays and the ventilated share are
   drawn per path from their sourced ranges).
2. **Capacity**: the staffed beds per bed type (`pairaid.engine.staffing.staffed_beds`, the one
   rule for it) from the recipient's own open beds, ventilators and staff, plus, from the day
   they arrive, the staff the plan sends, divided into professions by a stated mix (`AidMix`).
3. **Placement**: patients take a staffed bed of their type; those left over take a free bed of
   a higher acuity (the engine's rule, `pairaid.engine.beds`), the most acute served first.
4. **Harm**: the patients still without a bed are the day's overflow; summed over the horizon,
   the overflow bed-days. Patients without the bed they need = overflow bed-days / the stay in
   that bed (stock = flow x duration: the ICU stay for ICU types, the hospital stay otherwise).
   Expected excess deaths = those patients x (risk without a bed - risk with one), per bed type
   (`care.DEATH_RISK`, sourced).

Plans are compared with common random numbers: every plan is valued on the same paths and the
same parameter draws, so a paired difference (plan - baseline) per path isolates the plans'
difference from the forecast's uncertainty. No optimisation runs inside a draw: the plans are
fixed before any path is drawn.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import (
    DOCTOR,
    ICU_DOCTOR,
    ICU_NURSE,
    NURSE,
    CareRatio,
    staffed_beds,
)
from pairaid.forecast import care
from pairaid.forecast.backtest import forecast_seed
from pairaid.forecast.census import CareParameters, Census, census_of
from pairaid.forecast.methods import Method, NoRecordError, forecast
from pairaid.forecast.parameters import SAMPLE_PATHS
from pairaid.forecast.paths import SamplePaths
from pairaid.forecast.series import DailySeries, FloatArray

MODEL_ESTIMATE_LABEL = (
    "model estimate: simulated along forecast sample paths under stated assumptions; "
    "no causal claim"
)
INTERVAL = (0.05, 0.95)  # the 90 % interval reported with every figure
METRICS = ("patients_without_bed", "overflow_bed_days", "excess_deaths")


@dataclass(frozen=True)
class LocalCare:
    """A recipient's own beds and staff. `illustrative`: the figures come from an illustrative
    overlay, not from facts; every result that uses them says so."""

    open_beds: dict[str, int | None]
    ventilators: int | None
    staff: dict[str, int]
    illustrative: bool


@dataclass(frozen=True)
class AidMix:
    """How a plan's staff count divides into professions: the shares of doctors and of nurses
    (the rest staff no beds), and the share of both who are critical-care staff."""

    doctors: float
    nurses: float
    critical_care: float = care.CRITICAL_CARE_SHARE_OF_AID.central
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("doctors", "nurses", "critical_care"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be a share in [0, 1], got {getattr(self, name)}")
        if self.doctors + self.nurses > 1.0 + 1e-9:
            raise ValueError("doctors and nurses together exceed the whole staff")

    def professions(self, staff: int) -> dict[str, int]:
        """Whole people by profession (rounded down: nobody is invented)."""
        doctors, nurses = staff * self.doctors, staff * self.nurses
        icu_doctors = math.floor(doctors * self.critical_care)
        icu_nurses = math.floor(nurses * self.critical_care)
        return {
            ICU_DOCTOR: icu_doctors,
            ICU_NURSE: icu_nurses,
            DOCTOR: math.floor(doctors) - icu_doctors,
            NURSE: math.floor(nurses) - icu_nurses,
        }


@dataclass(frozen=True)
class PlanStaff:
    """A plan as the value model sees it: the staff it sends each recipient, arriving on
    `arrival` (on duty from that day on). `changes` makes it a timeline (a rolling plan): per
    recipient, from each day given on, the staff on duty there (the last change before a day
    holds; before the first, `staff` from `arrival`, or none when `staff` omits the recipient)."""

    name: str
    staff: dict[str, int]
    arrival: datetime.date
    changes: dict[str, tuple[tuple[datetime.date, int], ...]] = field(default_factory=dict)

    def on_duty(self, recipient: str, first_day: datetime.date, days: int) -> list[int]:
        """The plan's staff on duty at `recipient` on each of `days` days from `first_day`."""
        changes = sorted(self.changes.get(recipient, ()))
        on_duty = []
        for column in range(days):
            day = first_day + datetime.timedelta(days=column)
            staff = self.staff.get(recipient, 0) if day >= self.arrival else 0
            for since, count in changes:
                if since <= day:
                    staff = count
            on_duty.append(staff)
        return on_duty

    def most_on_duty(self, recipient: str) -> int:
        """The most staff the plan ever has on duty at `recipient` (what its staffed beds are
        shown with)."""
        return max([self.staff.get(recipient, 0), *(c for _, c in self.changes.get(recipient, ()))])


def staffed_capacity(
    local: LocalCare, aid: Mapping[str, int], ratios: dict[str, CareRatio]
) -> dict[str, int]:
    """Staffed beds per bed type with the recipient's own staff and `aid` on duty."""
    staff = {p: local.staff.get(p, 0) + aid.get(p, 0) for p in {*local.staff, *aid}}
    beds = staffed_beds(
        open_beds=local.open_beds, ventilators=local.ventilators, staff=staff, ratios=ratios
    )
    return {b.bed_type: b.staffed or 0 for b in beds}


def capacity_by_day(
    local: LocalCare,
    aid: Mapping[str, int],
    arrival: datetime.date,
    first_day: datetime.date,
    days: int,
    ratios: dict[str, CareRatio],
) -> dict[str, FloatArray]:
    """Staffed beds per bed type on each day: the recipient's own until `arrival`, with the
    aid from then on."""
    before = staffed_capacity(local, {}, ratios)
    after = staffed_capacity(local, aid, ratios)
    on_duty = np.array(
        [first_day + datetime.timedelta(days=d) >= arrival for d in range(days)], dtype=bool
    )
    return {t: np.where(on_duty, float(after[t]), float(before[t])) for t in BED_TYPES}


def capacity_on_duty(
    local: LocalCare, on_duty: Sequence[int], mix: AidMix, ratios: dict[str, CareRatio]
) -> dict[str, FloatArray]:
    """Staffed beds per bed type on each day with `on_duty[day]` aid staff (divided by `mix`)
    beside the recipient's own: the same rule as `capacity_by_day`, for staff that change."""
    by_count = {
        count: staffed_capacity(local, mix.professions(count), ratios) for count in set(on_duty)
    }
    return {
        t: np.array([float(by_count[count][t]) for count in on_duty], dtype=np.float64)
        for t in BED_TYPES
    }


@dataclass(frozen=True)
class Outcome:
    """Per path (arrays of length paths), summed over the horizon and the bed types; and the
    patients without a bed per bed type."""

    patients_without_bed: FloatArray
    overflow_bed_days: FloatArray
    excess_deaths: FloatArray
    without_bed_by_type: dict[str, FloatArray] = field(default_factory=dict)

    def metric(self, name: str) -> FloatArray:
        values: FloatArray = getattr(self, name)
        return values

    def _of_type(self, bed_type: str) -> FloatArray:
        found = self.without_bed_by_type.get(bed_type)
        return np.zeros_like(self.patients_without_bed) if found is None else found

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(
            self.patients_without_bed + other.patients_without_bed,
            self.overflow_bed_days + other.overflow_bed_days,
            self.excess_deaths + other.excess_deaths,
            {t: self._of_type(t) + other._of_type(t) for t in BED_TYPES},
        )


def place(demand: dict[str, FloatArray], capacity: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """Patients without a bed per bed type (paths x days) once each type's staffed beds are
    filled and the left-over patients take free beds of a higher acuity, the most acute first."""
    unmet = {t: np.maximum(demand[t] - capacity[t], 0.0) for t in BED_TYPES}
    spare = {t: np.maximum(capacity[t] - demand[t], 0.0) for t in BED_TYPES}
    for rank in range(len(BED_TYPES) - 1, -1, -1):
        needing = BED_TYPES[rank]
        for higher in BED_TYPES[rank + 1 :]:
            taken = np.minimum(unmet[needing], spare[higher])
            unmet[needing] = unmet[needing] - taken
            spare[higher] = spare[higher] - taken
    return unmet


def _stay(bed_type: str, hospital_days: FloatArray, icu_days: FloatArray) -> FloatArray:
    return icu_days if bed_type in ("icu", "icu_ventilated") else hospital_days


def simulate(
    census: Census,
    capacity: dict[str, FloatArray],
    hospital_days: FloatArray,
    icu_days: FloatArray,
    icu_death_risk: float | None = None,
) -> Outcome:
    """One recipient's outcome per path under one plan's capacity. `hospital_days` and
    `icu_days` are the per-path stays the census was drawn with; `icu_death_risk` overrides the
    sourced risk of an ICU patient without a bed (for the sensitivity table)."""
    unmet = place(census.by_bed_type, {t: capacity[t][np.newaxis, :] for t in BED_TYPES})
    paths = census.hospital.shape[0]
    bed_days = np.zeros(paths)
    patients = np.zeros(paths)
    deaths = np.zeros(paths)
    by_type = {}
    for bed_type in BED_TYPES:
        overflow = unmet[bed_type].sum(axis=1)
        without = overflow / _stay(bed_type, hospital_days, icu_days)
        risk = care.DEATH_RISK[bed_type]
        without_bed = risk.without_bed.central
        if icu_death_risk is not None and bed_type in ("icu", "icu_ventilated"):
            without_bed = icu_death_risk
        bed_days += overflow
        patients += without
        deaths += without * (without_bed - risk.with_bed)
        by_type[bed_type] = without
    return Outcome(patients, bed_days, deaths, by_type)


@dataclass(frozen=True)
class Summary:
    """A figure over the paths: its mean and 90 % interval."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: FloatArray) -> Summary:
        low, high = np.quantile(values, INTERVAL)
        return cls(float(np.mean(values)), float(low), float(high))


@dataclass(frozen=True)
class PairedDifference:
    """Plan - baseline, path by path: the mean, its 90 % interval over the paths, and the share
    of paths on which the plan does better (a lower figure)."""

    metric: str
    plan: str
    baseline: str
    difference: Summary
    better_share: float


def paired_differences(
    outcomes: Mapping[str, Outcome], baseline: str, metrics: Sequence[str] = METRICS
) -> list[PairedDifference]:
    """Every other plan against the baseline, on every metric, with common random numbers."""
    reference = outcomes[baseline]
    return [
        PairedDifference(
            metric,
            plan,
            baseline,
            Summary.of(outcome.metric(metric) - reference.metric(metric)),
            float(np.mean(outcome.metric(metric) < reference.metric(metric))),
        )
        for plan, outcome in outcomes.items()
        if plan != baseline
        for metric in metrics
    ]


@dataclass(frozen=True)
class Setting:
    """One row of the sensitivity table: the figures varied, the rest at their central value."""

    name: str
    critical_care: float = care.CRITICAL_CARE_SHARE_OF_AID.central
    icu_death_risk: float | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("central"),
    Setting("critical-care share of aid low", critical_care=care.CRITICAL_CARE_SHARE_OF_AID.low),
    Setting(
        "ICU patient without a bed dies (upper bound)",
        icu_death_risk=care.DEATH_RISK["icu"].without_bed.high,
    ),
)


@dataclass
class ValueReport:
    """Every plan's outcome (summed over the valued recipients) per setting, the paired
    differences against the baseline, and what was left out and why."""

    origin: datetime.date
    horizon_days: int
    paths: int
    method: str
    baseline: str
    valued: list[str]
    not_valued: dict[str, str]
    illustrative: bool
    outcomes: dict[str, dict[str, Outcome]]  # setting -> plan -> outcome
    differences: dict[str, list[PairedDifference]]  # setting -> differences
    # recipient -> plan -> staffed beds per bed type once the plan's staff are on duty (central
    # setting), and recipient -> its own staffed beds: what explains the outcomes.
    staffed: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    own_staffed: dict[str, dict[str, int]] = field(default_factory=dict)
    label: str = MODEL_ESTIMATE_LABEL


def observed_paths(
    series: DailySeries, origin: datetime.date, horizon_days: int, paths: int
) -> SamplePaths:
    """The record itself as `paths` identical sample paths over the `horizon_days` days after
    `origin` (valuing plans on what was observed, not on a forecast). A day the record misses
    holds the last reported counts before it: the valuation needs a census every day, and that
    choice is stated wherever the figures are shown. Refused where the record ends before the
    horizon does, or has no day at or before the first."""
    first = series.index_of(origin) + 1
    last = first + horizon_days - 1
    if last >= series.days:
        raise NoRecordError(
            f"the daily record ends on {series.day_at(series.days - 1)}, before "
            f"{series.day_at(last)}, the horizon's last day"
        )
    start = series.last_observed_at_or_before(first)
    if start is None:
        raise NoRecordError(f"no daily record at or before {series.day_at(first)}")
    active = np.empty(horizon_days)
    new_cases = np.empty(horizon_days)
    previous = series.confirmed[start]
    for column in range(horizon_days):
        held = series.last_observed_at_or_before(first + column)
        assert held is not None  # `start` is at or before every later day
        active[column] = series.active[held]
        new_cases[column] = max(0.0, series.confirmed[held] - previous)
        previous = series.confirmed[held]
    return SamplePaths(
        "observed",
        origin,
        series.day_at(first),
        np.tile(new_cases, (paths, 1)),
        np.tile(active, (paths, 1)),
    )


def _horizon(result: Census, horizon_days: int) -> Census:
    """The census over the horizon's days alone (a nowcast of unreported days before the origin
    is left out)."""
    skip = result.days - horizon_days
    return Census(
        result.first_day + datetime.timedelta(days=skip),
        {t: values[:, skip:] for t, values in result.by_bed_type.items()},
    )


def value_plans(
    series: Mapping[str, DailySeries],
    local: Mapping[str, LocalCare],
    plans: Sequence[PlanStaff],
    mix: AidMix,
    ratios: dict[str, CareRatio],
    *,
    origin: datetime.date,
    method: Method = "renewal",
    horizon_days: int = 14,
    paths: int = SAMPLE_PATHS,
    seed: int = 0,
    settings: Sequence[Setting] = SETTINGS,
    observed: bool = False,
) -> ValueReport:
    """Value every plan on the same sample paths and parameter draws (common random numbers);
    the first plan is the baseline. A recipient without a record at the origin, or whose beds
    are unknown, is not valued and is named with the reason. `observed`: the cases are the
    record's own over the horizon (`observed_paths`), not a forecast: only the stays and shares
    are drawn per path."""
    if not plans:
        raise ValueError("value_plans needs at least one plan")
    names = [plan.name for plan in plans]
    if len(set(names)) != len(names):
        raise ValueError(f"plan names must differ, got {names}")
    zero = Outcome(np.zeros(paths), np.zeros(paths), np.zeros(paths))
    totals = {s.name: dict.fromkeys(names, zero) for s in settings}
    valued, not_valued, illustrative = [], {}, False
    staffed: dict[str, dict[str, dict[str, int]]] = {}
    own_staffed: dict[str, dict[str, int]] = {}
    for recipient, recipient_series in series.items():
        care_here = local.get(recipient)
        if care_here is None or all(beds is None for beds in care_here.open_beds.values()):
            not_valued[recipient] = "beds unknown"
            continue
        try:
            sample_paths = (
                observed_paths(recipient_series, origin, horizon_days, paths)
                if observed
                else forecast(
                    recipient_series,
                    origin,
                    method,
                    horizon_days=horizon_days,
                    paths=paths,
                    seed=forecast_seed(seed, recipient, origin, method),
                )
            )
        except NoRecordError as missing:
            not_valued[recipient] = (
                str(missing) if observed else f"no daily record at or before {origin}"
            )
            continue
        rng = np.random.default_rng((*forecast_seed(seed, recipient, origin, method), 1))
        parameters = CareParameters.sampled(paths, rng)
        demand = _horizon(census_of(sample_paths, parameters), horizon_days)
        hospital_days = np.asarray(parameters.hospital_days, dtype=np.float64)
        icu_days = np.asarray(parameters.icu_days, dtype=np.float64)
        for setting in settings:
            setting_mix = replace(mix, critical_care=setting.critical_care)
            for plan in plans:
                capacity = capacity_on_duty(
                    care_here,
                    plan.on_duty(recipient, demand.first_day, demand.days),
                    setting_mix,
                    ratios,
                )
                outcome = simulate(
                    demand, capacity, hospital_days, icu_days, setting.icu_death_risk
                )
                totals[setting.name][plan.name] = totals[setting.name][plan.name] + outcome
        valued.append(recipient)
        illustrative = illustrative or care_here.illustrative
        own_staffed[recipient] = staffed_capacity(care_here, {}, ratios)
        staffed[recipient] = {
            plan.name: staffed_capacity(
                care_here, mix.professions(plan.most_on_duty(recipient)), ratios
            )
            for plan in plans
        }
    return ValueReport(
        origin=origin,
        horizon_days=horizon_days,
        paths=paths,
        method="observed" if observed else method,
        baseline=names[0],
        valued=valued,
        not_valued=not_valued,
        illustrative=illustrative,
        outcomes=totals,
        differences={
            name: paired_differences(outcomes, names[0]) for name, outcomes in totals.items()
        },
        staffed=staffed,
        own_staffed=own_staffed,
    )
