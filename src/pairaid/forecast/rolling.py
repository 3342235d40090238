"""Rolling re-plans (issue 20, item 6): a horizon planned in steps, so that donors' staff can
move as the recipients peak at different times. Pure, like the rest of `pairaid.forecast`.

Each step, on its own date:

1. **Need, without look-ahead**: every recipient's record is cut at the step's date
   (`DailySeries.up_to`) before it is forecast; the need is the staff for a quantile of the
   projected peak census (`need.staff_needed`, the rule `--need-from forecast:…` uses).
2. **Who must stay**: a team stays at least `minimum_stay_days` from the day it went on duty,
   and a team still in transit stays where it is going: those pairs keep at least the staff
   they have (more may join them).
3. **Plan**: the planner (the engine's max-min under a churn budget, counted against the plan in
   force: "keep the links, fill the gaps") is handed the need, the pairs in force and those that
   must stay. It is a parameter, because the engine is not this library's to import.
4. **Staff on duty**: a team kept keeps working; a team sent to a new recipient is on duty there
   `transit_days` after the step (and off duty at its old one from the step on); extra staff
   for a kept pair arrive after the same transit, fewer leave at once. From the withdrawal date on
   (teams began leaving Hubei on 2020-03-17, `WITHDRAWAL_SOURCE`) no aid is on duty, and no step
   may be planned.

The result is a timeline of steps, each with the planner's own record (status, levels with
bounds, explanations), and a duty roster (`PlanStaff` with changes) that the value model
(`value.value_plans`) values beside any static plan.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pairaid.engine.staffing import CareRatio
from pairaid.forecast.backtest import forecast_seed
from pairaid.forecast.census import census_of
from pairaid.forecast.methods import NoRecordError, forecast
from pairaid.forecast.need import ForecastNeedBasis, StaffNeed, staff_needed
from pairaid.forecast.series import DailySeries
from pairaid.forecast.value import PlanStaff

Pair = tuple[str, str]  # (donor, recipient)

WITHDRAWAL = datetime.date(2020, 3, 17)
WITHDRAWAL_SOURCE = (
    "covid2020_hubei_aid_timeline.csv, 2020-03-17: orderly withdrawal of Hubei aid teams "
    "begins; by 2020-03-24, 194 teams / 21,046 staff withdrawn "
    "(http://special.chinadevelopment.com.cn/2020zt/xgfyjjz/yqzj/2020/03/1631114.shtml)"
)
DEFAULT_TRANSIT_DAYS = 1
"""The 2020-02-09 airlift landed ~6,000 medics at Wuhan on 41 charter flights in one day
(covid2020_hubei_aid_timeline.csv); a day of travel and handover is the assumption, not a fact,
and the coordinator sets it."""
DEFAULT_MINIMUM_STAY_DAYS = 14
"""A coordinator's rule, not a fact: a team is not moved within two weeks of going on duty."""
MAX_STEPS = 26
MAX_EVERY_DAYS = 28
SOLVED = ("optimal", "feasible")


class RollingError(ValueError):
    """A rolling plan that cannot be made (says which step or setting, and what was expected)."""


@dataclass(frozen=True)
class Realism:
    """What moving teams takes: travel, a minimum stay, and the date aid withdrew (None: no
    withdrawal within the horizon)."""

    transit_days: int = DEFAULT_TRANSIT_DAYS
    minimum_stay_days: int = DEFAULT_MINIMUM_STAY_DAYS
    withdrawal: datetime.date | None = WITHDRAWAL

    def __post_init__(self) -> None:
        for name in ("transit_days", "minimum_stay_days"):
            if not 0 <= getattr(self, name) <= 60:
                raise RollingError(f"{name}: expected 0 to 60 days, got {getattr(self, name)}")


@dataclass(frozen=True)
class Schedule:
    """`steps` re-plans, `every_days` apart from `first`; the horizon ends one period after the
    last step."""

    first: datetime.date
    steps: int
    every_days: int

    def __post_init__(self) -> None:
        if not 1 <= self.steps <= MAX_STEPS:
            raise RollingError(f"steps: expected 1 to {MAX_STEPS}, got {self.steps}")
        if not 1 <= self.every_days <= MAX_EVERY_DAYS:
            raise RollingError(f"every: expected 1 to {MAX_EVERY_DAYS} days, got {self.every_days}")

    def days(self) -> list[datetime.date]:
        return [
            self.first + datetime.timedelta(days=k * self.every_days) for k in range(self.steps)
        ]

    @property
    def horizon_days(self) -> int:
        return self.steps * self.every_days


