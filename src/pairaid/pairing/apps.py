from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "pairaid.pairing"
    label = "pairing"
