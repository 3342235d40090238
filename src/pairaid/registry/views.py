"""Region pages: identity, names, renames, indicators with sources, and programmes taken part in;
a region's daily case counts as CSV, with the record's quirks flagged."""

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.errors import PairAidError
from pairaid.registry import queries, series
from pairaid.registry.models import Region
from pairaid.spreadsheets import write_csv

SERIES_COLUMNS = (
    "as_of",
    *series.CASE_COUNTS,
    *(f"{indicator}_certainty" for indicator in series.CASE_COUNTS),
    "sources",
    "flags",
)


def _found(reference: str) -> Region:
    try:
        return queries.region(
            reference, among=Region.objects.select_related("parent", "source", "coordinates_source")
        )
    except PairAidError as error:
        raise Http404(str(error)) from error


def _figure(value: Decimal | None) -> str:
    """A count as the series gives it; unknown: an empty cell."""
    return "" if value is None else str(value)


@member_required
def case_series_csv(request: HttpRequest, reference: str) -> HttpResponse:
    """The region's daily case counts, one day a row; an unknown figure is an empty cell, and
    each day's quirks are named in `flags` (see `registry.series`)."""
    found = _found(reference)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = found.code or found.name_en.replace(" ", "-").lower()
    response["Content-Disposition"] = f'attachment; filename="case-series-{name}.csv"'
    rows = (
        [
            day.as_of.isoformat(),
            *(_figure(day.counts.get(indicator)) for indicator in series.CASE_COUNTS),
            *(day.certainty.get(indicator, "") for indicator in series.CASE_COUNTS),
            ";".join(day.sources),
            ";".join(day.flags),
        ]
        for day in series.case_series(found)
    )
    write_csv(response, [["region", *SERIES_COLUMNS], *([found.reference, *row] for row in rows)])
    return response


@member_required
def region(request: HttpRequest, reference: str) -> HttpResponse:
    found = _found(reference)
    visible = permissions.visible_programmes(request.user)
    participations = found.participations.filter(programme__in=visible).select_related("programme")
    indicators = found.indicators.select_related("indicator", "source").order_by(
        "indicator__code", "as_of"
    )
    return render(
        request,
        "registry/region.html",
        {
            "region": found,
            "indicators": indicators,
            "participations": participations,
            "children": found.children.order_by("code", "name_en"),
            "renames": found.renames.select_related("source"),
            "has_case_series": found.indicators.filter(
                indicator__code__in=series.CASE_COUNTS
            ).exists(),
        },
    )
