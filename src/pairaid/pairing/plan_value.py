"""The value of the historical plan, max-min and leximin as of a date (issue 20, item 5): the
database side of `pairaid forecast value`. It reads the plans, the recipients' daily records,
their beds and own staff, the care ratios and the dated staff arrivals, and hands plain data to
the pure model (`pairaid.forecast.value`), which simulates them on common random numbers.

Where a figure comes from an illustrative overlay (hubei-2020 has no sourced local beds or
staff: they are those of hubei-2020-demo's facilities), the result says so.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pairaid import engine
from pairaid.engine.beds import BED_TYPES
from pairaid.errors import Problem as InputProblem
from pairaid.errors import ValidationFailed
from pairaid.forecast import care, value
from pairaid.forecast.methods import Method
from pairaid.forecast.parameters import SAMPLE_PATHS
from pairaid.foresight import queries as foresight_queries
from pairaid.operations.models import Facility
from pairaid.operations.queries.staffing import engine_ratios
from pairaid.pairing import runs, translate
from pairaid.pairing.models import PlanRun
from pairaid.pairing.options import RunOptions
from pairaid.programmes.models import Programme
from pairaid.registry.models import RegionalIndicator

STAFF_RESOURCE = "medical_staff"
# The dated staff arrivals whose profession mix divides a plan's staff (indicator codes).
ARRIVALS = "aid_staff_arrivals"
DOCTOR_ARRIVALS = "aid_doctor_arrivals"
NURSE_ARRIVALS = "aid_nurse_arrivals"
# The plans compared, by name, and the objectives each is solved with (None: the plan in force).
PLANS: tuple[tuple[str, list[dict[str, Any]] | None], ...] = (
    ("historical", None),
    ("max-min", [{"name": "max_min_coverage"}]),
    ("leximin", None),  # the programme's default objective: leximin
)


@dataclass(frozen=True)
class Arrival:
    """The first dated staff arrivals on or after the plan's date: when a plan's staff are
    taken to arrive, and the profession mix they arrive in."""

    day: datetime.date
    mix: value.AidMix
    staff: int
    doctors: int
    nurses: int


def first_arrival(on: datetime.date) -> Arrival:
    """Read from the record: the earliest day on or after `on` that dates the staff sent and
    their doctors and nurses."""
    figures: dict[datetime.date, dict[str, float]] = defaultdict(dict)
    for row in RegionalIndicator.objects.filter(
        indicator__code__in=(ARRIVALS, DOCTOR_ARRIVALS, NURSE_ARRIVALS), as_of__gte=on
    ).select_related("indicator"):
        figures[row.as_of][row.indicator.code] = float(row.value)
    complete = sorted(d for d, f in figures.items() if len(f) == 3 and f[ARRIVALS] > 0)
    if not complete:
        raise ValidationFailed(
            [
                InputProblem(
                    f"no dated staff arrivals with doctors and nurses on or after {on} "
                    f"(indicators {ARRIVALS}, {DOCTOR_ARRIVALS}, {NURSE_ARRIVALS}): the value "
                    "model needs the mix a plan's staff arrive in",
                    column="as-of",
                )
            ]
        )
    day = complete[0]
    staff, doctors, nurses = (
        figures[day][code] for code in (ARRIVALS, DOCTOR_ARRIVALS, NURSE_ARRIVALS)
    )
    return Arrival(
        day,
        value.AidMix(doctors / staff, nurses / staff, source=f"{ARRIVALS} of {day}"),
        int(staff),
        int(doctors),
        int(nurses),
    )


def _staff_by_recipient(pairs: Sequence[Any]) -> dict[str, int]:
    staff: dict[str, float] = defaultdict(float)
    for pair in pairs:
        staff[pair.recipient] += (pair.allocation or {}).get(STAFF_RESOURCE, 0.0)
    return {recipient: round(count) for recipient, count in staff.items()}


def run_name(run: PlanRun) -> str:
    """How a compared plan run is named in the figures."""
    return f"plan run {run.number}"


def run_staff(run: PlanRun) -> dict[str, int]:
    """Staff per recipient in a finished plan run's stored result (the engine's contract)."""
    pairs = (run.result or {}).get("pairs", [])
    return _staff_by_recipient(
        [engine.Assignment(p["donor"], p["recipient"], p.get("allocation")) for p in pairs]
    )


def historical_staff(programme: Programme, on: datetime.date) -> dict[str, dict[str, int]]:
    """The plan in force at `on` (with its stored split, or the one the engine derives): staff
    per recipient, under the name "historical"."""
    build = runs.build(programme, RunOptions(as_of=on.isoformat()))
    evaluation = engine.evaluate(build.problem, translate.current_plan(programme, build))
    return {"historical": _staff_by_recipient(evaluation.assignments)}


def plan_staff(
    programme: Programme, on: datetime.date, *, seed: int, time_limit_seconds: float
) -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    """Staff per recipient under each compared plan (all built on the same instance), and how
    each solved plan's levels ended (a level the time limit stopped may differ between runs)."""
    plans = {}
    solved: dict[str, str] = {}
    for name, objectives in PLANS:
        options = RunOptions(
            as_of=on.isoformat(),
            objectives=objectives,
            seed=seed,
            deterministic=True,
            time_limit_seconds=time_limit_seconds,
        )
        if name == "historical":
            plans[name] = historical_staff(programme, on)["historical"]
            continue
        build = runs.build(programme, options)
        result = engine.solve(
            build.problem,
            time_limit_seconds=time_limit_seconds,
            seed=seed,
            deterministic=True,
            explain=False,
        )
        if result.status not in ("optimal", "feasible"):
            raise ValidationFailed(
                [InputProblem(f"the {name} plan as of {on}: {result.status}", column="as-of")]
            )
        plans[name] = _staff_by_recipient(result.pairs)
        solved[name] = ", ".join(f"{level.name} {level.status}" for level in result.levels)
    return plans, solved


