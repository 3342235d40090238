from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "pairaid.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from pairaid.web import admin_names

        admin_names.name_other_packages()
