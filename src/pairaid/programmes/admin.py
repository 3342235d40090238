from django.contrib import admin

from pairaid.admin_figures import FiguresAdmin, FiguresInline
from pairaid.programmes.models import (
    CapacityLine,
    Cluster,
    ClusterMember,
    NeedLine,
    Participant,
    Programme,
)


@admin.register(Programme)
class ProgrammeAdmin(FiguresAdmin):
    list_display = ["slug", "name_en", "kind", "status", "period_start", "programme_date"]
    list_filter = ["kind", "status"]
    search_fields = ["slug", "name_en", "name_zh"]
    filter_horizontal = ["sources"]
    autocomplete_fields = ["follows", "follows_source"]


class CapacityInline(FiguresInline):
    model = CapacityLine
    extra = 0
    autocomplete_fields = ["source"]


class NeedInline(FiguresInline):
    model = NeedLine
    extra = 0
    autocomplete_fields = ["source"]
    # A line derived from a forecast links the run it came from; the link is the record's, not
    # an editor's to change.
    readonly_fields = ["forecast_run"]


@admin.register(Participant)
class ParticipantAdmin(FiguresAdmin):
    list_display = ["region", "role", "programme", "illustrative"]
    list_filter = ["programme", "role"]
    search_fields = ["region__name_en", "region__name_zh", "region__code"]
    autocomplete_fields = ["region"]
    list_select_related = ["region", "programme"]
    inlines = [CapacityInline, NeedInline]


class LineAdmin(FiguresAdmin):
    list_display = [
        "participant",
        "resource_type",
        "quantity",
        "as_of",
        "source",
        "certainty",
        "illustrative",
    ]
    list_filter = ["participant__programme", "resource_type", "certainty", "illustrative"]
    search_fields = ["participant__region__name_en", "participant__region__name_zh"]
    autocomplete_fields = ["source"]
    list_select_related = ["participant__region", "participant__programme", "resource_type"]


admin.site.register(CapacityLine, LineAdmin)
admin.site.register(NeedLine, LineAdmin)


class ClusterMemberInline(FiguresInline):
    model = ClusterMember
    extra = 0
    autocomplete_fields = ["recipient"]


@admin.register(Cluster)
class ClusterAdmin(FiguresAdmin):
    """Clusters are set on the programme's Settings page, where their rules are checked; the
    admin is for platform administrators' repairs."""

    list_display = ["name", "programme"]
    list_filter = ["programme"]
    search_fields = ["name"]
    inlines = [ClusterMemberInline]