def local_care(programme: Programme) -> dict[str, value.LocalCare]:
    """Each recipient's own beds by type, ventilators and staff by profession, summed over its
    facilities. A bed type none of its facilities has counts as no beds of that type."""
    beds: dict[str, dict[str, int]] = defaultdict(dict)
    ventilators: dict[str, int | None] = {}
    staff: dict[str, dict[str, int]] = defaultdict(dict)
    illustrative: dict[str, bool] = {}
    facilities = (
        Facility.objects.filter(programme=programme)
        .select_related("recipient__region__parent")
        .prefetch_related("bed_counts", "own_staff")
    )
    for facility in facilities:
        recipient = translate.engine_id(facility.recipient)
        for count in facility.bed_counts.all():
            beds[recipient][count.bed_type] = beds[recipient].get(count.bed_type, 0) + count.beds
        if facility.ventilators is not None:
            ventilators[recipient] = (ventilators.get(recipient) or 0) + facility.ventilators
        else:
            ventilators.setdefault(recipient, None)
        for member in facility.own_staff.all():
            staff[recipient][member.profession] = (
                staff[recipient].get(member.profession, 0) + member.count
            )
        illustrative[recipient] = illustrative.get(recipient, False) or facility.illustrative
    return {
        recipient: value.LocalCare(
            {bed_type: count for bed_type, count in beds[recipient].items()},
            ventilators.get(recipient),
            staff[recipient],
            illustrative[recipient],
        )
        for recipient in illustrative
    }


# The steps of `value_of_plans`, in order: what a background run's progress counts.
STEPS = ("plans solved", "plans valued")


@dataclass(frozen=True)
class PlanValue:
    report: value.ValueReport
    arrival: Arrival
    staff: dict[str, dict[str, int]]
    names: dict[str, str]
    solved: dict[str, str]  # plan -> its levels' statuses


def value_of_plans(
    programme: Programme,
    on: datetime.date,
    *,
    method: Method = "renewal",
    paths: int = SAMPLE_PATHS,
    seed: int = 0,
    time_limit_seconds: float = 10.0,
    on_step: Callable[[str], None] | None = None,
    plan_runs: Sequence[PlanRun] = (),
) -> PlanValue:
    """The historical plan, max-min and leximin as of `on` (or, given `plan_runs`, the
    historical plan and those runs' plans: a churn budget, an edit, any), valued on the same
    sample paths. `on_step` hears each step as it ends (STEPS): a background run's progress."""
    arrival = first_arrival(on)
    solved: dict[str, str] = {}
    if plan_runs:  # the historical plan (the baseline) beside the runs the coordinator picked
        staff = historical_staff(programme, on)
        staff.update({run_name(run): run_staff(run) for run in plan_runs})
    else:
        staff, solved = plan_staff(programme, on, seed=seed, time_limit_seconds=time_limit_seconds)
    if on_step:
        on_step(STEPS[0])
    recipients = foresight_queries.recipients(programme)
    records = foresight_queries.daily_records(recipients, up_to=on)
    series = {
        translate.engine_id(p): foresight_queries.series_of(records[p.pk])
        for p in recipients
        if records[p.pk]
    }
    report = value.value_plans(
        series,
        local_care(programme),
        [value.PlanStaff(name, plan, arrival.day) for name, plan in staff.items()],
        arrival.mix,
        engine_ratios(programme),
        origin=on,
        method=method,
        paths=paths,
        seed=seed,
    )
    if on_step:
        on_step(STEPS[1])
    return PlanValue(report, arrival, staff, translate.participant_names(programme), solved)


