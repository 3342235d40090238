"""`pairaid forecast backtest PROGRAMME`: backtest the case forecasts (pairaid.forecast) on a
programme's daily record and write the record in Markdown. Needs no database.
`pairaid forecast value PROGRAMME --as-of DATE`: value the historical plan, max-min and leximin
along the forecast (pairaid.forecast.value, a model estimate) and write the comparison as a
section of docs/hubei-2020.md. Needs the database (the plans, beds and staff).
`pairaid forecast rolling PROGRAMME --from DATE --steps N --every DAYS`: re-plan in steps, each
on the forecast made at its own date (pairaid.forecast.rolling), value the rolling plan beside
the static one on the observed record, and write both as a section of docs/hubei-2020.md.

    pairaid forecast backtest hubei-2020
    pairaid forecast backtest hubei-2020 --series my_series.csv --out /tmp/backtest.md
    pairaid forecast value hubei-2020 --as-of 2020-02-10
    pairaid forecast rolling hubei-2020 --from 2020-02-03 --steps 4 --every 7

The daily series is the programme's bundled daily record (`case_counts.csv` of its bundle), or
`--series PATH` in the same columns (region, as_of, confirmed_cases, cured, deaths). Only
hubei-2020 has a daily record so far. Exit codes: 0 written, 2 bad arguments or series.
"""

from __future__ import annotations

import datetime
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from pairaid import commands
from pairaid.errors import NotFound, ValidationFailed
from pairaid.forecast import backtest, records, report
from pairaid.forecast import rolling as forecast_rolling
from pairaid.forecast.need import FORECAST_BASIS_SYNTAX
from pairaid.forecast.parameters import SAMPLE_PATHS
from pairaid.forecast.series import SeriesError
from pairaid.pairing import forecast_need, plan_value, rolling
from pairaid.pairing.options import parse_churn_budget
from pairaid.programmes import services as programme_services
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.case_counts import FILE as CASE_COUNTS_FILE

PROGRAMMES_WITH_A_DAILY_RECORD = ("hubei-2020",)


