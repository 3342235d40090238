from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "pairaid.dashboard"
    label = "dashboard"
