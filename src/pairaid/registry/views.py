"""Region pages: identity, names, renames, indicators with sources, and programmes taken part in."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.registry.models import Region


def _by_reference(reference: str) -> Region:
    country, _, rest = reference.partition(":")
    regions = Region.objects.select_related("parent", "source", "coordinates_source")
    if "/" in rest:
        parent_code, _, name = rest.partition("/")
        found = regions.filter(country=country, code="", parent__code=parent_code, name_en=name)
    else:
        found = regions.filter(country=country, code=rest)
    region = found.first()
    if region is None:
        raise Http404(f"no region {reference}")
    return region


@member_required
def region(request: HttpRequest, reference: str) -> HttpResponse:
    found = _by_reference(reference)
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
        },
    )
