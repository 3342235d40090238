"""The league table of donors, sortable, and as CSV with an HXL row."""

from collections import defaultdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.forms import query
from pairaid.operations.forms import LeagueQuery
from pairaid.operations.queries import league as league_queries
from pairaid.pairing import coverage
from pairaid.spreadsheets import write_csv

HXL = {
    "donor_code": "#org+code",
    "donor": "#org+name",
    "parent_donor_code": "#org+code+parent",
    "staff_pledged": "#value+staff+pledged",
    "staff_deployed": "#value+staff+deployed",
    "days_to_first_arrival": "#indicator+days_to_arrival",
    "already_present": "#status+already_present",
    "fulfilment_rate": "#indicator+fulfilment",
    "median_lead_days": "#indicator+lead_days",
    "coverage": "#indicator+coverage",
    "assessment_score": "#indicator+assessment_score",
    "assessment_year": "#date+year+assessment",
}


def sort_league(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """Best first (most staff, highest rate; fewest days); donors without the figure last. A
    donor giving inside another's pairing stays beneath it (its figures are part of the
    parent's row), its siblings sorted the same way."""
    ascending = column in ("days_to_first_arrival", "median_lead_days", "donor")

    def ranked(group: list[dict[str, Any]]) -> list[dict[str, Any]]:
        known = [r for r in group if r[column] is not None]
        unknown = [r for r in group if r[column] is None]
        return sorted(known, key=lambda r: r[column], reverse=not ascending) + unknown

    codes = {r["donor_code"] for r in rows}
    beneath: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:  # a parent missing from the rows leaves its children at the top
        beneath[r["parent_donor_code"] if r["parent_donor_code"] in codes else None].append(r)

    def family(r: dict[str, Any]) -> list[dict[str, Any]]:
        return [r, *(c for child in ranked(beneath[r["donor_code"]]) for c in family(child))]

    return [row for top in ranked(beneath[None]) for row in family(top)]


@member_required
def league(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    asked = query(request, LeagueQuery)
    on = asked["date"] or programme.current_date()
    by_recipient = coverage.as_of(programme, on=on).by_recipient()
    table = league_queries.league_table(programme, on, by_recipient)
    rows = league_queries.as_rows(table)
    sort = asked["sort"] or "staff_deployed"
    rows = sort_league(rows, sort)
    if asked["format"] == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-league-{on}.csv"'
        write_csv(
            response, [list(HXL), list(HXL.values()), *([row[k] for k in HXL] for row in rows)]
        )
        return response
    regions = {row.donor.region.code: row.donor.region for row in table}
    for row in rows:
        row["region"] = regions[row["donor_code"]]  # the donor's name in the page's language
    return render(
        request,
        "operations/league.html",
        {
            "programme": programme,
            "on": on,
            "rows": rows,
            "sort": sort,
            "formula": league_queries.LEAGUE_FORMULA,
            "assessment_formula": league_queries.ASSESSMENT_FORMULA,
            "family_formula": league_queries.FAMILY_FORMULA,
        },
    )
