"""The shared registry of regions, with their indicators."""

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from pairaid.api_fields import Pages
from pairaid.registry import queries
from pairaid.registry.models import Region, RegionalIndicator

router = Router(tags=["regions"])


class RegionOut(Schema):
    reference: str
    code: str
    level: str
    parent: str | None
    name_en: str
    name_zh: str
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_parent(region: Region) -> str | None:
        return region.parent.reference if region.parent else None


class IndicatorOut(Schema):
    indicator: str
    unit: str
    value: Decimal
    as_of: datetime.date
    source: str
    certainty: str

    @staticmethod
    def resolve_indicator(value: RegionalIndicator) -> str:
        return value.indicator.code

    @staticmethod
    def resolve_unit(value: RegionalIndicator) -> str:
        return value.indicator.unit

    @staticmethod
    def resolve_source(value: RegionalIndicator) -> str:
        return value.source.key


class RegionDetail(RegionOut):
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(region: Region) -> list[RegionalIndicator]:
        return list(
            region.indicators.select_related("indicator", "source").order_by(
                "indicator__code", "as_of"
            )
        )


REGIONS = Region.objects.select_related("parent__parent").order_by("country", "code", "name_en")


@router.get("/regions", response=list[RegionOut], summary="The region registry")
@paginate(Pages, page_size=50)
def list_regions(request: HttpRequest, level: str = "", parent: str = "") -> QuerySet[Region]:
    regions = REGIONS.all()
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent=queries.region(parent, field="parent"))
    return regions


@router.get(
    "/regions/{path:reference}",
    response=RegionDetail,
    summary="A region by reference (CN:421100, or CN:620000/English name for an area)",
)
def get_region(request: HttpRequest, reference: str) -> Region:
    return queries.region(reference, among=REGIONS.all(), field="reference")
