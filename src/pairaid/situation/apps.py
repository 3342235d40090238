from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationConfig(AppConfig):
    name = "pairaid.situation"
    label = "situation"
    verbose_name = _("Situation reports")
