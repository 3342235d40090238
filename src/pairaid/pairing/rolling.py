"""Rolling re-plans of a programme (issue 20, item 6): the database side of `pairaid forecast
rolling`. It reads each recipient's daily record, the plan in force at the first step and the
care ratios, and gives the pure timeline (`pairaid.forecast.rolling`) a planner that builds the
programme's instance as of each step's date (capacities as known then), puts the forecast need
in it, and solves max-min under the churn budget with the engine. The rolling plan is then
valued beside the static plan (its first step held) on the observed series
(`pairaid.forecast.value`, a model estimate).
"""

import csv
import dataclasses
import datetime
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pairaid import engine
from pairaid.errors import Problem as InputProblem
from pairaid.errors import ValidationFailed
from pairaid.forecast import rolling, value
from pairaid.forecast.need import ForecastNeedBasis
from pairaid.foresight import queries as foresight_queries
from pairaid.operations.queries.staffing import engine_ratios
from pairaid.pairing import plan_value, runs, translate
from pairaid.pairing.forecast_need import STAFF_FIGURES
from pairaid.pairing.options import RunOptions
from pairaid.programmes.models import Programme

MAX_MIN = [{"name": "max_min_coverage"}]
DEFAULT_CHURN_BUDGET = 6
"""Pairs changed per step (a donor moved is two: its old pair removed, its new one added): at
most three donors move in a week unless the coordinator says otherwise."""
# The plans valued, in order: the first is the baseline of the paired differences.
STATIC, ROLLING = "static (first step held)", "rolling"
REALISM = rolling.Realism()  # the sourced withdrawal, the stated transit and minimum stay


@dataclass(frozen=True)
class Rolling:
    plan: rolling.RollingPlan
    names: dict[str, str]
    resource: str
    initial_source: str  # how the initial plan's on-duty dates were read


def step_options(day: datetime.date, seed: int, time_limit_seconds: float) -> RunOptions:
    return RunOptions(
        as_of=day.isoformat(),
        objectives=MAX_MIN,
        churn_budget=None,  # the step's own budget is set on the instance
        seed=seed,
        deterministic=True,
        time_limit_seconds=time_limit_seconds,
    )


def _staff_resource(problem: engine.Problem) -> str:
    staff = [r for r in problem.resources if r in STAFF_FIGURES]
    if not staff:
        raise ValidationFailed(
            [
                InputProblem(
                    "a rolling plan moves staff (" + ", ".join(STAFF_FIGURES) + "); the "
                    f"programme's capacity is in {', '.join(problem.resources) or 'nothing'}",
                    column="programme",
                )
            ]
        )
    return staff[0]


TEAM_MARK = "@"  # a staying team's donor id: DONOR@RECIPIENT


def team_id(pair: rolling.Pair) -> str:
    return f"{pair[0]}{TEAM_MARK}{pair[1]}"


