"""The league table of donors."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.operations.api.common import PAGE_SIZE, operation_id
from pairaid.operations.queries import league as league_queries

router = Router(tags=["operations"])


@router.get(
    "/programmes/{slug}/league",
    response=list[dict[str, Any]],
    summary="The league table of donors",
    operation_id=operation_id("league"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def league(
    request: HttpRequest, slug: str, date: datetime.date | None = None
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    return league_queries.as_rows(
        league_queries.league_table(programme, date or programme.current_date())
    )
