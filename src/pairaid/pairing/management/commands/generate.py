"""`pairaid generate`: write synthetic pairing problems (engine.generate). Needs no database.

    pairaid generate 1000x800 --seed 0 --density 0.1 --out problem.json
    pairaid generate 300x250 --donor-nearest 20 --recipient-max 4 --seed 4 --out mid.json
    pairaid generate 19x16 100x80 1000x800 3000x2500 --out-dir problems/

Exit codes: 0 written, 2 bad arguments.
"""

from __future__ import annotations

import json
import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from pairaid import commands, engine
from pairaid.engine.generate import generate
from pairaid.engine.instance import OBJECTIVE_NAMES

_SIZE = re.compile(r"^(\d+)x(\d+)$")


class Command(commands.Command):
    help = (
        "Write seeded synthetic pairing problems (docs/problem-format.md) for tests and benchmarks."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "sizes", nargs="+", metavar="DONORSxRECIPIENTS", help="e.g. 19x16 or 3000x2500"
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--density",
            type=float,
            default=0.1,
            help="share of the nearest donors each recipient may be paired with, 0 for only its "
            "3 nearest (default 0.1)",
        )
        parser.add_argument(
            "--donor-nearest",
            type=int,
            default=2,
            metavar="K",
            help="each donor may be paired with its K nearest recipients (default 2)",
        )
        parser.add_argument(
            "--resources", default="doctor,nurse,icu_nurse", help="resource types, comma-separated"
        )
        parser.add_argument(
            "--recipient-max",
            type=int,
            default=3,
            help="most donors per recipient: the policy's cap U (default 3)",
        )
        parser.add_argument(
            "--objective",
            default="max_min_coverage",
            help="levels in order, e.g. leximin:3,min_travel",
        )
        destination = parser.add_mutually_exclusive_group()
        destination.add_argument("--out", metavar="FILE", help="the file (one size only)")
        destination.add_argument(
            "--out-dir", metavar="DIR", help="one file per size: DIR/synthetic-DxR-seedN.json"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = [_size(text) for text in options["sizes"]]
        if options["out"] and len(sizes) > 1:
            raise CommandError("--out takes one size; use --out-dir for several", returncode=2)
        if not 0 <= options["density"] <= 1:
            raise CommandError(
                f"--density: expected a share in [0, 1], got {options['density']}", returncode=2
            )
        if options["donor_nearest"] < 1:
            raise CommandError("--donor-nearest: expected at least 1", returncode=2)
        if options["recipient_max"] < 1:
            raise CommandError("--recipient-max: expected at least 1", returncode=2)
        resources = tuple(r.strip() for r in options["resources"].split(",") if r.strip())
        if not resources:
            raise CommandError("--resources: expected at least one resource type", returncode=2)
        objectives = _objectives(options["objective"])
        for donors, recipients in sizes:
            problem = generate(
                donors,
                recipients,
                seed=options["seed"],
                resources=resources,
                density=options["density"],
                recipient_max=options["recipient_max"],
                donor_nearest=options["donor_nearest"],
                objectives=objectives,
            )
            self._write(problem, donors, recipients, options)

    def _write(self, problem: engine.Problem, donors: int, recipients: int, options: Any) -> None:
        if options["out"]:
            path = Path(options["out"])
        elif options["out_dir"]:
            folder = Path(options["out_dir"])
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"synthetic-{donors}x{recipients}-seed{options['seed']}.json"
        else:
            text = json.dumps(engine.problem_to_dict(problem), indent=2, ensure_ascii=False)
            self.stdout.write(text)
            return
        engine.write_problem(problem, path)
        self.stderr.write(
            f"{path}: {donors} donors, {recipients} recipients, {len(problem.pairs)} pairs"
        )


def _size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text.strip().lower())
    if match is None:
        raise CommandError(f"size {text!r}: expected DONORSxRECIPIENTS, e.g. 19x16", returncode=2)
    donors, recipients = int(match[1]), int(match[2])
    if donors < 1 or recipients < 1:
        raise CommandError(
            f"size {text!r}: needs at least one donor and one recipient", returncode=2
        )
    return donors, recipients


def _objectives(text: str) -> tuple[engine.Objective, ...]:
    levels = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, count = part.partition(":")
        if name not in OBJECTIVE_NAMES:
            known = ", ".join(OBJECTIVE_NAMES)
            raise CommandError(f"--objective: unknown {name!r}; known: {known}", returncode=2)
        if count and not count.isdecimal():
            raise CommandError(f"--objective: {part!r}: expected NAME:LEVELS", returncode=2)
        levels.append(engine.Objective(name, int(count) if count else 1))
    return tuple(levels) or (engine.Objective("max_min_coverage"),)