def step_problem(
    problem: engine.Problem, request: rolling.StepRequest, resource: str
) -> engine.Problem:
    """The step's instance: every recipient's need the forecast's staff need (none where it
    has no forecast), the plan in force as the churn reference, and the step's churn budget.

    A team within its minimum stay keeps its staff where it is: it becomes a donor of its own
    (`team_id`) with exactly the staff it has, required at its recipient and forbidden anywhere
    else, in place of its pair in the plan in force (so keeping it is no change). Its donor
    keeps the rest of its capacity, free to go where the plan sends it; a donor with nothing
    left beyond its staying teams drops out. `plan_of_teams` folds the teams back."""
    figure = STAFF_FIGURES[resource]
    recipients = [
        dataclasses.replace(
            recipient,
            need={resource: float(getattr(request.need[recipient.id], figure))}
            if recipient.id in request.need
            else {},
        )
        for recipient in problem.recipients
    ]
    teams = {
        pair: request.previous_staff.get(pair, 0)
        for pair in request.staying
        if request.previous_staff.get(pair, 0) > 0
    }
    held: dict[str, int] = {}
    for (giver, _), staff in teams.items():
        held[giver] = held.get(giver, 0) + staff
    moving = {d for d, _ in request.in_force - set(teams)}  # donors with a pair free to change
    donors: list[engine.Donor] = []
    for donor in problem.donors:
        rest = donor.capacity.get(resource, 0.0) - held.get(donor.id, 0)
        if donor.id in held and rest <= 0 and donor.id not in moving:
            continue  # every one of its staff stays where they are
        capacity = {**donor.capacity, resource: max(0.0, rest)}
        donors.append(dataclasses.replace(donor, capacity=capacity))
    by_id = problem.donor_by_id
    for (giver, recipient), staff in sorted(teams.items()):
        donors.append(
            dataclasses.replace(
                by_id[giver],
                id=team_id((giver, recipient)),
                name=f"{by_id[giver].name or giver} ({recipient})",
                capacity={resource: float(staff)},
            )
        )
    kept = {donor.id for donor in donors}
    pairs = [pair for pair in problem.pairs if pair.donor in kept] + [
        dataclasses.replace(problem.pair_data(*pair), donor=team_id(pair)) for pair in teams
    ]
    in_force = (request.in_force - set(teams)) | {(team_id(p), p[1]) for p in teams}
    policy = dataclasses.replace(
        problem.policy,
        existing_plan=in_force,
        required_pairs=problem.policy.required_pairs
        | (request.staying - set(teams))
        | {(team_id(p), p[1]) for p in teams},
        forbidden_pairs=problem.policy.forbidden_pairs
        | {(team_id(p), r.id) for p in teams for r in problem.recipients if r.id != p[1]},
        churn_budget=request.churn_budget,
    )
    return dataclasses.replace(
        problem, donors=donors, recipients=recipients, pairs=pairs, policy=policy
    )


def plan_of_teams(pairs: Sequence[Any], resource: str) -> dict[rolling.Pair, int]:
    """Staff per (donor, recipient) of a solved step, its staying teams folded back into their
    donors."""
    staff: dict[rolling.Pair, int] = {}
    for pair in pairs:
        donor = pair.donor.partition(TEAM_MARK)[0]
        key = (donor, pair.recipient)
        staff[key] = staff.get(key, 0) + round(pair.allocation.get(resource, 0.0))
    return staff


def planner(
    builds: Callable[[datetime.date], translate.Build],
    resource: str,
    *,
    seed: int,
    time_limit_seconds: float,
) -> rolling.Planner:
    """Max-min under the churn budget on the programme as of each step's date."""

    def plan(request: rolling.StepRequest) -> rolling.StepPlan:
        result = engine.solve(
            step_problem(builds(request.day).problem, request, resource),
            time_limit_seconds=time_limit_seconds,
            seed=seed,
            deterministic=True,
        )
        staff = plan_of_teams(result.pairs, resource)
        return rolling.StepPlan(staff, result.status, result.to_dict(timings=False))

    return plan


def initial_plan(
    programme: Programme, build: translate.Build, resource: str
) -> tuple[dict[rolling.Pair, int], dict[rolling.Pair, datetime.date]]:
    """The plan in force on the first step's date (`build`'s), with its staff (stored split, or
    the one the engine derives) and the day each pair went on duty: its pairing's start where
    recorded, else the first step's date (its minimum stay then counts from there)."""
    evaluation = engine.evaluate(build.problem, translate.current_plan(programme, build))
    staff = {
        (a.donor, a.recipient): round((a.allocation or {}).get(resource, 0.0))
        for a in evaluation.assignments
    }
    started = {
        (translate.engine_id(p.donor), translate.engine_id(p.recipient)): p.valid_from
        for p in build.in_force
    }
    return staff, {pair: started.get(pair) or build.on for pair in staff}


