"""The engine's one exception hierarchy.

Bad input and infeasibility are *statuses* of a result, not exceptions; these exceptions are
for callers that read files or build problems directly and want to stop at the first problem.
"""

from __future__ import annotations

from collections.abc import Sequence

from pairaid.engine.messages import Message


class EngineError(Exception):
    """Base class of every error the engine raises."""


class ProblemInvalid(EngineError):
    """A problem document or object has input errors; `errors` lists every one of them."""

    def __init__(self, errors: Sequence[Message]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(error.text for error in self.errors))


class BackendUnavailable(EngineError):
    """The named backend is unknown or its solver package cannot be imported."""
