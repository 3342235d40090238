"""The production launcher (deploy/pairaid-launch) and the systemd units that call it: prepare,
then a web process that answers its health checks and a task worker, both of which stop
cleanly on SIGTERM, as a service manager stops them."""

import configparser
import subprocess
from pathlib import Path

import pytest
from tests.launcher_helpers import (
    LAUNCHER,
    ROOT,
    answer,
    free_port,
    launch,
    output,
    prepare,
    production_environment,
    stop,
)

UNITS = ROOT / "deploy" / "systemd"


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """A fresh embedded database; the virtual environment running these tests."""
    return production_environment(PAIRAID_DATA_DIR=str(tmp_path))


def test_prepared_web_and_worker_serve_and_stop_on_sigterm(environment):
    prepare(environment)
    port = free_port()
    web = launch("web", {**environment, "PAIRAID_BIND": f"127.0.0.1:{port}",
                         "PAIRAID_WEB_WORKERS": "2"})  # fmt: skip
    worker = launch("worker", environment)
    try:
        assert answer(f"http://127.0.0.1:{port}/healthz") == 200
        assert answer(f"http://127.0.0.1:{port}/healthz/work") == 200
        assert worker.poll() is None  # waiting for tasks
    finally:
        web_exit, worker_exit = stop(web), stop(worker)
    assert web_exit == 0, output(web)
    assert worker_exit == 0, output(worker)


def test_the_launcher_refuses_an_unknown_mode(environment):
    refused = subprocess.run(
        [str(LAUNCHER), "serve"], env=environment, capture_output=True, text=True, check=False
    )
    assert refused.returncode == 64 and "usage:" in refused.stderr


@pytest.mark.parametrize(
    ("unit", "modes"),
    [("pairaid-web.service", ["prepare", "web"]), ("pairaid-worker@.service", ["worker"])],
)
def test_each_unit_starts_the_launcher_in_the_repository(unit, modes):
    parsed = configparser.ConfigParser(strict=False, interpolation=None)
    parsed.read(UNITS / unit)
    service = parsed["Service"]
    commands = [service.get("ExecStartPre"), service.get("ExecStart")]
    launched = [c.split() for c in commands if c]
    assert [c[0] for c in launched] == ["/opt/pairaid/deploy/pairaid-launch"] * len(modes)
    assert [c[1] for c in launched] == modes
    # Longer than the worker's grace for a solver to hand back its plan.
    assert int(service["TimeoutStopSec"]) > 15
