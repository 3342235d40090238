"""`pairaid backup PATH`: the database and the stored files in one archive (pairaid.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from pairaid import backup, commands


class Command(commands.Command):
    help = "Write a backup of the database and the stored files to PATH (.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write, e.g. pairaid.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.create(options["path"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"wrote {options['path']}: {manifest.summary()}")
