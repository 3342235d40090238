"""Small helpers to read settings from the environment (no Django import)."""

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"environment variable {name}: expected one of 1/0/true/false, got {raw!r}")


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, *, default: int, minimum: int) -> int:
    """A whole number of at least `minimum`; a clear error at start-up for anything else."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    refusal = (
        f"environment variable {name}: expected a whole number of at least {minimum}, got {raw!r}"
    )
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(refusal) from None
    if value < minimum:
        raise ValueError(refusal)
    return value
