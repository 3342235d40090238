"""The `pairaid` command: the project's manage.py. Its help (`pairaid`, `pairaid help`, `--help`)
leads with PairAid's own commands, grouped, one line each; `pairaid help --all` is Django's list."""

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


# PairAid's commands by what a person comes to do, with the few of Django's that running a server
# needs (docs/deployment.md). A PairAid command missing here is still listed, under "Other".
GROUPS = (
    ("Programmes and data", ("scenario",)),
    ("Planning", ("plan", "solve", "generate", "forecast")),
    ("Reporting", ("situation-report",)),
    ("Accounts", ("user",)),
    ("Server and maintenance", ("demo", "worker", "backup", "restore", "migrate", "check")),
)


def _summary(app: str, name: str) -> str:
    """The first sentence of the command's own help."""
    from django.core.management import load_command_class

    text = " ".join(str(load_command_class(app, name).help).split())
    return text.split(". ")[0].rstrip(".") + "."


def _grouped_commands() -> list[tuple[str, list[str]]]:
    from django.core.management import get_commands

    commands = get_commands()
    own = sorted(name for name, app in commands.items() if app.startswith("pairaid."))
    listed = {name for _, names in GROUPS for name in names}
    groups = [(title, [n for n in names if n in commands]) for title, names in GROUPS]
    return [*groups, ("Other", [n for n in own if n not in listed])]


def overview() -> str:
    """`pairaid help`: what PairAid's commands are for, one line each."""
    from django.core.management import get_commands

    apps = get_commands()
    lines = [
        f"PairAid {__version__}: pair donor regions with recipient regions and run the programme.",
        "",
        "Usage: pairaid COMMAND [options]   (pairaid COMMAND --help for its options)",
    ]
    for title, names in _grouped_commands():
        if names:
            lines += ["", f"{title}:"]
            lines += [f"  {name:<10} {_summary(apps[name], name)}" for name in names]
    lines += ["", "Django's other commands (collectstatic, shell, dbshell, …): pairaid help --all"]
    return "\n".join(lines)


def _asks_for_overview(args: list[str]) -> bool:
    """`pairaid`, `pairaid help`, `pairaid --help`, `pairaid -h` (not `pairaid help plan`)."""
    return len(args) == 1 or (len(args) == 2 and args[1] in ("help", "--help", "-h"))


def _print_overview() -> bool:
    """Print the overview; False when Django cannot start (its own help then says why)."""
    import django

    try:
        django.setup()
    except Exception:
        return False
    print(overview())
    return True


def main(argv: list[str] | None = None) -> None:
    # Django names the program after the first argument: `python -m pairaid` is no "__main__.py".
    args = ["pairaid", *(sys.argv if argv is None else argv)[1:]]
    if len(args) > 1 and args[1] in ("--version", "version"):
        print(f"pairaid {__version__}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    _ensure_data_dir()
    if _asks_for_overview(args) and _print_overview():
        return
    if args[1:] == ["help", "--all"]:
        args = args[:2]  # Django's own list of every command
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
