from django.contrib import admin

from pairaid.admin_figures import FiguresAdmin, FiguresInline
from pairaid.registry.models import (
    IndicatorType,
    Region,
    RegionalIndicator,
    RegionRename,
    ResourceType,
    Source,
)


@admin.register(Source)
class SourceAdmin(FiguresAdmin):
    list_display = ["key", "kind", "issuer", "date"]
    list_filter = ["kind"]
    search_fields = ["key", "issuer", "title", "url"]


class RenameInline(FiguresInline):
    model = RegionRename
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(Region)
class RegionAdmin(FiguresAdmin):
    list_display = ["name_en", "name_zh", "code", "level", "parent", "latitude", "longitude"]
    list_filter = ["level", "country"]
    search_fields = ["code", "name_en", "name_zh"]
    autocomplete_fields = ["parent", "source", "coordinates_source"]
    list_select_related = ["parent"]
    inlines = [RenameInline]


@admin.register(IndicatorType)
class IndicatorTypeAdmin(FiguresAdmin):
    list_display = ["code", "name_en", "name_zh", "unit"]
    search_fields = ["code", "name_en", "name_zh"]


@admin.register(RegionalIndicator)
class RegionalIndicatorAdmin(FiguresAdmin):
    list_display = ["region", "indicator", "value", "as_of", "source", "certainty", "illustrative"]
    list_filter = ["indicator", "certainty", "illustrative"]
    search_fields = ["region__name_en", "region__name_zh", "region__code"]
    autocomplete_fields = ["region", "source"]
    list_select_related = ["region", "indicator", "source"]
    date_hierarchy = "as_of"


@admin.register(ResourceType)
class ResourceTypeAdmin(FiguresAdmin):
    list_display = ["code", "kind", "name_en", "name_zh", "unit"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_zh"]