class Command(commands.Command):
    help = "Backtest the case forecasts on a programme's daily record; write it in Markdown."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("backtest", help="rolling-origin backtest, written in Markdown")
        run.add_argument("programme", help="the programme's slug (hubei-2020)")
        run.add_argument(
            "--series",
            type=Path,
            metavar="PATH",
            help="a CSV of daily counts (default: the bundle's case_counts.csv)",
        )
        run.add_argument(
            "--out",
            type=Path,
            default=Path("docs/forecast-backtest.md"),
            help="the Markdown file (default docs/forecast-backtest.md)",
        )
        run.add_argument("--first-origin", type=commands.date_argument)
        run.add_argument("--last-origin", type=commands.date_argument)
        run.add_argument(
            "--paths", type=int, default=SAMPLE_PATHS, help="sample paths per forecast"
        )
        run.add_argument("--seed", type=int, default=0)
        worth = actions.add_parser(
            "value",
            help="value the historical plan, max-min and leximin along the forecast (a model "
            "estimate), written as a section of a Markdown file",
        )
        worth.add_argument("programme", help="the programme's slug (hubei-2020)")
        worth.add_argument("--as-of", type=commands.date_argument, required=True)
        worth.add_argument(
            "--out",
            type=Path,
            default=Path("docs/hubei-2020.md"),
            help="the Markdown file whose value section is (re)written (default "
            "docs/hubei-2020.md)",
        )
        worth.add_argument(
            "--paths", type=int, default=SAMPLE_PATHS, help="sample paths per recipient"
        )
        worth.add_argument("--seed", type=int, default=0)
        worth.add_argument("--time-limit", type=float, default=10.0, metavar="S")
        roll = actions.add_parser(
            "rolling",
            help="re-plan in steps on each step's own forecast, value it beside the static plan "
            "on the observed record (a model estimate), written as a section of a Markdown file",
        )
        roll.add_argument("programme", help="the programme's slug (hubei-2020)")
        roll.add_argument("--from", dest="first", type=commands.date_argument, required=True)
        roll.add_argument("--steps", type=int, default=4)
        roll.add_argument("--every", type=int, default=7, metavar="DAYS")
        roll.add_argument(
            "--need-from",
            default="forecast:renewal:0.8:14",
            help=f"the need each step plans on ({FORECAST_BASIS_SYNTAX})",
        )
        roll.add_argument(
            "--churn-budget",
            default=str(rolling.DEFAULT_CHURN_BUDGET),
            help="pairs changed per step at most (N, or none)",
        )
        roll.add_argument("--transit-days", type=int, default=forecast_rolling.DEFAULT_TRANSIT_DAYS)
        roll.add_argument(
            "--minimum-stay", type=int, default=forecast_rolling.DEFAULT_MINIMUM_STAY_DAYS
        )
        roll.add_argument(
            "--withdrawal",
            type=commands.date_argument,
            default=forecast_rolling.WITHDRAWAL,
            help=f"no aid on duty from this day (default {forecast_rolling.WITHDRAWAL}: "
            "teams began leaving Hubei then)",
        )
        roll.add_argument("--out", type=Path, default=Path("docs/hubei-2020.md"))
        roll.add_argument("--paths", type=int, default=200, help="sample paths per forecast")
        roll.add_argument("--seed", type=int, default=0)
        roll.add_argument("--time-limit", type=float, default=10.0, metavar="S")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "value":
            self.value(options)
            return
        if options["action"] == "rolling":
            self.rolling(options)
            return
        if options["programme"] not in PROGRAMMES_WITH_A_DAILY_RECORD:
            raise CommandError(
                f"no daily record for {options['programme']!r}; the backtest runs on "
                f"{', '.join(PROGRAMMES_WITH_A_DAILY_RECORD)}",
                returncode=2,
            )
        if options["paths"] < 1:
            raise CommandError("--paths: expected at least 1", returncode=2)
        path = options["series"] or bundled_series(options["programme"])
        series = _recipient_series(path)
        first = options["first_origin"] or backtest.HUBEI_2020_FIRST_ORIGIN
        last = options["last_origin"] or backtest.HUBEI_2020_LAST_ORIGIN
        started = time.perf_counter()
        scores = backtest.backtest(
            series,
            backtest.daily_origins(first, last),
            paths=options["paths"],
            seed=options["seed"],
        )
        seconds = time.perf_counter() - started
        facts = report.RunFacts(
            command=_command_line(options),
            run_date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            seconds=seconds,
            series_source=str(
                options["series"]
                or f"the daily record of the {options['programme']} bundle ({CASE_COUNTS_FILE})"
            ),
            origins=f"{first} .. {last}",
            paths=options["paths"],
            seed=options["seed"],
        )
        names = dict(backtest.HUBEI_2020_RECIPIENTS)
        february = [day for day in backtest.daily_origins(first, last) if day.month == 2]
        drifts = [
            report.Drift(
                what,
                {horizon: measure(series, february, horizon) for horizon in backtest.HORIZONS_DAYS},
            )
            for what, measure in (
                (
                    "R (Cori's posterior mean, same window and serial interval)",
                    backtest.reproduction_changes,
                ),
                (
                    "The outflow ratio (cured + dead per active case per day)",
                    backtest.outflow_changes,
                ),
            )
        ]
        text = report.backtest_markdown(scores, names, facts, drifts)
        options["out"].parent.mkdir(parents=True, exist_ok=True)
        options["out"].write_text(text, encoding="utf-8")
        self.stdout.write(f"{len(scores)} scores in {seconds:.1f} s; written to {options['out']}")

    def value(self, options: dict[str, Any]) -> None:
        """`pairaid forecast value PROGRAMME --as-of DATE`: needs the database (the plans)."""
        if options["paths"] < 1:
            raise CommandError("--paths: expected at least 1", returncode=2)
        started = time.perf_counter()
        try:
            programme = programme_services.get_programme(slug=options["programme"])
            result = plan_value.value_of_plans(
                programme,
                options["as_of"],
                paths=options["paths"],
                seed=options["seed"],
                time_limit_seconds=options["time_limit"],
            )
        except (ValidationFailed, NotFound) as error:
            raise CommandError(str(error), returncode=2) from None
        seconds = time.perf_counter() - started
        words = ["pairaid forecast value", options["programme"], f"--as-of {options['as_of']}"]
        if options["paths"] != SAMPLE_PATHS:
            words.append(f"--paths {options['paths']}")
        section = plan_value.markdown(
            result,
            " ".join(words),
            datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            seconds,
        )
        out: Path = options["out"]
        _write_section(out, section, (plan_value.VALUE_SECTION_START, plan_value.VALUE_SECTION_END))
        self.stdout.write(
            f"{len(result.report.valued)} recipients valued, "
            f"{len(result.report.not_valued)} not, in {seconds:.1f} s; written to {out}"
        )

    def rolling(self, options: dict[str, Any]) -> None:
        """`pairaid forecast rolling PROGRAMME --from DATE`: needs the database (the plans)."""
        if options["paths"] < 1:
            raise CommandError("--paths: expected at least 1", returncode=2)
        started = time.perf_counter()
        try:
            schedule = forecast_rolling.Schedule(
                options["first"], options["steps"], options["every"]
            )
            realism = forecast_rolling.Realism(
                options["transit_days"], options["minimum_stay"], options["withdrawal"]
            )
            budget = parse_churn_budget(options["churn_budget"])
            if not isinstance(budget, int | None):
                raise CommandError("--churn-budget: expected a number or none", returncode=2)
            programme = programme_services.get_programme(slug=options["programme"])
            result = rolling.rolling_of(
                programme,
                schedule,
                basis=forecast_need.parse_basis(options["need_from"]),
                churn_budget=budget,
                realism=realism,
                paths=options["paths"],
                seed=options["seed"],
                time_limit_seconds=options["time_limit"],
            )
            report = rolling.compare(
                programme, result, paths=options["paths"], seed=options["seed"]
            )
        except forecast_rolling.RollingError as error:
            raise CommandError(str(error), returncode=2) from None
        except (ValidationFailed, NotFound) as error:
            raise CommandError(str(error), returncode=2) from None
        seconds = time.perf_counter() - started
        words = [
            "pairaid forecast rolling",
            options["programme"],
            f"--from {options['first']} --steps {options['steps']} --every {options['every']}",
        ]
        section = rolling.markdown(
            result,
            report,
            " ".join(words),
            datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            seconds,
        )
        out: Path = options["out"]
        _write_section(out, section, (rolling.ROLLING_SECTION_START, rolling.ROLLING_SECTION_END))
        moved = sum(step.staff_moved for step in result.plan.steps)
        self.stdout.write(
            f"{len(result.plan.steps)} steps, {moved:,} staff moved, in {seconds:.1f} s; "
            f"written to {out}"
        )