VALUE_SECTION_START = "<!-- value-of-a-plan:start (written by pairaid forecast value) -->"
VALUE_SECTION_END = "<!-- value-of-a-plan:end -->"
METRIC_NAMES = {
    "patients_without_bed": "patients without the bed they need",
    "overflow_bed_days": "overflow bed-days",
    "excess_deaths": "expected excess deaths",
}


def summary_text(summary: value.Summary) -> str:
    return f"{summary.mean:,.1f} ({summary.low:,.1f} to {summary.high:,.1f})"


def _beds(by_type: dict[str, int]) -> str:
    return " / ".join(f"{by_type.get(t, 0):,}" for t in BED_TYPES)


def markdown(result: PlanValue, command: str, run_date: str, seconds: float) -> str:
    """The section of docs/hubei-2020.md: the comparison, its assumptions, what it leaves out."""
    report = result.report
    valued = [result.names.get(r, r) + f" ({r})" for r in report.valued]
    plans = list(result.staff)
    lines = [
        VALUE_SECTION_START,
        f"## The value of a plan as of {report.origin}: a model estimate",
        "",
        f"**{report.label}.** The record never observed bed census, beds or deaths for want of a "
        "bed: every figure below is simulated from the case forecast under the assumptions "
        "listed, and says nothing about what the plans caused.",
        "",
    ]
    if report.illustrative:
        lines += [
            "**Illustrative beds and staff.** hubei-2020 has no sourced figures on local beds or "
            "local staff; the beds, ventilators and own staff of the valued recipients are those "
            "of the illustrative overlay hubei-2020-demo (invented for the demo). Every figure "
            "below uses them, so none of it is a fact about Hubei.",
            "",
        ]
    lines += [
        f"- Command: `{command}` ({run_date}, {seconds:.1f} s).",
        f"- Forecast: {report.method}, origin {report.origin}, {report.horizon_days} days, "
        f"{report.paths} joint sample paths per recipient; every plan is valued on the same paths "
        "and parameter draws (common random numbers).",
        f"- Valued: {', '.join(valued) or 'none'}. Not valued: "
        + (
            ", ".join(
                f"{result.names.get(r, r)} ({reason})" for r, reason in report.not_valued.items()
            )
            or "none"
        )
        + ".",
        f"- Staff arrive on {result.arrival.day} (the first dated arrivals after the plan: "
        f"{result.arrival.staff:,} staff, {result.arrival.doctors:,} doctors and "
        f"{result.arrival.nurses:,} nurses, the mix every plan's staff are divided by).",
        "",
        "- Plans as of the date, on the default need (confirmed cases) and capacities: the "
        "historical pairing with its stored split; "
        + "; ".join(f"{name}: {levels}" for name, levels in result.solved.items())
        + ". A level the time limit stopped (feasible, not optimal) may end elsewhere in another "
        "run, so its split can differ from run to run.",
        "",
        "Staff each plan sends the valued recipients:",
        "",
        "| recipient | " + " | ".join(plans) + " |",
        "|---|" + "---:|" * len(plans),
    ]
    for recipient in report.valued:
        lines.append(
            f"| {result.names.get(recipient, recipient)} | "
            + " | ".join(f"{result.staff[p].get(recipient, 0):,}" for p in plans)
            + " |"
        )
    lines += [
        "",
        "Staffed beds once each plan's staff are on duty (general / oxygen / ICU / ICU "
        "ventilated; the recipient's own staff alone first): where the open beds bind, more "
        "staff add no bed, and plans that differ only there value alike.",
        "",
        "| recipient | own staff alone | " + " | ".join(plans) + " |",
        "|---|---|" + "---|" * len(plans),
    ]
    for recipient in report.valued:
        lines.append(
            f"| {result.names.get(recipient, recipient)} "
            f"| {_beds(report.own_staffed[recipient])} | "
            + " | ".join(_beds(report.staffed[recipient][p]) for p in plans)
            + " |"
        )
    central = report.outcomes["central"]
    lines += [
        "",
        f"Outcomes over the {report.horizon_days} days, summed over the valued recipients: mean "
        "(90 % interval over the sample paths).",
        "",
        "| plan | " + " | ".join(METRIC_NAMES.values()) + " |",
        "|---|" + "---:|" * len(METRIC_NAMES),
    ]
    for plan in plans:
        lines.append(
            f"| {plan} | "
            + " | ".join(
                summary_text(value.Summary.of(central[plan].metric(m))) for m in METRIC_NAMES
            )
            + " |"
        )
    lines += [
        "",
        f"Paired differences against the {report.baseline} plan (plan minus {report.baseline}, "
        "path by path; negative is fewer): mean (90 % interval), and the share of paths on "
        "which the plan does better.",
        "",
        "| plan | measure | difference | better on |",
        "|---|---|---:|---:|",
    ]
    for difference in report.differences["central"]:
        lines.append(
            f"| {difference.plan} | {METRIC_NAMES[difference.metric]} "
            f"| {summary_text(difference.difference)} | {difference.better_share:.0%} of paths |"
        )
    lines += [
        "",
        "Sensitivity: expected excess deaths, plan minus "
        f"{report.baseline}, as one assumption moves to the end of its range.",
        "",
        "| setting | " + " | ".join(p for p in plans if p != report.baseline) + " |",
        "|---|" + "---:|" * (len(plans) - 1),
    ]
    for setting, differences in report.differences.items():
        deaths = {d.plan: d for d in differences if d.metric == "excess_deaths"}
        lines.append(
            f"| {setting} | "
            + " | ".join(summary_text(deaths[p].difference) for p in plans if p != report.baseline)
            + " |"
        )
    lines += ["", "Assumptions (each with its source):", ""]
    lines += [f"- {line}" for line in assumption_lines()]
    lines += ["", VALUE_SECTION_END]
    return "\n".join(lines) + "\n"


