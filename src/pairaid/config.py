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


# The e-mail transports an address may name, and the Django backend of each.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}


def email_settings(url: str) -> dict[str, object]:
    """Django's e-mail settings from one address, as DATABASE_URL gives the database's:
    `smtp://user:password@host:587?tls=1` (STARTTLS), `smtps://…@host:465` (TLS from the first
    byte), or `console://` (mail written to the console: the demo's). A clear error for
    anything else, at start-up."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    backend = _EMAIL_BACKENDS.get(parts.scheme)
    if backend is None:
        raise ValueError(
            f"environment variable PAIRAID_EMAIL_URL: expected smtp://, smtps:// or console://,"
            f" got {url!r}"
        )
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": backend}
    if not parts.hostname:
        raise ValueError(f"environment variable PAIRAID_EMAIL_URL: no mail server in {url!r}")
    query = parse_qs(parts.query)
    starttls = query.get("tls", ["0"])[0].strip().lower() in _TRUE
    implicit_tls = parts.scheme == "smtps"
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if implicit_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": starttls and not implicit_tls,
        "EMAIL_USE_SSL": implicit_tls,
    }
