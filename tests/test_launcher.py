"""The production launcher (deploy/pairaid-launch) and the systemd units that call it: prepare,
then a web process that answers its health checks and a task worker, both of which stop
cleanly on SIGTERM, as a service manager stops them."""

import configparser
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "deploy" / "pairaid-launch"
UNITS = ROOT / "deploy" / "systemd"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """A fresh embedded database; the virtual environment running these tests."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "PAIRAID_", "DJANGO_"))
    }
    return {**environ, "PAIRAID_DATA_DIR": str(tmp_path), "PAIRAID_VENV": sys.prefix}


def launch(mode: str, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(LAUNCHER), mode], env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def answer(url: str, seconds: float = 60) -> int:
    """The status of `url` once the server listens (waiting at most `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as refused:
            return refused.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=40)


def test_prepared_web_and_worker_serve_and_stop_on_sigterm(environment):
    prepared = subprocess.run(
        [str(LAUNCHER), "prepare"], env=environment, capture_output=True, text=True, check=False
    )
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
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
    assert web_exit == 0, web.stdout.read().decode() if web.stdout else ""
    assert worker_exit == 0, worker.stdout.read().decode() if worker.stdout else ""


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
