"""The shared registry of regions, with their indicators."""

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from pairaid.errors import NotFound
from pairaid.registry.models import Region

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


class RegionDetail(RegionOut):
    indicators: list[IndicatorOut]


def _out(region: Region) -> dict[str, object]:
    return {
        "reference": region.reference,
        "code": region.code,
        "level": region.level,
        "parent": region.parent.reference if region.parent else None,
        "name_en": region.name_en,
        "name_zh": region.name_zh,
        "latitude": region.latitude,
        "longitude": region.longitude,
    }


@router.get("/regions", response=list[RegionOut], summary="The region registry")
@paginate(PageNumberPagination, page_size=50)
def list_regions(request: HttpRequest, level: str = "", parent: str = "") -> QuerySet[Region]:
    regions = Region.objects.select_related("parent__parent").order_by("country", "code", "name_en")
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent__code=parent)
    return regions


@router.get("/regions/{code}", response=RegionDetail, summary="A region by official code")
def get_region(request: HttpRequest, code: str, country: str = "CN") -> dict[str, object]:
    region = (
        Region.objects.select_related("parent__parent").filter(country=country, code=code).first()
    )
    if region is None:
        raise NotFound(f"no region {country}:{code}")
    indicators = region.indicators.select_related("indicator", "source").order_by(
        "indicator__code", "as_of"
    )
    return _out(region) | {
        "indicators": [
            {
                "indicator": i.indicator.code,
                "unit": i.indicator.unit,
                "value": i.value,
                "as_of": i.as_of,
                "source": i.source.key,
                "certainty": i.certainty,
            }
            for i in indicators
        ]
    }