def rolling_of(
    programme: Programme,
    schedule: rolling.Schedule,
    *,
    basis: ForecastNeedBasis,
    churn_budget: int | None = DEFAULT_CHURN_BUDGET,
    realism: rolling.Realism = REALISM,
    paths: int = 200,
    seed: int = 0,
    time_limit_seconds: float = 10.0,
    on_step: Callable[[int], None] | None = None,
) -> Rolling:
    """Plan the schedule's steps in turn; a bad setting or an unsolvable step is refused with
    its reason (ValidationFailed)."""
    built: dict[datetime.date, translate.Build] = {}

    def build_on(day: datetime.date) -> translate.Build:
        if day not in built:  # the first step's instance is the initial plan's too
            options = step_options(day, seed, time_limit_seconds)
            built[day] = runs.build(programme, options, store_derived_needs=False)
        return built[day]

    try:
        resource = _staff_resource(build_on(schedule.first).problem)
        initial, on_duty = initial_plan(programme, build_on(schedule.first), resource)
        plan = rolling.rolling_plan(
            series_of(programme),
            initial,
            on_duty,
            planner(build_on, resource, seed=seed, time_limit_seconds=time_limit_seconds),
            schedule,
            basis=basis,
            ratios=engine_ratios(programme),
            churn_budget=churn_budget,
            realism=realism,
            paths=paths,
            seed=seed,
            on_step=on_step,
        )
    except rolling.RollingError as error:
        raise ValidationFailed([InputProblem(str(error), column="rolling")]) from None
    return Rolling(
        plan,
        translate.participant_names(programme),
        resource,
        "pairings' recorded start dates, else the first step's date",
    )


def series_of(programme: Programme) -> dict[str, Any]:
    """Every recipient's whole daily record (each step cuts it at its own date)."""
    recipients = foresight_queries.recipients(programme)
    records = foresight_queries.daily_records(recipients)
    return {
        translate.engine_id(p): foresight_queries.series_of(records[p.pk])
        for p in recipients
        if records[p.pk]
    }


def compare(
    programme: Programme, result: Rolling, *, paths: int = 200, seed: int = 0
) -> value.ValueReport:
    """The static plan (baseline) and the rolling plan valued on the observed series over the
    horizon, with common random numbers for the stays and shares."""
    plan = result.plan
    arrival = plan_value.first_arrival(plan.schedule.first)
    return value.value_plans(
        series_of(programme),
        plan_value.local_care(programme),
        [plan.roster(STATIC, steps=1), plan.roster(ROLLING)],
        arrival.mix,
        engine_ratios(programme),
        origin=plan.schedule.first - datetime.timedelta(days=1),
        horizon_days=plan.schedule.horizon_days,
        paths=paths,
        seed=seed,
        observed=True,
    )


def timeline(result: Rolling) -> list[dict[str, Any]]:
    """One row per step and pair (the CSV export and the page's table): the step's date, the
    donor and recipient by id and name, the staff sent, whether the pair is kept, added or must
    stay, the day its staff are on duty, and the step's status and max-min level."""
    names = result.names
    rows = []
    for number, step in enumerate(result.plan.steps, start=1):
        level: dict[str, Any] = next(iter(step.plan.record.get("levels", [])), {})
        for pair in sorted(step.pairs | step.removed):
            donor, recipient = pair
            rows.append(
                {
                    "step": number,
                    "day": step.day.isoformat(),
                    "donor": donor,
                    "donor_name": names.get(donor, donor),
                    "recipient": recipient,
                    "recipient_name": names.get(recipient, recipient),
                    "change": _change(step, pair),
                    "staff": step.plan.staff.get(pair, 0),
                    "on_duty_from": step.on_duty_from[pair].isoformat()
                    if pair in step.on_duty_from
                    else "",
                    "need": _need(step, recipient, result.resource),
                    "status": step.plan.status,
                    "max_min": level.get("value"),
                    "max_min_bound": level.get("bound"),
                    "churn": step.churn,
                }
            )
    return rows


def _change(step: rolling.Step, pair: rolling.Pair) -> str:
    if pair in step.removed:
        return "removed"
    if pair in step.added:
        return "added"
    return "stays (minimum stay)" if pair in step.request.staying else "kept"


def _need(step: rolling.Step, recipient: str, resource: str) -> int | None:
    need = step.request.need.get(recipient)
    return getattr(need, STAFF_FIGURES[resource]) if need else None