@dataclass(frozen=True)
class StepRequest:
    """What the planner is asked at one step."""

    day: datetime.date
    need: Mapping[str, StaffNeed]  # recipient -> staff for the quantile of its projected peak
    in_force: frozenset[Pair]
    staying: frozenset[Pair]  # must be kept (minimum stay, or still in transit)
    churn_budget: int | None
    previous_staff: Mapping[Pair, int] = field(default_factory=dict)  # the plan in force's


@dataclass(frozen=True)
class StepPlan:
    """The planner's answer: the staff each pair sends, its status, and its own record (levels
    with bounds, explanations), kept as is so that a step reads like a plan run."""

    staff: Mapping[Pair, int]
    status: str
    record: Mapping[str, Any] = field(default_factory=dict)


Planner = Callable[[StepRequest], StepPlan]


@dataclass(frozen=True)
class Step:
    day: datetime.date
    request: StepRequest
    plan: StepPlan
    not_forecast: Mapping[str, str]  # recipient -> why it has no need at this step
    on_duty_from: Mapping[Pair, datetime.date]  # when each pair's staff work at the recipient

    @property
    def pairs(self) -> frozenset[Pair]:
        return frozenset(self.plan.staff)

    @property
    def added(self) -> frozenset[Pair]:
        return self.pairs - self.request.in_force

    @property
    def removed(self) -> frozenset[Pair]:
        return self.request.in_force - self.pairs

    @property
    def churn(self) -> int:
        """Pairs changed against the plan in force (the engine's count: added + removed)."""
        return len(self.pairs ^ self.request.in_force)

    @property
    def staff_moved(self) -> int:
        """Staff who leave one recipient for another at this step: per donor, what it adds at
        some recipients up to what it takes from others (the rest are new, or go home)."""
        change: dict[str, tuple[int, int]] = {}
        for pair in self.pairs | self.request.in_force:
            before = self.request.previous_staff.get(pair, 0)
            after = self.plan.staff.get(pair, 0)
            added, taken = change.get(pair[0], (0, 0))
            change[pair[0]] = (added + max(0, after - before), taken + max(0, before - after))
        return sum(min(added, taken) for added, taken in change.values())


@dataclass(frozen=True)
class RollingPlan:
    schedule: Schedule
    realism: Realism
    basis: ForecastNeedBasis
    initial: Mapping[Pair, int]
    initial_on_duty: Mapping[Pair, datetime.date]
    steps: tuple[Step, ...]
    churn_budget: int | None  # per step, once a plan is in force

    @property
    def end(self) -> datetime.date:
        """The first day after the horizon, or the withdrawal if it comes first."""
        end = self.schedule.first + datetime.timedelta(days=self.schedule.horizon_days)
        withdrawal = self.realism.withdrawal
        return min(end, withdrawal) if withdrawal else end

    def roster(self, name: str, *, steps: int | None = None) -> PlanStaff:
        """Staff on duty per recipient and day as a value-model plan. `steps=1`: the first
        step's plan held to the end (the static plan the rolling one is compared with)."""
        held = self.steps[: steps or len(self.steps)]
        per_day: dict[str, list[tuple[datetime.date, int]]] = {}
        recipients = {r for _, r in self.initial} | {r for s in held for _, r in s.pairs}
        day = self.schedule.first
        horizon_end = self.schedule.first + datetime.timedelta(days=self.schedule.horizon_days)
        while day < horizon_end:
            counts = self._on_duty(held, day)
            for recipient in recipients:
                per_day.setdefault(recipient, []).append((day, counts.get(recipient, 0)))
            day += datetime.timedelta(days=1)
        return PlanStaff(name, {}, self.schedule.first, changes=_changes_only(per_day))

    def _on_duty(self, held: Sequence[Step], day: datetime.date) -> dict[str, int]:
        if self.realism.withdrawal and day >= self.realism.withdrawal:
            return {}
        in_force = [s for s in held if s.day <= day]
        previous: Mapping[Pair, int]
        if not in_force:
            plan, previous, since = self.initial, {}, self.initial_on_duty
            extras_arrive = self.schedule.first
        else:
            step = in_force[-1]
            before = held.index(step) - 1
            previous = held[before].plan.staff if before >= 0 else self.initial
            plan, since = step.plan.staff, step.on_duty_from
            extras_arrive = step.day + datetime.timedelta(days=self.realism.transit_days)
        counts: dict[str, int] = {}
        for pair, staff in plan.items():
            if day < since[pair]:
                continue  # still on the way
            was = previous.get(pair)
            # A kept pair's extra staff travel too; fewer leave at once.
            working = staff if was is None or staff <= was or day >= extras_arrive else was
            counts[pair[1]] = counts.get(pair[1], 0) + working
        return counts


