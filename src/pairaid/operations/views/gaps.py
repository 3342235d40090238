"""The gaps page: gaps per recipient and resource, duplicate requests, the contribution rule."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.forms import query
from pairaid.operations.forms import GapsQuery
from pairaid.operations.queries import contributions as contribution_queries
from pairaid.operations.queries import gaps as gap_queries
from pairaid.operations.queries import requests as request_queries
from pairaid.registry.models import ResourceType


@member_required
def gaps(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    asked = query(request, GapsQuery)
    on = asked["date"] or programme.current_date()
    year = asked["year"] or on.year
    return render(
        request,
        "operations/gaps.html",
        {
            "programme": programme,
            "on": on,
            "gaps": gap_queries.gaps(programme, on),
            "duplicates": request_queries.duplicate_requests(programme, on),
            "resources": ResourceType.objects.all(),
            "year": year,
            "contributions": contribution_queries.contribution_checks(programme, year),
        },
    )
