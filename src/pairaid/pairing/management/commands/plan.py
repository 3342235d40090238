"""`pairaid plan PROGRAMME …`: build the instance from the database, solve, store the run, print it.

Exit codes follow `pairaid solve`: 0 optimal or feasible, 1 infeasible or no solution, 2 invalid.
"""

import json
import sys
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError

from pairaid import commands, engine
from pairaid.engine.report import figure, format_table
from pairaid.errors import NotFound, ValidationFailed
from pairaid.pairing import engine_messages, runs, translate
from pairaid.pairing import options as plan_options
from pairaid.programmes import services as programme_services


class Command(commands.Command):
    help = "Plan the pairing of a programme with the engine and store the run."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("programme", help="programme slug, e.g. hubei-2020")
        parser.add_argument(
            "--as-of",
            type=commands.date_argument,
            metavar="YYYY-MM-DD",
            help="default: the programme date",
        )
        parser.add_argument("--need-from", metavar="INDICATOR[:RATIO]")
        parser.add_argument("--capacity-from", metavar="INDICATOR[:TOTAL]")
        parser.add_argument(
            "--objective",
            help="levels in order, e.g. max_min_coverage,leximin:4,min_travel,min_churn "
            "(default: leximin with min(4, recipients) levels)",
        )
        parser.add_argument(
            "--level",
            choices=("programme", "child"),
            default="programme",
            help="programme: plan the programme's own pairs; child: plan the child pairings "
            "inside one fixed pairing (--parent-pairing)",
        )
        parser.add_argument(
            "--parent-pairing",
            metavar="DONOR:RECIPIENT",
            help="with --level child: the pairing to plan inside, e.g. 440000:513221",
        )
        parser.add_argument("--lock", action="append", default=[], metavar="DONOR:RECIPIENT")
        parser.add_argument("--forbid", action="append", default=[], metavar="DONOR:RECIPIENT")
        parser.add_argument(
            "--churn-budget",
            metavar="N|default|none",
            help="at most N links added + removed; default: where a plan is in force, the fewest "
            "that keep 90%% of the best max-min coverage; none: no limit",
        )
        parser.add_argument(
            "--time-limit", type=float, default=plan_options.DEFAULT_TIME_LIMIT_SECONDS, metavar="S"
        )
        parser.add_argument("--backend", default="auto")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--deterministic", action="store_true")
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument(
            "--evaluate",
            action="store_true",
            help="evaluate the plan in force at the date instead of solving (nothing is stored)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme = programme_services.get_programme(slug=options["programme"])
            parent = plan_options.parse_level(options["level"], options["parent_pairing"])
            run_options = plan_options.RunOptions(
                parent_pairing=parent,
                objectives=plan_options.parse_objectives(options["objective"]),
                lock=plan_options.parse_pairs(options["lock"], "lock"),
                forbid=plan_options.parse_pairs(options["forbid"], "forbid"),
                churn_budget=plan_options.parse_churn_budget(options["churn_budget"]),
                time_limit_seconds=options["time_limit"],
                need_from=options["need_from"],
                capacity_from=options["capacity_from"],
                as_of=options["as_of"] and options["as_of"].isoformat(),
                deterministic=options["deterministic"],
                seed=options["seed"],
                backend=options["backend"],
            )
            if options["evaluate"]:
                self.evaluate(programme, run_options, options["format"])
                return
            run = runs.start(
                programme=programme, user=None, options=run_options, enqueue=lambda _pk: None
            )
        except (ValidationFailed, NotFound) as error:
            raise CommandError(str(error), returncode=2) from None
        run, result = runs.execute(run.pk)
        assert result is not None
        if options["format"] == "json":
            document = {
                "run": run.number,
                "as_of": run.as_of.isoformat(),
                **run.build_notes,
                **result.to_dict(),
            }
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(f"{programme.slug} plan run {run.number}, as of {run.as_of}")
            for heading in ("excluded", "later_figures", "assumptions"):
                for note in run.build_notes.get(heading, []):
                    self.stdout.write(f"  {heading.replace('_', ' ')}: {note}")
            default = run.build_notes.get(runs.DEFAULT_BUDGET_NOTE)
            if default:
                self.stdout.write(
                    f"  default churn budget: {default['budget']} (the fewest changes that keep "
                    f"{default['share']:.0%} of the best max-min coverage, {default['best']:.4g})"
                )
            names = translate.participant_names(programme)
            self.stdout.write(format_table(result, names, _named_text(names)))
        sys.exit(result.exit_code)

    def evaluate(self, programme: Any, run_options: plan_options.RunOptions, style: str) -> None:
        """The plan in force, evaluated on the same instance a run would solve."""
        build = runs.build(programme, run_options, store_derived_needs=False)
        plan = translate.current_plan(programme, build)
        if run_options.capacity_from:
            # Stored splits follow the real capacities; under another capacity basis the plan
            # is evaluated with its own leximin split.
            plan = [engine.Assignment(a.donor, a.recipient) for a in plan]
        evaluation = engine.evaluate(build.problem, plan)
        metrics = {k: v for k, v in evaluation.metrics.items() if not isinstance(v, dict)}
        notes: dict[str, list[str]] = {
            "excluded": build.excluded,
            "later_figures": build.later_figures,
            "assumptions": build.assumptions,
            "violations": [m.text for m in evaluation.violations],
            "notes": [m.text for m in evaluation.notes],
        }
        named = _named_text(translate.participant_names(programme))
        shown = {
            **notes,
            "violations": [named(m) for m in evaluation.violations],
            "notes": [named(m) for m in evaluation.notes],
        }
        document: dict[str, Any] = {
            "as_of": build.on.isoformat(),
            "pairs": len(plan),
            "split_derived": evaluation.split_derived,
            **notes,
            "metrics": metrics,
            "coverage": dict(evaluation.coverage),
        }
        if style == "json":
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{programme.slug}: the plan in force as of {build.on}, evaluated")
        for heading, lines in shown.items():
            for note in lines:
                self.stdout.write(f"  {heading.replace('_', ' ')}: {note}")
        for name, value in metrics.items():
            self.stdout.write(f"  {name:28} {figure(value)}")


def _named_text(names: dict[str, str]) -> Callable[[engine.Message], str]:
    """An engine message as a person reads it: the participants named, their codes beside the
    names (the JSON output keeps the engine's ids alone)."""
    beside = {key: f"{name} ({key})" for key, name in names.items()}
    return lambda message: engine_messages.render(message.to_dict(), names=beside)
