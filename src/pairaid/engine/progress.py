"""A run's progress as data: one `Progress` payload per step, for a progress display, the time to
the best plan, or a parent process (payloads are plain and picklable).

`engine.solve(progress=callback)` calls the callback on the thread that called `solve`, never on
a search thread: a caller may write each payload to its database. `progress_text` renders a
payload as one line for a terminal (`pairaid solve`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Stage = Literal[
    "checked",  # the input passed the checks: counts donors, recipients
    "warm_start",  # the heuristics' plan: method (the heuristics), counts pairs, a value per level
    "bound",  # a bound on the first level: method (relaxation, bottleneck, reach)
    "kernel",  # the restricted model solved: counts pairs kept and pairs, its level values
    "improved",  # a better plan: level, value, bound (None where unknown)
    "level",  # a level finished: level, status, value, bound
    "beside",  # the second solver beside HiGHS: method, counts what it did
    "stopped",  # the stop token was set: the run returns the best plan so far
]


@dataclass(frozen=True)
class Progress:
    """One step of a run. `seconds` counts from the start of the run."""

    stage: Stage
    seconds: float
    level: str | None = None
    value: float | None = None
    bound: float | None = None
    status: str | None = None
    method: str | None = None
    counts: tuple[tuple[str, int], ...] = ()
    values: tuple[tuple[str, float], ...] = ()
    """Level values of a plan (warm start, kernel), in level order."""


ProgressCallback = Callable[[Progress], None]


def progress_text(progress: Progress) -> str:
    """One line for a terminal, in English."""
    counts = dict(progress.counts)
    values = ", ".join(f"{name} {value:.6g}" for name, value in progress.values)
    at = f"{progress.seconds:.1f} s"
    match progress.stage:
        case "checked":
            donors, recipients = counts.get("donors"), counts.get("recipients")
            return f"checks passed; {donors} donors, {recipients} recipients"
        case "warm_start":
            return f"warm start ({progress.method}): {counts.get('pairs')} pairs; {values}"
        case "bound":
            return f"{progress.method} bound on {progress.level}: {_number(progress.bound)} at {at}"
        case "kernel":
            kept, pairs = counts.get("pairs_kept"), counts.get("pairs")
            return f"kernel of {kept} of {pairs} pairs: {values} ({progress.status}) at {at}"
        case "improved":
            found = f"{progress.level}: found {_number(progress.value)}"
            return f"  {found} (bound {_number(progress.bound)}) after {at}"
        case "level":
            value = f"{_number(progress.value)} (bound {_number(progress.bound)})"
            return f"level {progress.level}: {progress.status} {value} at {at}"
        case "beside":
            done = ", ".join(f"{name} {count}" for name, count in progress.counts)
            return f"{progress.method} beside HiGHS: {progress.status}; {done}"
        case "stopped":
            return f"stopped at {at}: returning the best plan found so far"
    return f"{progress.stage} at {at}"


def _number(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.6g}"


@dataclass
class Reporter:
    """Turns a run's events into `Progress` payloads for the caller's callback.

    Better plans are told only when they improve on those told before on their level (a
    backend's first plan may be worse than the warm start; the search beside HiGHS tells its
    plans later). Payloads from other threads wait in `held` until the calling thread passes by
    (`deliver`), so the callback always runs on the caller's thread."""

    callback: ProgressCallback | None
    clock: Callable[[], float]
    started: float
    maximised: Mapping[str, bool] = field(default_factory=dict)
    told: dict[str, float] = field(default_factory=dict)
    caller: int = field(default_factory=threading.get_ident)
    held: list[Progress] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seconds(self, at: float | None = None) -> float:
        """Seconds since the start of the run, now or at clock time `at`."""
        return (self.clock() if at is None else at) - self.started

    def tell(self, progress: Progress) -> None:
        if self.callback is None:
            return
        with self.lock:
            self.held.append(progress)
        if threading.get_ident() == self.caller:
            self.deliver()

    def deliver(self) -> None:
        """Pass the payloads held so far to the callback (on the caller's thread only)."""
        if self.callback is None or threading.get_ident() != self.caller:
            return
        with self.lock:
            held, self.held = self.held, []
        for progress in held:
            self.callback(progress)

    def improved(
        self, level: str, value: float, bound: float | None = None, at: float | None = None
    ) -> None:
        """A better plan on `level`, found now or at clock time `at`."""
        with self.lock:
            last = self.told.get(level)
            sign = 1.0 if self.maximised.get(level, False) else -1.0
            if last is not None and sign * (value - last) <= 0:
                return
            self.told[level] = value
        self.tell(Progress("improved", self.seconds(at), level=level, value=value, bound=bound))

    def level(self, name: str, status: str, value: float | None, bound: float | None) -> None:
        self.tell(
            Progress("level", self.seconds(), level=name, status=status, value=value, bound=bound)
        )
