"""The programme's minimum contribution rule per donor, for a year and for the whole programme."""

from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.operations.api.common import PAGE_SIZE, operation_id
from pairaid.operations.queries import contributions as contribution_queries

router = Router(tags=["operations"])


class ContributionCheckOut(Schema):
    donor: str
    donor_name: str
    period: str
    basis: str
    required: Decimal | None
    required_certainty: str | None
    required_sources: str
    contributed: Decimal | None
    contributed_at_least: bool | None
    contributed_certainty: str | None
    contributed_sources: str
    status: str
    short_by: Decimal | None
    certainty: str | None
    reason: str


@router.get(
    "/programmes/{slug}/contributions",
    response=list[ContributionCheckOut],
    summary="The contribution rule per donor: compliant, short, total met or unknown with why",
    operation_id=operation_id("contributions"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def contributions(
    request: HttpRequest,
    slug: str,
    year: Annotated[int, Field(ge=1, le=9999)] | None = Query(
        None,
        description=(
            "the year checked (its base is the year before); default: the programme date's, "
            "within the programme's years"
        ),
    ),
) -> list[dict[str, object]]:
    programme = permissions.programme_for(request.user, slug)
    checked = year or contribution_queries.default_year(programme)
    return contribution_queries.as_rows(
        contribution_queries.contribution_checks(programme, checked)
    )
