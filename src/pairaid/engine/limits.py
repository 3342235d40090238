"""The limits the engine publishes, for the parts that take requests to check them early.

`check_problem` applies them before anything is built, so a request over a limit is the status
`invalid` with structured errors (`too_large`, `too_many_levels`), never an exception, a hang or
a worker out of memory. The API and the task worker can read `LIMITS` to refuse a request before
it is stored or queued.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineLimits:
    """What one run may ask of the engine."""

    max_time_limit_seconds: float = 3_600.0
    """The longest time limit a run may ask for. A run given no time limit stops here too: a
    task worker is never held by one run for longer than this (plus the grace of
    docs/algorithms.md, Time limits)."""

    def max_leximin_levels(self, recipients: int) -> int:
        """Leximin has at most one level per recipient: level k is the sum of the k smallest
        coverages, so a level beyond the number of recipients adds nothing. Each level also
        adds a column per recipient and a solve; `levels: 1000000000` was once accepted,
        expanded 10⁹ level names and took a worker to 23.6 GB."""
        return max(1, recipients)


LIMITS = EngineLimits()
"""The engine's limits (`engine.LIMITS`)."""
