"""Issued reports are records of what was sent: the admin lists them and never changes one (a
correction is a new revision, issued from the archive page)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pairaid.admin_figures import FiguresAdmin
from pairaid.situation.models import SituationReport, Subscription


@admin.register(SituationReport)
class SituationReportAdmin(FiguresAdmin):
    list_display = ["programme", "number", "revision", "date", "data_version", "issued_at"]
    list_filter = ["programme"]
    list_select_related = ["programme"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(FiguresAdmin):
    list_display = ["programme", "user"]
    list_filter = ["programme"]
    list_select_related = ["programme", "user"]
