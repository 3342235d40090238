from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class AccountsConfig(AppConfig):
    name = "pairaid.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from pairaid import change_feed

        # Token and membership decisions are remembered until a change is heard (change_feed).
        post_migrate.connect(change_feed.install_triggers, sender=self, dispatch_uid="feed")
        connection_created.connect(change_feed.note_writes, dispatch_uid="feed")

        # Refuse to run in production on the public default secret (DESIGN.md §7).
        if not settings.DEBUG and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
            raise ImproperlyConfigured(
                "SECRET_KEY is the public default while DEBUG is off: set SECRET_KEY in the "
                "environment (see docs/deployment.md)."
            )
