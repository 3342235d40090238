"""`pairaid scenario list|load|export`: scenario bundles in and out of the database."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from pairaid import commands
from pairaid.errors import Conflict, NotFound, ValidationFailed
from pairaid.registry.queries import names_beside_codes
from pairaid.scenarios import services as scenario_services


class Command(commands.Command):
    help = "List, load and export scenario bundles (docs/scenario-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="bundled and loaded scenarios, with versions")
        load = actions.add_parser("load", help="load a bundle folder, zip, or bundled name")
        load.add_argument("bundle", nargs="+", help="PATH or NAME (e.g. hubei-2020)")
        load.add_argument(
            "--update", action="store_true", help="apply a newer data version or registry changes"
        )
        export = actions.add_parser("export", help="write a programme as a bundle folder")
        export.add_argument("programme", help="programme slug")
        export.add_argument("path", type=Path)
        export.add_argument(
            "--include-illustrative",
            action="store_true",
            help="also export illustrative (overlay) records",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "list":
                self.list_bundles()
            elif action == "load":
                for bundle in options["bundle"]:
                    self.load(bundle, update=options["update"])
            else:
                path = scenario_services.export_programme(
                    options["programme"],
                    options["path"],
                    include_illustrative=options["include_illustrative"],
                )
                self.stdout.write(f"exported {options['programme']} to {path}")
        except ValidationFailed as failure:
            self.stderr.write(f"The bundle was not loaded ({len(failure.problems)} problems):")
            for problem in failure.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError("nothing was written", returncode=2) from None
        except (Conflict, NotFound) as error:
            text = str(error)
            raise CommandError(names_beside_codes([text]).text(text), returncode=1) from None

    def list_bundles(self) -> None:
        rows = scenario_services.list_bundles()
        self.stdout.write(f"{'name':28} {'kind':10} {'bundled':12} {'loaded':12}")
        for row in rows:
            self.stdout.write(
                f"{row.name:28} {row.kind:10} {row.data_version or '-':12} "
                f"{row.loaded_version or '-':12}"
            )

    def load(self, bundle: str, *, update: bool) -> None:
        bars: dict[str, tqdm[Any]] = {}

        def progress(table: str, count: int) -> None:
            if table not in bars:
                bars[table] = tqdm(
                    desc=table, unit=" rows", file=sys.stderr, leave=False, disable=None
                )
            bars[table].update(count)

        try:
            report = scenario_services.load_bundle(bundle, update=update, progress=progress)
        finally:
            for bar in bars.values():
                bar.close()
        if report.outcome == "unchanged":
            self.stdout.write(
                f"{report.name} {report.data_version} is already loaded; nothing changed."
            )
            return
        self.stdout.write(f"{report.outcome} {report.name} {report.data_version}:")
        lines = report.summary()
        naming = names_beside_codes(lines)  # the changed rows' regions by name, code beside
        for line in lines:
            self.stdout.write(f"  {naming.text(line)}")
