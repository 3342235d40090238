from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "pairaid.registry"
    label = "registry"
