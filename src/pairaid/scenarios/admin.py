from django.contrib import admin

from pairaid.admin_figures import FiguresAdmin
from pairaid.scenarios.models import LoadedBundle


@admin.register(LoadedBundle)
class LoadedBundleAdmin(FiguresAdmin):
    list_display = ["name", "kind", "programme", "format_version", "data_version", "loaded_at"]
    readonly_fields = ["loaded_at"]
