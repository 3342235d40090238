"""Gaps per recipient and resource, largest first."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.pagination import PageNumberPagination
from pydantic import BaseModel, Field

from pairaid import api_cache
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.operations.api.common import PAGE_SIZE, operation_id
from pairaid.operations.queries import gaps as gap_queries
from pairaid.programmes.models import Programme

router = Router(tags=["operations"])


# A plain pydantic model, not a ninja Schema: the rows arrive as ready dicts, and a Schema would
# wrap each in an attribute getter to validate it (most of the time of thousands of rows).
class GapOut(BaseModel):
    recipient: str
    resource_type: str
    need: Decimal
    received: Decimal
    in_transit: Decimal
    on_duty: Decimal
    gap: Decimal
    assessed: Decimal | None = Field(None, description="the need figure on the date, if any")
    requested: Decimal = Field(
        Decimal(0), description="what the recipient's requests ask for (the need where larger)"
    )


# A page of gaps, as ninja's paginator would declare it (no docstring: it would become the
# schema's description).
class PagedGapOut(PageNumberPagination.Output):
    items: list[GapOut]


PAGINATION = Pages(page_size=PAGE_SIZE)


@router.get(
    "/programmes/{slug}/gaps",
    response=PagedGapOut,
    summary="Gaps, largest first",
    operation_id=operation_id("gaps"),
)
def gaps(
    request: HttpRequest,
    slug: str,
    date: datetime.date | None = None,
    ninja_pagination: PageNumberPagination.Input = Query(...),  # noqa: B008 (ninja's way)
) -> HttpResponse:
    # Computed for the whole programme (thousands of rows nationally) and the same for every
    # caller who may see it, in every language: each rendered page is cached under the data
    # version, after this request's caller has been checked. No docstring: it would become
    # the operation's description in the schema.
    programme = permissions.programme_for(request.user, slug)
    on = date or programme.current_date()
    page, size = ninja_pagination.page, ninja_pagination.page_size

    def page_data() -> dict[str, Any]:
        rows = _rows(programme, on)
        data = PAGINATION.paginate_queryset(rows, ninja_pagination, request)  # type: ignore[arg-type]
        return PagedGapOut(**data).model_dump()

    return api_cache.cached_response(
        request, "api-gaps", (programme.pk, on.isoformat(), page, size), page_data
    )


def _rows(programme: Programme, on: datetime.date) -> list[dict[str, Any]]:
    return [gap_out(g).model_dump() for g in gap_queries.gaps(programme, on)]


def gap_out(g: gap_queries.Gap) -> GapOut:
    """One gap as the API gives it (here and in the overview)."""
    return GapOut.model_validate(
        {
            "recipient": g.recipient.region.reference,
            "resource_type": g.resource.code,
            "need": g.need,
            "received": g.received,
            "in_transit": g.in_transit,
            "on_duty": g.on_duty,
            "gap": g.gap,
            "assessed": g.assessed,
            "requested": g.requested,
        }
    )
