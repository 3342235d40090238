"""The value of a plan: placement by acuity, staffed beds from a plan's staff, harm, and paired
differences on common random numbers."""

import datetime
from fractions import Fraction

import numpy as np
import pytest
from tests.forecast.conftest import DAY_ZERO, renewal_incidence, series_from_daily

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import CareRatio
from pairaid.forecast import care, census, value

ORIGIN = DAY_ZERO + datetime.timedelta(days=27)
ARRIVAL = ORIGIN + datetime.timedelta(days=2)
ICU = {t: CareRatio(Fraction(4, 5), Fraction(3)) for t in ("icu", "icu_ventilated")}
MIX = value.AidMix(doctors=0.3, nurses=0.6, critical_care=0.5)


def _local(icu_beds: int = 40, icu_nurses: int = 30, illustrative: bool = True) -> value.LocalCare:
    return value.LocalCare(
        {"general": 400, "oxygen": 120, "icu": icu_beds, "icu_ventilated": icu_beds},
        ventilators=icu_beds,
        staff={"doctor": 100, "nurse": 300, "icu_doctor": 10, "icu_nurse": icu_nurses},
        illustrative=illustrative,
    )


def _series():
    return series_from_daily(renewal_incidence(1.2, 28, seed_cases=80.0))


def _report(plans, local=None, **keywords):
    return value.value_plans(
        {"420200": _series(), "420300": _series()},
        {"420200": local or _local()},
        plans,
        MIX,
        ICU,
        origin=ORIGIN,
        paths=300,
        **keywords,
    )


def test_left_over_patients_take_free_beds_of_higher_acuity_most_acute_first():
    demand = {t: np.array([[v]]) for t, v in zip(BED_TYPES, (10.0, 8.0, 5.0, 0.0), strict=True)}
    capacity = {t: np.array([[v]]) for t, v in zip(BED_TYPES, (4.0, 6.0, 2.0, 4.0), strict=True)}
    unmet = value.place(demand, capacity)
    # 4 ventilated beds free: the 3 ICU patients left over take 3, then 1 oxygen patient; the
    # 6 general patients left over find none (the oxygen beds are full).
    assert {t: float(unmet[t][0, 0]) for t in BED_TYPES} == {
        "general": 6.0,
        "oxygen": 1.0,
        "icu": 0.0,
        "icu_ventilated": 0.0,
    }


def test_aid_splits_into_whole_people_by_the_mix():
    staff = MIX.professions(101)
    assert staff == {"icu_doctor": 15, "icu_nurse": 30, "doctor": 15, "nurse": 30}
    assert sum(staff.values()) <= 101  # nobody is invented; the other staff run no beds


def test_the_plans_staff_count_only_from_its_arrival():
    aid = MIX.professions(400)
    by_day = value.capacity_by_day(_local(), aid, ARRIVAL, ORIGIN, 4, ICU)
    own = value.staffed_capacity(_local(), {}, ICU)
    assert by_day["icu"][0] == own["icu"] and by_day["icu"][1] == own["icu"]
    assert by_day["icu"][2] > own["icu"]  # the ICU nurses the aid brings staff more ICU beds
    assert by_day["general"][2] == own["general"] == 400  # no ward ratio: beds alone


def test_more_staff_never_does_worse_on_the_same_paths():
    plans = [
        value.PlanStaff("none", {}, ARRIVAL),
        value.PlanStaff("some", {"420200": 100}, ARRIVAL),
        value.PlanStaff("more", {"420200": 400}, ARRIVAL),
    ]
    report = _report(plans)
    outcomes = report.outcomes["central"]
    for metric in value.METRICS:
        assert np.all(outcomes["some"].metric(metric) <= outcomes["none"].metric(metric) + 1e-9)
        assert np.all(outcomes["more"].metric(metric) <= outcomes["some"].metric(metric) + 1e-9)
    saved = [d for d in report.differences["central"] if d.plan == "more"]
    deaths = next(d for d in saved if d.metric == "excess_deaths")
    assert deaths.difference.mean < 0 and deaths.better_share > 0.5


def test_the_same_plan_twice_differs_by_exactly_nothing():
    plans = [
        value.PlanStaff("a", {"420200": 50}, ARRIVAL),
        value.PlanStaff("b", {"420200": 50}, ARRIVAL),
    ]
    for difference in _report(plans).differences["central"]:
        assert difference.difference == value.Summary(0.0, 0.0, 0.0)


def test_harm_follows_the_sourced_risks_and_stays():
    demand = census.Census(ORIGIN, {t: np.full((1, 2), 10.0) for t in BED_TYPES})
    capacity = {t: np.zeros(2) for t in BED_TYPES}
    outcome = value.simulate(demand, capacity, np.array([14.0]), np.array([7.0]))
    # 20 bed-days per type; general and oxygen patients stay 14 days, ICU patients 7.
    expected_patients = {
        "general": 20 / 14,
        "oxygen": 20 / 14,
        "icu": 20 / 7,
        "icu_ventilated": 20 / 7,
    }
    assert outcome.overflow_bed_days[0] == 80.0
    assert outcome.patients_without_bed[0] == pytest.approx(sum(expected_patients.values()))
    expected_deaths = sum(n * care.DEATH_RISK[t].excess for t, n in expected_patients.items())
    assert outcome.excess_deaths[0] == pytest.approx(expected_deaths)
    upper = value.simulate(demand, capacity, np.array([14.0]), np.array([7.0]), icu_death_risk=1.0)
    assert upper.excess_deaths[0] > outcome.excess_deaths[0]


def test_recipients_without_beds_are_named_not_valued_and_illustrative_figures_say_so():
    report = _report([value.PlanStaff("none", {}, ARRIVAL)])
    assert report.valued == ["420200"] and report.not_valued == {"420300": "beds unknown"}
    assert report.illustrative and "no causal claim" in report.label
    facts = _report([value.PlanStaff("none", {}, ARRIVAL)], local=_local(illustrative=False))
    assert not facts.illustrative


def test_every_setting_of_the_sensitivity_table_is_valued():
    report = _report(
        [value.PlanStaff("none", {}, ARRIVAL), value.PlanStaff("aid", {"420200": 400}, ARRIVAL)]
    )
    assert set(report.outcomes) == {s.name for s in value.SETTINGS}
    central = report.outcomes["central"]["none"].excess_deaths.mean()
    upper = report.outcomes[value.SETTINGS[2].name]["none"].excess_deaths.mean()
    assert upper >= central


def test_plans_must_be_named_apart():
    with pytest.raises(ValueError, match="plan names must differ"):
        _report([value.PlanStaff("a", {}, ARRIVAL), value.PlanStaff("a", {}, ARRIVAL)])
