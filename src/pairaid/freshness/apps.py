from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.utils.translation import gettext_lazy as _


class FreshnessConfig(AppConfig):
    name = "pairaid.freshness"
    label = "freshness"
    verbose_name = _("Data versions")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="freshness")


def after_migrate(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """Every `migrate`: the counting triggers on every versioned table (new tables included),
    and a new generation, since a migration may change what a cached response holds."""
    from pairaid.freshness import triggers

    connection = connections[using]
    triggers.install(connection)
    triggers.start_generation(connection)
