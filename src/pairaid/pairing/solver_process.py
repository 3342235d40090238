"""A plan run solves in a child process of the task worker, watched by the worker.

One bad run must not take the worker down (a request once made a worker grow to 23.6 GB until
the kernel killed it), and a worker that dies must not leave its run "running" for good:

- **Memory.** The worker reads the child's resident memory every `POLL_SECONDS` and kills it
  over the limit (`PAIRAID_SOLVER_MEMORY_MB`); the run fails, saying so. Not an address-space
  limit inside the process: OR-Tools and numpy reserve far more address space than they use,
  and such a limit misfires on them.
- **Heartbeat.** While the child solves, the worker records a heartbeat every
  `HEARTBEAT_SECONDS` (`on_heartbeat`). A run whose heartbeat is older than the stall threshold
  (`PAIRAID_RUN_STALL_SECONDS`) has lost its worker (killed, out of memory, its host gone):
  `runs.fail_stalled` marks it failed.
- **Stopping.** When `stop` is set (SIGTERM to the worker), the worker tells the child, whose
  engine stops through its stop token and returns the best plan so far; a child that does not
  answer within `STOP_GRACE_SECONDS` is killed.
- **Progress** comes back as the engine's `Progress` data, one message each.

The churn trade-off curve (`tradeoff`) is solved the same way: a dozen solves, watched alike.

The child is started with `spawn` (a fresh interpreter): it inherits no database connection and
imports only the engine. This module imports nothing of Django at module level for that reason.
"""

import dataclasses
import multiprocessing
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pairaid import engine

POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 5.0
STOP_GRACE_SECONDS = 15.0
STOP = "stop"


@dataclass(frozen=True)
class Outcome:
    """How a child's solve ended: a result (with `stopped`, if it was asked to stop), or why
    there is none."""

    result: engine.Result | None = None
    tradeoff: engine.Tradeoff | None = None
    failure: str = ""
    stopped: bool = False
    peak_mb: float = 0.0  # the most resident memory seen in the child's polls


def solve(
    problem: dict[str, Any],
    *,
    memory_limit_mb: int,
    stop: threading.Event,
    on_progress: Callable[[engine.Progress], None],
    on_heartbeat: Callable[[], None],
) -> Outcome:
    """Solve the stored problem in a child process, watching it until it ends."""
    return _in_child(problem, None, memory_limit_mb, stop, on_progress, on_heartbeat)


def tradeoff(
    problem: dict[str, Any],
    *,
    max_points: int,
    seconds: float,
    memory_limit_mb: int,
    stop: threading.Event,
    on_heartbeat: Callable[[], None] = lambda: None,
) -> Outcome:
    """The churn trade-off curve of the stored problem (`engine.churn_tradeoff`), computed in a
    child process watched like a solve; its outcome's `tradeoff`."""
    cap = (max_points, seconds)
    return _in_child(problem, cap, memory_limit_mb, stop, lambda _step: None, on_heartbeat)


def _in_child(
    problem: dict[str, Any],
    curve_cap: tuple[int, float] | None,
    memory_limit_mb: int,
    stop: threading.Event,
    on_progress: Callable[[engine.Progress], None],
    on_heartbeat: Callable[[], None],
) -> Outcome:
    context = multiprocessing.get_context("spawn")
    messages, child_messages = context.Pipe(duplex=False)
    child_stop, stop_child = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(problem, child_messages, child_stop, curve_cap),
        name="pairaid-solver",
    )
    child.start()
    child_messages.close()
    child_stop.close()
    try:
        return _watch(child, messages, stop_child, memory_limit_mb, stop, on_progress, on_heartbeat)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        messages.close()
        stop_child.close()


