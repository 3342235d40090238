"""The `pairaid` command: the project's manage.py, with PairAid's own commands beside Django's."""

import os
import sys
from pathlib import Path

from pairaid import __version__


def _ensure_data_dir() -> None:
    """The embedded SQLite database lives in the data directory; create it on first use."""
    if "DATABASE_URL" not in os.environ:
        Path(os.environ.get("PAIRAID_DATA_DIR", Path.cwd() / "data")).mkdir(
            parents=True, exist_ok=True
        )


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in ("--version", "version"):
        print(f"pairaid {__version__}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    _ensure_data_dir()
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
