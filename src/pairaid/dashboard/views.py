from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.views.decorators.http import require_GET

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.dashboard import boundaries
from pairaid.dashboard import services as dashboard_services
from pairaid.dashboard.forms import OverviewQuery, resource_code
from pairaid.forms import query
from pairaid.operations.queries import handover


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
            "can_set_date": permissions.can(
                request.user, permissions.Action.SET_PROGRAMME_DATE, programme
            ),
        },
    )


@member_required
@require_GET
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


@member_required
@require_GET
def boundary_data(request: HttpRequest, slug: str) -> HttpResponse:
    permissions.programme_for(request.user, slug)
    provinces = [code for code in request.GET.get("detail", "").split(",") if code.isdigit()]
    # Boundaries change only when a deployment replaces its base map: a day in the browser's
    # cache, then a revalidation answered 304 while the files are the same.
    etag = quote_etag(boundaries.tag(provinces))
    response = get_conditional_response(request, etag=etag) or JsonResponse(
        boundaries.merged(provinces)
    )
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400"
    return response