def _watch(
    child: Any,
    messages: Connection,
    stop_child: Connection,
    memory_limit_mb: int,
    stop: threading.Event,
    on_progress: Callable[[engine.Progress], None],
    on_heartbeat: Callable[[], None],
) -> Outcome:
    last_beat = 0.0
    peak = 0.0
    stop_sent_at: float | None = None
    while True:
        try:
            outcome = _read(messages, on_progress, stopped=stop_sent_at is not None)
        except EOFError:  # the child is gone without a word (killed); its exit code says how
            child.join()
            failure = f"the solver process ended with exit code {child.exitcode}"
            return Outcome(failure=failure, peak_mb=peak)
        if outcome is not None:
            return dataclasses.replace(outcome, peak_mb=peak)
        now = time.monotonic()
        if now - last_beat >= HEARTBEAT_SECONDS:
            on_heartbeat()
            last_beat = now
        used = resident_mb(child.pid) or 0.0
        peak = max(peak, used)
        if used > memory_limit_mb:
            child.kill()
            return Outcome(
                failure=f"the solver used {used:.0f} MB, over its limit of {memory_limit_mb} MB "
                "(PAIRAID_SOLVER_MEMORY_MB); it was stopped",
                peak_mb=peak,
            )
        if stop.is_set() and stop_sent_at is None:
            stop_child.send(STOP)
            stop_sent_at = now
        if stop_sent_at is not None and now - stop_sent_at > STOP_GRACE_SECONDS:
            child.kill()
            failure = "the solver did not stop when asked; it was killed"
            return Outcome(failure=failure, stopped=True, peak_mb=peak)


def _read(
    messages: Connection, on_progress: Callable[[engine.Progress], None], *, stopped: bool
) -> Outcome | None:
    """Take in what the child has sent within one poll; the outcome once it has one.

    Raises EOFError once the child has gone: its end of the pipe closes when it dies."""
    if not messages.poll(POLL_SECONDS):
        return None
    kind, payload = messages.recv()
    if kind == "progress":
        on_progress(payload)
        return None
    if kind == "result":
        return Outcome(result=payload, stopped=stopped)
    if kind == "tradeoff":
        return Outcome(tradeoff=payload, stopped=stopped)
    return Outcome(failure=str(payload), stopped=stopped)


def resident_mb(pid: int) -> float | None:
    """A process's resident memory in MB (Linux, /proc); None where it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


class _WorkerGone(Exception):
    """The worker's end of the pipe is closed: it died, and no one will read this child's result."""


def _child(
    problem: dict[str, Any],
    messages: Connection,
    stop_child: Connection,
    curve_cap: tuple[int, float] | None = None,
) -> None:
    """The child's whole life: solve (or, given `curve_cap`, the churn trade-off curve), sending
    progress and then the result (or the error).

    A worker killed outright (SIGKILL, the kernel's out-of-memory killer) cannot stop its child,
    so the child notices on its own: the stop pipe closes (the solve stops through its token) or
    a message finds no reader. Either way it ends within moments, quietly, with nothing sent; it
    never writes anywhere else, and the run is failed by another worker when its heartbeat stops.
    """
    token = engine.StopToken()

    def listen() -> None:
        try:
            while stop_child.recv() != STOP:
                pass
        except EOFError:  # the worker went away: no one is waiting for this result
            pass
        token.set()

    def send(message: tuple[str, Any]) -> None:
        try:
            messages.send(message)
        except OSError:  # a broken pipe: the worker is gone
            token.set()
            raise _WorkerGone from None

    threading.Thread(target=listen, daemon=True).start()
    try:
        if curve_cap is None:
            _solve_and_send(problem, token, send)
        else:
            _curve_and_send(problem, curve_cap, token, send)
    except _WorkerGone:
        print("pairaid-solver: the task worker is gone; stopping without a result", file=sys.stderr)


def _solve_and_send(
    problem: dict[str, Any], token: engine.StopToken, send: Callable[[tuple[str, Any]], None]
) -> None:
    try:
        result = engine.solve(
            engine.problem_from_dict(problem),
            progress=lambda step: send(("progress", step)),
            stop=token,
        )
        send(("result", result))
    except _WorkerGone:
        raise
    except BaseException:  # reported to the worker, which fails the run with it
        send(("error", traceback.format_exc()))


def _curve_and_send(
    problem: dict[str, Any],
    cap: tuple[int, float],
    token: engine.StopToken,
    send: Callable[[tuple[str, Any]], None],
) -> None:
    max_points, seconds = cap
    try:
        curve = engine.churn_tradeoff(
            engine.problem_from_dict(problem), max_points=max_points, seconds=seconds, stop=token
        )
        send(("tradeoff", curve))
    except _WorkerGone:
        raise
    except BaseException:  # reported to the worker, which goes without the curve
        send(("error", traceback.format_exc()))