def assumption_lines() -> list[str]:
    """Every assumption of the comparison, each with its source: the docs section and the
    stored comparison (the what-if page) print the same lines."""
    return [
        *care.assumptions_text(),
        "care ratios: the programme's table (bed types without a figure are staffed by their "
        "beds alone); aid staff divide by the arrivals' mix, the critical-care share of them "
        "staffing ICU beds (`pairaid.engine.staffing`)",
        "patients without a bed = overflow bed-days / the stay in that bed; a patient may take "
        "a free bed of higher acuity; deaths are excess deaths (risk without a bed minus with one)",
    ]


def summary_figure(summary: value.Summary) -> dict[str, float]:
    # Rounded as the Markdown prints them, so the page and the docs show the same figures.
    return {name: round(getattr(summary, name), 1) for name in ("mean", "low", "high")}


def figures(result: PlanValue) -> dict[str, Any]:
    """The comparison as plain JSON data (what a stored comparison keeps, and its page, API
    and CSV show): the same summaries `markdown` prints."""
    report = result.report
    plans = list(result.staff)
    return {
        "label": report.label,
        "origin": report.origin.isoformat(),
        "horizon_days": report.horizon_days,
        "paths": report.paths,
        "method": report.method,
        "baseline": report.baseline,
        "illustrative": report.illustrative,
        "plans": plans,
        "solved": result.solved,
        "arrival": {
            "day": result.arrival.day.isoformat(),
            "staff": result.arrival.staff,
            "doctors": result.arrival.doctors,
            "nurses": result.arrival.nurses,
        },
        "valued": [
            {
                "recipient": recipient,
                "name": result.names.get(recipient, recipient),
                "staff": {plan: result.staff[plan].get(recipient, 0) for plan in plans},
            }
            for recipient in report.valued
        ],
        "not_valued": [
            {"recipient": recipient, "name": result.names.get(recipient, recipient), "reason": why}
            for recipient, why in report.not_valued.items()
        ],
        **figure_rows(report),
    }


def figure_rows(report: value.ValueReport) -> dict[str, list[dict[str, Any]]]:
    """A valuation's outcomes (central setting) and paired differences (every setting) as
    rows, rounded as the Markdown prints them: what the what-if and rolling pages show."""
    return {
        "outcomes": [
            {
                "plan": plan,
                "metric": metric,
                **summary_figure(value.Summary.of(outcome.metric(metric))),
            }
            for plan, outcome in report.outcomes["central"].items()
            for metric in METRIC_NAMES
        ],
        "differences": [
            {
                "setting": setting,
                "plan": d.plan,
                "metric": d.metric,
                **summary_figure(d.difference),
                "better_share": round(d.better_share, 3),
            }
            for setting, differences in report.differences.items()
            for d in differences
        ],
    }


def write_section(
    document: str,
    section: str,
    markers: tuple[str, str] = (VALUE_SECTION_START, VALUE_SECTION_END),
) -> str:
    """The document with its section between `markers` (the value section unless told)
    replaced, or appended where it has none."""
    start, end = document.find(markers[0]), document.find(markers[1])
    if start != -1 and end != -1:
        return document[:start] + section + document[end + len(markers[1]) + 1 :]
    return document.rstrip("\n") + "\n\n" + section
