"""The programme overview in the API: what the overview page shows as of a date — the coverage per
recipient (worst covered first, a page at a time), the programme's totals, the largest gaps,
the day's team reports, the teams that have not reported, and the records left behind by pairs
an approved plan ended."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router
from ninja.pagination import PageNumberPagination
from pydantic import BaseModel, Field

from pairaid import api_cache
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.dashboard import services as dashboard_services
from pairaid.operations.api import common
from pairaid.operations.api.common import PAGE_SIZE
from pairaid.operations.api.gaps import GapOut, gap_out
from pairaid.operations.queries import handover
from pairaid.pairing import coverage
from pairaid.pairing.api import LooseEndOut, loose_end_out
from pairaid.programmes.models import Participant, Programme

router = Router(tags=["overview"])


class RegionNamesOut(BaseModel):
    name_en: str
    name_zh: str


class RecipientCoverageOut(BaseModel):
    recipient: str = Field(description="the region's reference, as everywhere in the API")
    name_en: str
    name_zh: str
    need: dict[str, float] = Field(description="by resource type")
    paired: dict[str, float] = Field(description="the capacity its pairs give it, by resource type")
    coverage: float | None = Field(description="paired over need; null where there is no need")
    donors: list[RegionNamesOut]


class RecipientReportsOut(BaseModel):
    recipient: str
    reports: int
    figures: dict[str, int] = Field(description="the figures of its teams' reports, summed")


# The programme's totals and panels, with one page of the recipients (as ninja's paginator
# declares a page). No docstring: it would become the schema's description.
class OverviewOut(PageNumberPagination.Output):
    items: list[RecipientCoverageOut] = Field(description="recipients, worst covered first")
    date: datetime.date
    donors: int = Field(description="the programme's own donors (not those of child pairings only)")
    recipients: int = Field(description="the programme's own recipients (likewise)")
    child_donors: int = Field(description="donors that take part only in child pairings")
    child_recipients: int = Field(description="recipients that take part only in child pairings")
    live_pairs: int = Field(description="pairs in force at the date")
    per_unit: bool = Field(
        description="coverage is capacity per unit of the need's indicator, not a share of it"
    )
    min_coverage: float | None
    mean_coverage: float | None
    paired_capacity: dict[str, float] = Field(description="by resource type")
    excluded: list[str] = Field(description="participants left out, and why")
    later_figures: list[str] = Field(description="figures dated after the date, not used")
    assumptions: list[str]
    pending_splits: list[str] = Field(description="recipients whose split is being computed")
    largest_gaps: list[GapOut] = Field(description="the largest (the gaps operation lists all)")
    reports: list[RecipientReportsOut] = Field(description="the date's team reports")
    overdue: list[str] = Field(description="teams on duty without a report of the date (and where)")
    left_behind: list[LooseEndOut] = Field(
        description="records of pairs an approved plan ended, and what each needs"
    )


PAGINATION = Pages(page_size=PAGE_SIZE)


@router.get("/programmes/{slug}/overview", response=OverviewOut, summary="The overview at a date")
def get_overview(
    request: HttpRequest,
    slug: str,
    date: datetime.date | None = None,
    resource_type: str = "",
    ninja_pagination: PageNumberPagination.Input = Query(...),  # noqa: B008 (ninja's way)
) -> HttpResponse:
    # Same visibility as the page. The body is cached under the data version; the key holds the
    # resolved date, the resource, the page and the language (the notes are in the caller's
    # language). No docstring: it would become the operation's description in the schema.
    programme = permissions.programme_for(request.user, slug)
    on = date or programme.current_date()
    resource = _resource_code(resource_type)
    page, size = ninja_pagination.page, ninja_pagination.page_size

    def page_data() -> dict[str, Any]:
        data = dashboard_services.overview(programme, on=on, resource=resource)
        rows = PAGINATION.paginate_queryset(data.rows, ninja_pagination, request)  # type: ignore[arg-type]
        full = _full_references(programme)
        return OverviewOut(
            count=rows["count"],
            items=[_recipient_out(row, full) for row in rows["items"]],
            **_panels(programme, data),
        ).model_dump()

    parts = (programme.pk, on.isoformat(), resource, page, size, get_language())
    return api_cache.cached_response(request, "api-overview", parts, page_data)


def _resource_code(code: str) -> str:
    """The resource filter, checked as a payload's resource type is: empty for every resource."""
    return common.resource(code).code if code else ""


def _full_references(programme: Programme) -> dict[str, str]:
    """The recipients' full references by the short ones the coverage rows carry (engine ids):
    the API names a region in full everywhere."""
    recipients = programme.participants.filter(role=Participant.Role.RECIPIENT)
    return {
        p.region.as_reference().short: p.region.reference
        for p in recipients.select_related("region__parent")
    }


def _recipient_out(row: coverage.RowData, full: dict[str, str]) -> RecipientCoverageOut:
    found = coverage.recipient_row(row)
    return RecipientCoverageOut(
        recipient=full.get(found.id, found.id),
        name_en=found.name_en,
        name_zh=found.name_zh,
        need=found.need,
        paired=found.paired,
        coverage=found.coverage,
        donors=[RegionNamesOut(name_en=d.name_en, name_zh=d.name_zh) for d in found.donors],
    )


def _panels(programme: Programme, data: dashboard_services.Overview) -> dict[str, Any]:
    return {
        "date": data.on,
        "donors": data.donors,
        "recipients": data.recipients,
        "child_donors": data.child_donors,
        "child_recipients": data.child_recipients,
        "live_pairs": data.live_pairs,
        "per_unit": data.per_unit,
        "min_coverage": data.min_coverage,
        "mean_coverage": data.mean_coverage,
        "paired_capacity": data.paired_capacity,
        "excluded": data.excluded,
        "later_figures": data.later_figures,
        "assumptions": data.assumptions,
        "pending_splits": data.pending_splits,
        "largest_gaps": [gap_out(gap) for gap in data.largest_gaps],
        "reports": [
            RecipientReportsOut(
                recipient=summary.participant.region.reference
                if summary.participant
                else summary.recipient,
                reports=summary.reports,
                figures=summary.figures,
            )
            for summary in data.reports
        ],
        "overdue": data.overdue,
        "left_behind": [loose_end_out(end) for end in handover.flags(programme)],
    }
