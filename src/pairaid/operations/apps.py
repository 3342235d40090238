from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "pairaid.operations"
    label = "operations"
