"""Gaps per recipient and resource, largest first."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.operations.api.common import PAGE_SIZE, operation_id
from pairaid.operations.queries import gaps as gap_queries

router = Router(tags=["operations"])


class GapOut(Schema):
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
@paginate(Pages, page_size=PAGE_SIZE)
def gaps(
    request: HttpRequest, slug: str, date: datetime.date | None = None
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    return [
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
        for g in gap_queries.gaps(programme, date or programme.current_date())
    ]
