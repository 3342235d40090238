"""The admin's names for what other packages bring (login attempts, TOTP devices, task results),
in the user's language like PairAid's own models (issue 18: the admin in Chinese).

Django reads a model's `verbose_name` each time it shows it, so lazy names set once at start-up
follow each request's language. Migrations read the options a model declares
(`_meta.original_attrs`), which stay as the package wrote them: no migration in its app.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# app label -> the admin section's name
SECTIONS = {
    "axes": _("Login attempts"),
    "otp_totp": _("Two-factor devices"),
    "django_tasks_database": _("Background tasks"),
}

# (app label, model) -> (singular, plural)
MODELS = {
    ("axes", "AccessAttempt"): (_("access attempt"), _("access attempts")),
    ("axes", "AccessAttemptExpiration"): (
        _("access attempt expiration"),
        _("access attempt expirations"),
    ),
    ("axes", "AccessFailureLog"): (_("access failure"), _("access failures")),
    ("axes", "AccessLog"): (_("access log"), _("access logs")),
    ("otp_totp", "TOTPDevice"): (_("TOTP device"), _("TOTP devices")),
    ("django_tasks_database", "DBTaskResult"): (_("task result"), _("task results")),
}


def name_other_packages() -> None:
    """Give the other packages' admin sections and models their names in both languages."""
    for label, name in SECTIONS.items():
        apps.get_app_config(label).verbose_name = name
    for (label, model_name), (singular, plural) in MODELS.items():
        meta = apps.get_model(label, model_name)._meta
        meta.verbose_name, meta.verbose_name_plural = singular, plural
