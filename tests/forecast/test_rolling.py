"""Rolling re-plans: each step plans on the record as known that day and nothing after it;
teams stay their minimum stay and travel their transit days; nobody is on duty after the
withdrawal; the duty roster is what the value model values."""

import datetime
from fractions import Fraction

import numpy as np
import pytest
from tests.forecast.conftest import DAY_ZERO, renewal_incidence, series_from_daily

from pairaid.engine.staffing import CareRatio
from pairaid.forecast import rolling, value
from pairaid.forecast.methods import NoRecordError
from pairaid.forecast.need import ForecastNeedBasis
from pairaid.forecast.series import from_days

RATIOS = {t: CareRatio(Fraction(1, 5), Fraction(1, 2)) for t in ("general", "oxygen")}
BASIS = ForecastNeedBasis("persistence", 0.8, 7)  # a baseline: fast, and exact enough here
FIRST = DAY_ZERO + datetime.timedelta(days=20)
SCHEDULE = rolling.Schedule(FIRST, steps=3, every_days=7)
REALISM = rolling.Realism(transit_days=2, minimum_stay_days=10, withdrawal=None)
A, B = "420100", "420200"
PATHS = 40


def _series(growth: float = 1.1, days: int = 60):
    return series_from_daily(renewal_incidence(growth, days, seed_cases=50.0))


def _rising_then(after: int, factor: float):
    """The same record as `_series()` up to day `after`, then every count scaled."""
    base = _series()
    scale = np.where(np.arange(base.days) > after, factor, 1.0)
    days = [base.day_at(i) for i in range(base.days)]
    return from_days(
        days,
        [int(c) for c in base.confirmed * scale],
        [int(c) for c in base.cured * scale],
        [0] * base.days,
    )


class Recorder:
    """A planner that sends every donor to the neediest recipient it may (keeping those that
    must stay), and records what it was asked."""

    def __init__(self) -> None:
        self.requests: list[rolling.StepRequest] = []

    def __call__(self, request: rolling.StepRequest) -> rolling.StepPlan:
        self.requests.append(request)
        neediest = max(request.need, key=lambda r: (request.need[r].staff, r))
        plan = {pair: 100 for pair in request.staying}
        for donor in ("D1", "D2"):
            if not any(d == donor for d, _ in plan):
                plan[(donor, neediest)] = 100
        return rolling.StepPlan(plan, "optimal", {"levels": [{"value": 1.0, "bound": 1.0}]})


def _plan(series, planner, schedule=SCHEDULE, realism=REALISM, initial=None):
    initial = initial or {("D1", A): 100, ("D2", A): 100}
    return rolling.rolling_plan(
        series,
        initial,
        dict.fromkeys(initial, FIRST - datetime.timedelta(days=30)),
        planner,
        schedule,
        basis=BASIS,
        ratios=RATIOS,
        churn_budget=4,
        realism=realism,
        paths=PATHS,
    )


def test_no_step_reads_the_record_after_its_own_date():
    second_step = SCHEDULE.days()[1]
    cut = (second_step - DAY_ZERO).days
    seen, changed = Recorder(), Recorder()
    _plan({A: _series(), B: _series()}, seen)
    _plan({A: _series(), B: _rising_then(cut, 20.0)}, changed)
    needs = [[r.need[B] for r in recorder.requests] for recorder in (seen, changed)]
    # Steps 1 and 2 (at and before the day the records part) are asked exactly the same.
    assert needs[0][:2] == needs[1][:2]
    assert needs[0][2].staff < needs[1][2].staff  # step 3 sees the later record: the test bites


