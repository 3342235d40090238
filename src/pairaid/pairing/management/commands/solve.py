"""`pairaid solve`: solve a problem file or an OR-Library GAP file. Needs no database.

Exit codes: 0 optimal or feasible, 1 infeasible or no solution, 2 invalid input.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from pairaid import commands, engine
from pairaid.engine import matching, placement
from pairaid.engine.instance import BACKEND_NAMES
from pairaid.engine.matching.report import format_matching_table
from pairaid.engine.placement.report import format_placement_table
from pairaid.engine.report import format_table

_AnyResult = engine.Result | placement.PlacementResult | matching.MatchingResult


class Command(commands.Command):
    help = (
        "Solve a pairing, placement or matching problem (JSON, by its `kind`) or an OR-Library "
        "GAP file and print the result."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("problem", nargs="?", help="problem file (docs/problem-format.md)")
        parser.add_argument("--gap", metavar="FILE", help="read an OR-Library GAP file instead")
        parser.add_argument("--backend", choices=BACKEND_NAMES)
        parser.add_argument("--time-limit", type=float, metavar="S", dest="time_limit")
        parser.add_argument("--seed", type=int)
        parser.add_argument("--deterministic", action="store_true", default=None)
        parser.add_argument(
            "--price-of-fairness",
            action="store_true",
            help="also solve the cost/travel objective alone and report what fairness costs",
        )
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument("--out", metavar="FILE", help="write the result here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["problem"]) == bool(options["gap"]):
            raise CommandError("give exactly one of PROBLEM.json or --gap FILE", returncode=2)
        result = self._result(options)
        self._write(result, options["format"], options["out"])
        sys.exit(result.exit_code)

    def _result(self, options: dict[str, Any]) -> _AnyResult:
        """Read the file and solve it by its kind; bad input is a result of status invalid."""
        try:
            if options["gap"]:
                problem = engine.read_gap(options["gap"])
            else:
                document = engine.read_document(options["problem"])
                kind = engine.problem_kind(document)
                if kind == placement.PLACEMENT_KIND:
                    return placement.recommend_document(
                        document, time_limit_seconds=options["time_limit"]
                    )
                if kind == matching.MATCHING_KIND:
                    return matching.match_document(
                        document, time_limit_seconds=options["time_limit"]
                    )
                problem = engine.problem_from_dict(document)
        except engine.ProblemInvalid as error:
            return engine.Result("invalid", errors=error.errors)
        return engine.solve(
            problem,
            backend=options["backend"],
            time_limit_seconds=options["time_limit"],
            seed=options["seed"],
            deterministic=options["deterministic"],
            price_of_fairness=options["price_of_fairness"],
            progress=self._progress if sys.stderr.isatty() else None,
        )

    def _progress(self, progress: engine.Progress) -> None:
        # On stderr, so that `--format json` output on stdout stays parseable.
        self.stderr.write(engine.progress_text(progress))

    def _write(self, result: _AnyResult, style: str, out: str | None) -> None:
        if style == "json":
            text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        elif isinstance(result, placement.PlacementResult):
            text = format_placement_table(result)
        elif isinstance(result, matching.MatchingResult):
            text = format_matching_table(result)
        else:
            text = format_table(result)
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
