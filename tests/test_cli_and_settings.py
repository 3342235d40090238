"""The `pairaid` command and the production configuration (run as real subprocesses)."""

import os
import subprocess
import sys

import pytest

from pairaid import __version__


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


def test_pairaid_lists_its_own_commands_beside_djangos():
    result = run("help")
    assert result.returncode == 0
    assert "scenario" in result.stdout and "migrate" in result.stdout


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
