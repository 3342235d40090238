from django.contrib import admin

from pairaid.admin_figures import FiguresAdmin, FiguresInline
from pairaid.pairing.models import AllocationLine, Pairing


class AllocationInline(FiguresInline):
    model = AllocationLine
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(Pairing)
class PairingAdmin(FiguresAdmin):
    list_display = [
        "donor",
        "recipient",
        "programme",
        "status",
        "origin",
        "valid_from",
        "valid_to",
        "source",
    ]
    list_filter = ["programme", "status", "origin"]
    search_fields = ["donor__region__name_en", "recipient__region__name_en"]
    list_select_related = ["donor__region", "recipient__region", "programme", "source"]
    raw_id_fields = ["donor", "recipient"]
    inlines = [AllocationInline]


@admin.register(AllocationLine)
class AllocationLineAdmin(FiguresAdmin):
    list_display = ["pairing", "resource_type", "quantity", "date", "source", "certainty"]
    list_filter = ["pairing__programme", "resource_type", "certainty"]
    list_select_related = [
        "pairing__donor__region",
        "pairing__recipient__region",
        "resource_type",
        "source",
    ]
    raw_id_fields = ["pairing"]