def _changes_only(
    per_day: Mapping[str, list[tuple[datetime.date, int]]],
) -> dict[str, tuple[tuple[datetime.date, int], ...]]:
    changes = {}
    for recipient, days in per_day.items():
        kept: list[tuple[datetime.date, int]] = []
        for day, count in days:
            if not kept or kept[-1][1] != count:
                kept.append((day, count))
        changes[recipient] = tuple(kept)
    return changes


def need_at(
    series: Mapping[str, DailySeries],
    day: datetime.date,
    basis: ForecastNeedBasis,
    ratios: dict[str, CareRatio],
    *,
    paths: int,
    seed: int,
) -> tuple[dict[str, StaffNeed], dict[str, str]]:
    """Each recipient's staff need forecast on `day` from its record as known that day (the
    days after it cut off before anything is read), and the recipients without one."""
    need, not_forecast = {}, {}
    for recipient, record in series.items():
        known = record.up_to(day)
        try:
            sample = forecast(
                known,
                day,
                basis.method,
                horizon_days=basis.horizon_days,
                paths=paths,
                seed=forecast_seed(seed, recipient, day, basis.method),
            )
        except NoRecordError:
            not_forecast[recipient] = f"no daily record at or before {day}"
            continue
        need[recipient] = staff_needed(
            census_of(sample), ratios, quantile=basis.quantile, horizon_days=basis.horizon_days
        )
    return need, not_forecast


def staying(
    in_force: Mapping[Pair, int],
    on_duty_from: Mapping[Pair, datetime.date],
    day: datetime.date,
    minimum_stay_days: int,
) -> frozenset[Pair]:
    """The pairs in force that may not move on `day`: on duty for less than the minimum stay,
    or not yet arrived."""
    stay = datetime.timedelta(days=minimum_stay_days)
    return frozenset(pair for pair in in_force if on_duty_from[pair] + stay > day)


def check_schedule(schedule: Schedule, realism: Realism) -> None:
    """Refuse a schedule with a step on or after the withdrawal: no team is sent then."""
    for day in schedule.days():
        if realism.withdrawal and day >= realism.withdrawal:
            raise RollingError(
                f"the step of {day} falls on or after the withdrawal ({realism.withdrawal}): "
                "plan fewer steps, or set another withdrawal date"
            )


def rolling_plan(
    series: Mapping[str, DailySeries],
    initial: Mapping[Pair, int],
    initial_on_duty: Mapping[Pair, datetime.date],
    planner: Planner,
    schedule: Schedule,
    *,
    basis: ForecastNeedBasis,
    ratios: dict[str, CareRatio],
    churn_budget: int | None,
    realism: Realism | None = None,
    paths: int,
    seed: int = 0,
    on_step: Callable[[int], None] | None = None,
) -> RollingPlan:
    """Plan every step of `schedule` in turn on its own forecast, from the `initial` plan (staff
    per pair, on duty from `initial_on_duty`). `on_step(k)` hears each step as it ends."""
    realism = realism or Realism()
    if churn_budget is not None and churn_budget < 0:
        raise RollingError(f"churn budget: expected 0 or more, got {churn_budget}")
    missing = sorted(set(initial) - set(initial_on_duty))
    if missing:
        raise RollingError(f"the initial pair {missing[0]} has no date it went on duty")
    check_schedule(schedule, realism)
    steps: list[Step] = []
    in_force, on_duty_from = dict(initial), dict(initial_on_duty)
    transit = datetime.timedelta(days=realism.transit_days)
    for number, day in enumerate(schedule.days(), start=1):
        need, not_forecast = need_at(series, day, basis, ratios, paths=paths, seed=seed)
        request = StepRequest(
            day,
            need,
            frozenset(in_force),
            staying(in_force, on_duty_from, day, realism.minimum_stay_days),
            # With no plan in force there are no links to keep: the step plans afresh (the rule
            # of a plan run's default budget, `pairaid.pairing.options.DEFAULT_CHURN_BUDGET`).
            churn_budget if in_force else None,
            dict(in_force),
        )
        plan = planner(request)
        if plan.status not in SOLVED:
            raise RollingError(f"step {number} ({day}): the plan is {plan.status}")
        dropped = sorted(
            pair for pair in request.staying if plan.staff.get(pair, 0) < in_force[pair]
        )
        if dropped:  # the planner broke the minimum stay: never store such a timeline
            raise RollingError(f"step {number} ({day}): {dropped[0]} moved within its stay")
        on_duty_from = {
            pair: on_duty_from[pair] if pair in in_force else day + transit for pair in plan.staff
        }
        steps.append(Step(day, request, plan, not_forecast, dict(on_duty_from)))
        in_force = dict(plan.staff)
        if on_step:
            on_step(number)
    return RollingPlan(
        schedule, realism, basis, dict(initial), dict(initial_on_duty), tuple(steps), churn_budget
    )
