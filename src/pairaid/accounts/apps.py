from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pairaid.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.conf import settings

        from pairaid.accounts import checks  # noqa: F401 (registers the deploy check)

        # Refuse to run in production on the public default secret (DESIGN.md §7).
        if not settings.DEBUG and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
            raise ImproperlyConfigured(
                "SECRET_KEY is the public default while DEBUG is off: set SECRET_KEY in the "
                "environment (see docs/deployment.md)."
            )
