"""Solver backends behind one interface (`Backend.optimize`), chosen by name."""

from __future__ import annotations

from pairaid.engine.backends.base import Backend, Limits, Optimum, Relaxation
from pairaid.engine.errors import BackendUnavailable

EXACT_BACKENDS = ("highs", "cpsat")


def get_backend(name: str) -> Backend:
    """The exact backend called `name`; `auto` is HiGHS (see docs/algorithms.md)."""
    if name in ("auto", "highs"):
        from pairaid.engine.backends.highs import HighsBackend

        return HighsBackend()
    if name == "cpsat":
        from pairaid.engine.backends.cpsat import CpSatBackend

        return CpSatBackend()
    raise BackendUnavailable(f"unknown backend {name!r}")


def get_relaxation() -> Relaxation:
    """The linear-relaxation solver: HiGHS, whichever backend solves the model (CP-SAT has no
    linear programmes); its bounds hold for the model either way."""
    from pairaid.engine.backends.highs import HighsRelaxation

    return HighsRelaxation()


__all__ = [
    "EXACT_BACKENDS",
    "Backend",
    "Limits",
    "Optimum",
    "Relaxation",
    "get_backend",
    "get_relaxation",
]
