from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "pairaid.programmes"
    label = "programmes"
