"""Gaps per recipient and resource, largest first."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from pydantic import BaseModel, Field

from pairaid import api_cache
from pairaid.accounts import permissions
from pairaid.operations.api.common import operation_id
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


@router.get(
    "/programmes/{slug}/gaps",
    response=list[GapOut],
    summary="Gaps, largest first",
    operation_id=operation_id("gaps"),
)
def gaps(request: HttpRequest, slug: str, date: datetime.date | None = None) -> HttpResponse:
    # Computed for the whole programme (thousands of rows nationally) and the same for every
    # caller who may see it, in every language: the rendered body is cached under the data
    # version, after this request's caller has been checked. No docstring: it would become
    # the operation's description in the schema.
    programme = permissions.programme_for(request.user, slug)
    on = date or programme.current_date()
    return api_cache.cached_response(
        request, "api-gaps", (programme.pk, on.isoformat()), lambda: _rows(programme, on)
    )


def _rows(programme: Programme, on: datetime.date) -> list[dict[str, Any]]:
    return [
        GapOut.model_validate(
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
        ).model_dump()
        for g in gap_queries.gaps(programme, on)
    ]
