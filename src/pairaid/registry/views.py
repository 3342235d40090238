"""Region pages: identity, names, renames, indicators with sources, and programmes taken part in."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.errors import PairAidError
from pairaid.registry import queries
from pairaid.registry.models import Region


@member_required
def region(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        found = queries.region(
            reference, among=Region.objects.select_related("parent", "source", "coordinates_source")
        )
    except PairAidError as error:
        raise Http404(str(error)) from error
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
