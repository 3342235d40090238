from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pairaid.web"
    label = "web"
