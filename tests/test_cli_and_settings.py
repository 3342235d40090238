"""The `pairaid` command (as a real subprocess where what a person sees matters: its help, its
one-line mistakes) and the production configuration."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from pairaid import __version__, cli, commands


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pairaid", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def test_version_prints_pairaid_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pairaid {__version__}"


def _own_commands() -> dict[str, str]:
    return {name: app for name, app in get_commands().items() if app.startswith("pairaid.")}


def test_help_leads_with_pairaids_own_commands_grouped_one_line_each():
    shown = cli.overview().splitlines()
    assert shown[0].startswith(f"PairAid {__version__}")
    headings = [line for line in shown if line.endswith(":") and not line.startswith(" ")]
    assert headings == [
        "Programmes and data:",
        "Planning:",
        "Reporting:",
        "Accounts:",
        "Server and maintenance:",
    ]
    listed = {line.split()[0]: line for line in shown if line.startswith("  ")}
    assert set(_own_commands()) | {"migrate", "check"} == set(listed)
    plan_help = load_command_class("pairaid.pairing", "plan").help
    assert listed["plan"].split(None, 1)[1] == plan_help
    assert "pairaid help --all" in shown[-1]


def test_help_with_no_arguments_or_help_flags_is_pairaids_and_django_s_list_stays_reachable():
    for args in [(), ("help",), ("--help",), ("-h",)]:
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("PairAid") and "Planning:" in result.stdout, args
    everything = run("help", "--all")
    assert everything.returncode == 0
    assert "[django]" in everything.stdout and "createsuperuser" in everything.stdout
    one = run("help", "plan")
    assert one.returncode == 0 and "--as-of YYYY-MM-DD" in one.stdout


@pytest.mark.parametrize("written", ["10/02/2020", "2020-02-30", "20200210", "yesterday"])
def test_a_date_not_written_yyyy_mm_dd_is_one_line_and_exit_code_2(written):
    result = run("plan", "hubei-2020", "--as-of", written)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"pairaid plan: argument --as-of: expected a date as YYYY-MM-DD, got '{written}'; "
        "see pairaid plan --help"
    ]


def test_every_option_that_takes_a_date_has_the_one_date_type():
    """A new date option must use `commands.date_argument`, or it takes dates its own way."""
    dated = []
    for name, app in _own_commands().items():
        parser = load_command_class(app, name).create_parser("pairaid", name)
        for action in parser._actions:
            if any(word in action.dest for word in ("date", "as_of", "since", "until")):
                dated.append((name, action.dest, action.type))
    assert sorted((name, dest) for name, dest, _ in dated) == [
        ("plan", "as_of"),
        ("situation-report", "date"),
    ]
    assert all(kind is commands.date_argument for _, _, kind in dated)


def test_call_command_gets_a_command_error_for_a_bad_date():
    with pytest.raises(CommandError, match="expected a date as YYYY-MM-DD, got '10/02/2020'"):
        call_command("plan", "hubei-2020", "--as-of", "10/02/2020")


def test_production_refuses_the_default_secret(tmp_path):
    result = run("check", env={"DEBUG": "0", "PAIRAID_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is the public default" in result.stderr


def test_documented_production_configuration_passes_check_deploy(tmp_path):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-value-0123456789",
        "ALLOWED_HOSTS": "pairaid.example.org",
        "PAIRAID_DATA_DIR": str(tmp_path),
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("value", ["5", "a minute"])
def test_a_stall_threshold_that_is_not_three_heartbeats_or_more_is_refused(tmp_path, value):
    result = run(
        "check", env={"PAIRAID_RUN_STALL_SECONDS": value, "PAIRAID_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert (
        "environment variable PAIRAID_RUN_STALL_SECONDS: expected a whole number of at least 15, "
        f"got {value!r}"
    ) in result.stderr
