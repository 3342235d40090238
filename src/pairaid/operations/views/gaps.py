"""The gaps page: gaps per recipient and resource, duplicate requests, the contribution rule (also
as CSV with an HXL row)."""

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
from pairaid.spreadsheets import write_csv


@member_required
def gaps(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    asked = query(request, GapsQuery)
    on = asked["date"] or programme.current_date()
    year = asked["year"] or contribution_queries.default_year(programme, on)
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


@member_required
def contributions_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The contribution rule's table of the gaps page, for the year asked, as a file."""
    programme = permissions.programme_for(request.user, slug)
    asked = query(request, GapsQuery)
    year = asked["year"] or contribution_queries.default_year(programme, asked["date"])
    rows = contribution_queries.as_rows(contribution_queries.contribution_checks(programme, year))
    columns = contribution_queries.COLUMNS
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-contributions-{year}.csv"'
    write_csv(
        response, [list(columns), list(columns.values()), *([r[k] for k in columns] for r in rows)]
    )
    return response