def test_teams_stay_their_minimum_stay_and_travel_their_transit_days():
    series = {A: _series(1.0), B: _series(1.3)}  # B grows: the planner moves the donors there
    plan = _plan(series, Recorder())
    first, second, third = plan.steps
    assert first.request.staying == frozenset()  # on duty 30 days before: free to move
    assert first.added == {("D1", B), ("D2", B)} and first.staff_moved == 200
    arrival = FIRST + datetime.timedelta(days=REALISM.transit_days)
    assert first.on_duty_from[("D1", B)] == arrival
    # A week later they have been on duty 5 days of their 10: they must stay.
    assert second.request.staying == {("D1", B), ("D2", B)}
    assert third.request.staying == frozenset()
    roster = plan.roster("rolling")
    on_duty = {r: roster.on_duty(r, FIRST, 3) for r in (A, B)}
    # From the step on the teams work nowhere until they arrive at B two days later.
    assert on_duty == {A: [0, 0, 0], B: [0, 0, 200]}


def test_a_planner_that_moves_a_team_within_its_stay_is_refused():
    def restless(request: rolling.StepRequest) -> rolling.StepPlan:
        return rolling.StepPlan({("D1", A): 100, ("D2", A): 100}, "optimal")

    initial = {("D1", B): 100, ("D2", B): 100}
    with pytest.raises(rolling.RollingError, match=r"step 1 .*moved within its stay"):
        rolling.rolling_plan(
            {A: _series(), B: _series()},
            initial,
            dict.fromkeys(initial, FIRST),
            restless,
            SCHEDULE,
            basis=BASIS,
            ratios=RATIOS,
            churn_budget=None,
            realism=REALISM,
            paths=PATHS,
        )


def test_no_aid_is_on_duty_from_the_withdrawal_and_no_step_is_planned_after_it():
    withdrawal = SCHEDULE.days()[-1] + datetime.timedelta(days=3)
    realism = rolling.Realism(transit_days=0, minimum_stay_days=0, withdrawal=withdrawal)
    plan = _plan({A: _series(), B: _series()}, Recorder(), realism=realism)
    assert plan.end == withdrawal
    roster = plan.roster("rolling")
    staff = [sum(roster.on_duty(r, withdrawal - datetime.timedelta(days=1), 2)[i] for r in (A, B))
             for i in range(2)]  # fmt: skip
    assert staff == [200, 0]
    late = rolling.Schedule(FIRST, steps=3, every_days=14)
    with pytest.raises(rolling.RollingError, match="on or after the withdrawal"):
        _plan({A: _series()}, Recorder(), schedule=late, realism=realism)


def test_the_static_roster_holds_the_first_steps_plan_and_both_are_valued_alike():
    series = {A: _series(1.0), B: _series(1.3)}
    plan = _plan(series, Recorder())
    static = plan.roster("static", steps=1)
    days = SCHEDULE.horizon_days
    assert static.on_duty(B, FIRST, days)[2:] == [200] * (days - 2)
    local = value.LocalCare(
        {"general": 50, "oxygen": 10, "icu": 0, "icu_ventilated": 0}, 0, {}, illustrative=True
    )
    report = value.value_plans(
        series,
        {A: local, B: local},
        [static, plan.roster("rolling")],
        value.AidMix(0.35, 0.6),
        RATIOS,
        origin=FIRST - datetime.timedelta(days=1),
        horizon_days=days,
        paths=20,
        observed=True,
    )
    assert report.method == "observed" and report.valued == [A, B]
    # Both plans see the same observed census: a plan that never differs values the same.
    same = value.value_plans(
        series, {A: local}, [static, static.__class__("copy", static.staff, static.arrival,
                                                      static.changes)],
        value.AidMix(0.35, 0.6), RATIOS, origin=FIRST, horizon_days=7, paths=5, observed=True,
    )  # fmt: skip
    assert all(d.difference.mean == 0.0 for d in same.differences["central"])


def test_the_observed_census_holds_a_missing_day_and_refuses_to_run_past_the_record():
    series = series_from_daily([10.0] * 30, missing=(25,))
    paths = value.observed_paths(series, DAY_ZERO + datetime.timedelta(days=23), 3, 2)
    assert paths.active.shape == (2, 3)
    assert paths.active[0, 1] == paths.active[0, 0]  # day 25 holds day 24's counts
    with pytest.raises(NoRecordError, match="ends on 2020-03-01, before 2020-03-03"):
        value.observed_paths(series, DAY_ZERO + datetime.timedelta(days=28), 3, 2)
