"""The shared registry of regions, with their indicators and daily case counts."""

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from pairaid.api_fields import Pages
from pairaid.registry import queries, series
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


class CaseDayOut(Schema):
    as_of: datetime.date
    confirmed_cases: Decimal | None
    cured: Decimal | None
    deaths: Decimal | None
    certainty: dict[str, str]  # indicator -> its figure's certainty
    sources: list[str]
    flags: list[str]


class CaseSeriesOut(Schema):
    region: str
    days: list[CaseDayOut]


# Before get_region: its {path:reference} would take ".../case-series" as part of a reference.
@router.get(
    "/regions/{path:reference}/case-series",
    response=CaseSeriesOut,
    summary="A region's daily case counts, one day a row, each day's quirks named in flags "
    "(missing, falls:…, parts_do_not_sum:…, counting_changed:…); unknown figures are null",
)
def get_case_series(request: HttpRequest, reference: str) -> dict[str, object]:
    region = queries.region(reference, among=REGIONS.all(), field="reference")
    days = [
        {
            "as_of": day.as_of,
            **{indicator: day.counts.get(indicator) for indicator in series.CASE_COUNTS},
            "certainty": day.certainty,
            "sources": list(day.sources),
            "flags": list(day.flags),
        }
        for day in series.case_series(region)
    ]
    return {"region": region.reference, "days": days}


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
