from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.dashboard import boundaries
from pairaid.dashboard import services as dashboard_services
from pairaid.dashboard.forms import BoundaryQuery, OverviewQuery, detail_provinces, resource_code
from pairaid.forms import query
from pairaid.operations.queries import handover
from pairaid.pairing import maps


@member_required
@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    asked = query(request, OverviewQuery)
    resource = resource_code(asked)
    data = dashboard_services.page_overview(programme, on=asked["date"], resource=resource)
    # The map's data (hundreds of KiB at national scale) is fetched by the page's script.
    map_query = urlencode({"date": data.on.isoformat(), "resource": resource})
    return render(
        request,
        "dashboard/overview.html",
        {
            "programme": programme,
            "o": data,
            # A national programme has thousands of rows: the page shows them in pages.
            "pairs": dashboard_services.pairs_page(data, asked["pairs"]),
            "recipients": dashboard_services.recipients_page(data, asked["recipients"]),
            "gaps": data.largest_gaps,
            "reports": data.reports,
            "overdue": data.overdue,
            "loose_ends": handover.flags(programme),
            "resource": resource,
            "chart_labels": dashboard_services.chart_labels(data),
            "map_url": f"{reverse('dashboard:map', args=[programme.slug])}?{map_query}",
            "map_plans": [{"key": maps.IN_FORCE}],
            "can_set_date": permissions.can(
                request.user, permissions.Action.SET_PROGRAMME_DATE, programme
            ),
        },
    )


# The map's answers are compressed for the browsers that ask: the national map is hundreds of
# KiB, a few tens compressed (docs/benchmarks.md). They hold no secret (no CSRF token), so
# compressing them does not open the BREACH attack that rules out compressing the pages.
@member_required
@require_GET
@gzip_page
def map_data(request: HttpRequest, slug: str) -> HttpResponse:
    """Points, arcs and coverage for the overview's map, as of the date and resource asked.

    Same visibility as the page (404 for a programme the user cannot see). The ETag follows the
    programme data's version, so a browser revalidates and gets 304 until the data changes.
    """
    programme = permissions.programme_for(request.user, slug)
    asked = query(request, OverviewQuery)
    body, tag = dashboard_services.map_json(
        programme, on=asked["date"], resource=resource_code(asked)
    )
    etag = quote_etag(tag)
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        body, content_type="application/json"
    )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


DEFAULT_PX = 800  # a view's width when the query does not say


@member_required
@require_GET
@gzip_page
def boundary_data(request: HttpRequest, slug: str) -> HttpResponse:
    """The map's boundaries: China's provinces with those asked (`detail`) in their own units.
    With a view (`box=west,south,east,north&px=width`), only what shows in it: clipped to the
    box and simplified to a pixel, a fraction of the whole at national scale."""
    permissions.programme_for(request.user, slug)
    asked = query(request, BoundaryQuery)
    provinces = detail_provinces(asked)
    box, px = asked["box"], asked["px"] or DEFAULT_PX
    # Boundaries change only when a deployment replaces its base map: a day in the browser's
    # cache, then a revalidation answered 304 while the files and the view are the same.
    etag = quote_etag(boundaries.tag(provinces, box, px))
    response = get_conditional_response(request, etag=etag)
    if response is None and box is None:
        response = JsonResponse(boundaries.merged(provinces))
    elif response is None:
        response = HttpResponse(
            boundaries.for_view(provinces, box, px), content_type="application/json"
        )
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400"
    return response