TIMELINE_COLUMNS = (
    "step", "day", "donor", "donor_name", "recipient", "recipient_name", "change", "staff",
    "on_duty_from", "need", "status", "max_min", "max_min_bound", "churn",
)  # fmt: skip


def timeline_csv(output: Mapping[str, Any]) -> str:
    """A stored rolling plan's timeline (`figures`), one row per step and pair, under its
    model-estimate label: the page's and the API's export."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"# {output.get('label', '')}"])
    writer.writerow(TIMELINE_COLUMNS)
    for row in output.get("timeline", []):
        writer.writerow([row.get(name, "") for name in TIMELINE_COLUMNS])
    return out.getvalue()


def assumption_lines(result: Rolling) -> list[str]:
    """The rolling plan's own assumptions, each with its source, before the value model's."""
    realism, basis = result.plan.realism, result.plan.basis
    return [
        f"need at each step: {basis} (staff for the {basis.quantile:g} quantile of the projected "
        f"peak census over {basis.horizon_days} days), forecast from the record up to the "
        "step's date only",
        f"each step: max-min coverage under a churn budget of "
        f"{_budget(result.plan.churn_budget)} against the plan in force (none where no plan is "
        "in force: nothing to keep); capacities as of the step's date",
        f"transit: {realism.transit_days} day(s) from a step to the moved staff's first day on "
        "duty (an assumption: the 2020-02-09 airlift landed ~6,000 medics in a day, "
        "covid2020_hubei_aid_timeline.csv)",
        f"minimum stay: {realism.minimum_stay_days} days on duty before a team may move (a "
        f"coordinator's rule, not a fact); the initial plan's teams on duty from the "
        f"{result.initial_source}",
        "withdrawal: "
        + (
            f"no aid on duty from {realism.withdrawal} ({rolling.WITHDRAWAL_SOURCE})"
            if realism.withdrawal
            else "none within the horizon"
        ),
        "valued on the observed daily record (not a forecast): a day the record misses holds "
        "the last reported counts; only the stays and shares are drawn per path",
    ]


def _budget(budget: int | None) -> str:
    return "none" if budget is None else f"{budget} pair changes"


def _names(result: Rolling, pairs: Mapping[rolling.Pair, int] | frozenset[rolling.Pair]) -> str:
    return ", ".join(
        f"{result.names.get(d, d)} → {result.names.get(r, r)}" for d, r in sorted(pairs)
    )


ROLLING_SECTION_START = "<!-- rolling-re-plan:start (written by pairaid forecast rolling) -->"
ROLLING_SECTION_END = "<!-- rolling-re-plan:end -->"


def _level(step: rolling.Step) -> str:
    level = next(iter(step.plan.record.get("levels", [])), None)
    if not level or level.get("value") is None:
        return "—"
    bound = level.get("bound")
    return f"{level['value']:.3f}" + (f" (bound {bound:.3f})" if bound is not None else "")


def markdown(
    result: Rolling, report: value.ValueReport, command: str, run_date: str, seconds: float
) -> str:
    """The section of docs/hubei-2020.md: the timeline, and the rolling plan valued beside the
    static one on the observed series, with every assumption."""
    plan, names = result.plan, result.names
    lines = [
        ROLLING_SECTION_START,
        f"## Rolling re-plans from {plan.schedule.first}: a model estimate",
        "",
        f"**{report.label}.** Each step re-plans on the forecast made at its own date, with the "
        "record up to that date and nothing after it. The plans are then valued on what the "
        "record later showed; the figures are simulated under the assumptions listed and say "
        "nothing about what any plan caused.",
        "",
    ]
    if report.illustrative:
        lines += [
            "**Illustrative beds and staff.** The valued recipients' beds and own staff are those "
            "of the illustrative overlay hubei-2020-demo (invented for the demo): none of the "
            "figures below is a fact about Hubei.",
            "",
        ]
    lines += [
        f"- Command: `{command}` ({run_date}, {seconds:.1f} s).",
        f"- {plan.schedule.steps} steps every {plan.schedule.every_days} days; the horizon "
        f"ends {plan.end - datetime.timedelta(days=1)}.",
        "",
        "| step | date | status | max-min coverage | churn | staff moved | pairs added |",
        "|---:|---|---|---|---:|---:|---|",
    ]
    for number, step in enumerate(plan.steps, start=1):
        lines.append(
            f"| {number} | {step.day} | {step.plan.status} | {_level(step)} | {step.churn} "
            f"| {step.staff_moved:,} | {_names(result, step.added) or 'none'} |"
        )
    recipients = sorted({r for s in plan.steps for _, r in s.pairs} | {r for _, r in plan.initial})
    lines += [
        "",
        "Donors per recipient at each step (staff sent):",
        "",
        "| recipient | " + " | ".join(str(s.day) for s in plan.steps) + " |",
        "|---|" + "---|" * len(plan.steps),
    ]
    for recipient in recipients:
        cells = [
            ", ".join(
                f"{names.get(d, d)} {staff:,}"
                for (d, r), staff in sorted(s.plan.staff.items())
                if r == recipient
            )
            or "—"
            for s in plan.steps
        ]
        lines.append(f"| {names.get(recipient, recipient)} | " + " | ".join(cells) + " |")
    central = report.outcomes["central"]
    lines += [
        "",
        f"Valued on the observed record, {report.origin + datetime.timedelta(days=1)} to "
        f"{report.origin + datetime.timedelta(days=report.horizon_days)}, summed over "
        f"{len(report.valued)} recipients ({report.paths} draws of the stays and shares): mean "
        "(90 % interval).",
        "",
        "| plan | " + " | ".join(plan_value.METRIC_NAMES.values()) + " |",
        "|---|" + "---:|" * len(plan_value.METRIC_NAMES),
    ]
    for name, outcome in central.items():
        lines.append(
            f"| {name} | "
            + " | ".join(
                plan_value.summary_text(value.Summary.of(outcome.metric(m)))
                for m in plan_value.METRIC_NAMES
            )
            + " |"
        )
    lines += [
        "",
        f"Paired differences, plan minus {report.baseline} (negative is fewer):",
        "",
        "| plan | measure | difference | better on |",
        "|---|---|---:|---:|",
    ]
    for difference in report.differences["central"]:
        lines.append(
            f"| {difference.plan} | {plan_value.METRIC_NAMES[difference.metric]} "
            f"| {plan_value.summary_text(difference.difference)} "
            f"| {difference.better_share:.0%} of draws |"
        )
    if report.not_valued:
        lines += [
            "",
            "Not valued: "
            + ", ".join(f"{names.get(r, r)} ({why})" for r, why in report.not_valued.items())
            + ".",
        ]
    lines += ["", "Assumptions (each with its source):", ""]
    lines += [f"- {line}" for line in assumption_lines(result) + plan_value.assumption_lines()]
    lines += ["", ROLLING_SECTION_END]
    return "\n".join(lines) + "\n"


def figures(result: Rolling, report: value.ValueReport) -> dict[str, Any]:
    """The rolling plan as plain JSON data (what a stored run keeps, and its page, API and CSV
    show): each step's summary, the timeline's rows, and the valuation's figures, rounded as
    the Markdown prints them."""
    plan = result.plan
    return {
        "label": report.label,
        "illustrative": report.illustrative,
        "resource": result.resource,
        "end": plan.end.isoformat(),
        "steps": [
            {
                "step": number,
                "day": step.day.isoformat(),
                "status": step.plan.status,
                "max_min": _level(step),
                "churn": step.churn,
                "churn_budget": step.request.churn_budget,
                "staff_moved": step.staff_moved,
                "added": _names(result, step.added),
                "removed": _names(result, step.removed),
                "explanations": [
                    m.get("text", "") for m in step.plan.record.get("explanations", [])
                ][:20],
            }
            for number, step in enumerate(plan.steps, start=1)
        ],
        "timeline": timeline(result),
        "valued": [result.names.get(r, r) for r in report.valued],
        "not_valued": [
            {"recipient": r, "name": result.names.get(r, r), "reason": why}
            for r, why in report.not_valued.items()
        ],
        "baseline": report.baseline,
        **plan_value.figure_rows(report),
    }