def _write_section(out: Path, section: str, markers: tuple[str, str]) -> None:
    """Write `section` into the Markdown file `out` in place of its section between `markers`
    (appended where it has none; the file made where there is none)."""
    document = out.read_text(encoding="utf-8") if out.exists() else ""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(plan_value.write_section(document, section, markers), encoding="utf-8")


def bundled_series(programme: str) -> Path:
    """The bundle's daily record: the series the backtest reads unless told otherwise."""
    return scenario_services.bundled_path(programme) / CASE_COUNTS_FILE


def _recipient_series(path: Path) -> dict[str, Any]:
    try:
        every_place = records.read_series_file(path)
    except (OSError, SeriesError) as error:
        raise CommandError(str(error), returncode=2) from None
    missing = [code for code, _ in backtest.HUBEI_2020_RECIPIENTS if code not in every_place]
    if missing:
        raise CommandError(
            f"{path}: no rows for the recipient(s) {', '.join(missing)}", returncode=2
        )
    return {code: every_place[code].series for code, _ in backtest.HUBEI_2020_RECIPIENTS}


def _command_line(options: dict[str, Any]) -> str:
    words = ["pairaid forecast backtest", options["programme"]]
    if options["series"]:
        words.append(f"--series {options['series']}")
    if options["paths"] != SAMPLE_PATHS:
        words.append(f"--paths {options['paths']}")
    if options["seed"]:
        words.append(f"--seed {options['seed']}")
    return " ".join(words)
