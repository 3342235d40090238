"""Starting PairAid's processes as production does, through deploy/pairaid-launch, and talking to
them over HTTP (tests/test_launcher.py, tests/test_smoke.py)."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "deploy" / "pairaid-launch"


def production_environment(**variables: str) -> dict[str, str]:
    """This environment without any PairAid or database configuration of its own, with the
    virtual environment running these tests, and `variables`."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "PAIRAID_", "DJANGO_"))
        and k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    return {**environ, "PAIRAID_VENV": sys.prefix, **variables}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# What each launched process writes, in a file: a pipe that nobody reads while the process runs
# fills up (gunicorn logs every request) and then stalls it.
_LOGS: "weakref.WeakKeyDictionary[subprocess.Popen[bytes], IO[bytes]]" = weakref.WeakKeyDictionary()


def launch(mode: str, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    log = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the process is referenced)
    process = subprocess.Popen(
        [str(LAUNCHER), mode], env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    _LOGS[process] = log
    return process


def prepare(environment: dict[str, str]) -> None:
    """`pairaid-launch prepare`: check the deployment, migrate, collect static files."""
    prepared = subprocess.run(
        [str(LAUNCHER), "prepare"], env=environment, capture_output=True, text=True, check=False
    )
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr


def answer(url: str, seconds: float = 60, headers: dict[str, str] | None = None) -> int:
    """The status of `url` once the server listens (waiting at most `seconds`)."""
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(url, headers=headers or {})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as refused:
            return refused.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, as systemd stops a unit; the exit status."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=40)


def output(process: subprocess.Popen[bytes]) -> str:
    """What a launched process has written."""
    log = _LOGS[process]
    log.seek(0)
    return log.read().decode(errors="replace")


def running(pid: int) -> bool:
    """Whether a process runs (Linux, /proc); a zombie has ended, only its status is left."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")
