"""`pairaid restore PATH`: replace the database and the stored files with a backup."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from pairaid import backup, commands


class Command(commands.Command):
    help = (
        "Replace the database and the stored files with the backup at PATH. Then migrate and "
        "start a new generation of cached pages. Stop the web and task workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="an archive written by `pairaid backup`")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"] and not self._confirmed(options["path"]):
            raise CommandError("not restored")
        try:
            manifest = backup.restore(options["path"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {manifest.summary()}")

    def _confirmed(self, path: Path) -> bool:
        answer = input(f"Replace this database and its stored files with {path}? [y/N] ")
        return answer.strip().lower() in {"y", "yes"}
