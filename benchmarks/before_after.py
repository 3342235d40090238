"""One engine solve in a fresh process, with this checkout's engine or another's, so that two
engines are compared instance by instance, back to back, in the same run.

    run_solve(path, seconds, kind="gap")                    # this checkout's engine
    run_solve(path, seconds, kind="gap", src=Path("/tmp/engine-before/src"))  # an older one

`src` is the `src` folder of another checkout (e.g. `git worktree add /tmp/engine-before
7eab26f`); the child imports `pairaid` from it. Each child reports its whole-run seconds (the
`engine.solve` call, explanations included, measured around it), the result's own seconds, the
seconds to its best plan and the 1-minute load average before and after: the machine may be
shared, and the load says how much. Not part of CI.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
SRC = HERE.parents[1] / "src"


def load_average() -> float:
    """The 1-minute load average (Linux)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_solve(
    path: Path, seconds: float, *, kind: str, src: Path | None = None, seed: int = 0
) -> dict[str, Any]:
    """Solve the problem at `path` (`kind`: "gap" or "problem") in a child process with the
    engine of `src` (default: this checkout's) and the solver seed `seed`, and return what the
    child measured."""
    env = dict(os.environ, PYTHONPATH=str(src or SRC))
    out = subprocess.run(
        [sys.executable, str(HERE), kind, str(path), str(seconds), str(seed)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    row: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return row


def _recorder(engine: Any, found: list[tuple[float, float]]) -> dict[str, Any]:
    """The keyword that makes `engine.solve` record each better plan (value, seconds since the
    run began): `progress` payloads, or `on_improvement` for an engine from before them."""
    if hasattr(engine, "Progress"):

        def step(progress: Any) -> None:
            if progress.stage == "improved":
                found.append((progress.value, progress.seconds))

        return {"progress": step}

    def improved(level: str, value: float, bound: float | None, seconds: float) -> None:
        found.append((value, seconds))

    return {"on_improvement": improved}


def _to_best(found: list[tuple[float, float]], value: float | None) -> float | None:
    if value is None:
        return None
    close = [at for cost, at in found if abs(cost - value) <= 1e-6 * max(1.0, abs(value))]
    return min(close) if close else None


def _solve_here(kind: str, path: str, seconds: float, seed: int) -> dict[str, Any]:
    from pairaid import engine

    problem = engine.read_gap(path) if kind == "gap" else engine.read_problem(path)
    found: list[tuple[float, float]] = []
    load_before = load_average()
    started = time.perf_counter()
    result = engine.solve(
        problem,
        time_limit_seconds=seconds,
        seed=seed,
        relative_gap=0.0,
        **_recorder(engine, found),
    )
    whole = time.perf_counter() - started
    level = result.levels[0] if result.levels else None
    value = None if level is None else level.value
    return {
        "engine": str(Path(engine.__file__).parents[2]),
        "status": result.status,
        "value": value,
        "bound": None if level is None else level.bound,
        "gap": None if level is None else level.gap,
        "seconds": result.seconds,
        "whole_seconds": whole,
        "to_best": _to_best(found, value),
        "load_before": load_before,
        "load_after": load_average(),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(_solve_here(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))))
