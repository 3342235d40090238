from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pairaid.scenarios.models import LoadedBundle


@admin.register(LoadedBundle)
class LoadedBundleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "programme", "format_version", "data_version", "loaded_at"]
    readonly_fields = ["loaded_at"]
