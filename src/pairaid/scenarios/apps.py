from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "pairaid.scenarios"
    label = "scenarios"
