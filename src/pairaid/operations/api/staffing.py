"""The programme's care-ratio table (everyone reads it, the coordinator replaces it) and the
regional pools: staff of teams on duty in a recipient region but at no facility."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.engine.staffing import COUNTS, Counts
from pairaid.operations.api.common import PAGE_SIZE, known_bed_types, operation_id
from pairaid.operations.models import CareRatio
from pairaid.operations.queries import staffing as staffing_queries
from pairaid.operations.services import staffing as staffing_services
from pairaid.programmes.models import Programme

router = Router(tags=["operations"])


class RatioIn(Schema):
    """One bed type's care ratio: staff per bed (null: unknown), what it counts, its source."""

    model_config = ConfigDict(extra="forbid")
    doctors_per_bed: Decimal | None = Field(None, description="doctors one bed needs, e.g. 0.8")
    nurses_per_bed: Decimal | None = Field(None, description="nurses one bed needs, e.g. 3")
    counts: Counts = Field("headcount", description="what the figures count: " + ", ".join(COUNTS))
    source: str | None = Field(
        None, description="the key of a registered source; without one the row stays unknown"
    )


class RatioOut(RatioIn):
    applied: bool = Field(description="whether staffed beds apply it (it has a source)")
    source_title: str | None
    source_url: str | None


class RatiosIn(Schema):
    ratios: Annotated[dict[str, RatioIn], AfterValidator(known_bed_types)] = Field(
        description="per bed type; a bed type absent has no row (unknown)"
    )


class PoolOut(Schema):
    region: str = Field(description="the recipient region's reference")
    staff: dict[str, int] = Field(description="staff on duty there at no facility, per profession")


class RatiosOut(Schema):
    ratios: dict[str, RatioOut] = Field(description="per bed type; a bed type absent: unknown")


def _ratio_out(row: CareRatio) -> dict[str, Any]:
    source = row.source
    return {
        "doctors_per_bed": row.doctors_per_bed,
        "nurses_per_bed": row.nurses_per_bed,
        "counts": row.counts,
        "source": source.key if source else None,
        "applied": source is not None,
        "source_title": source.title if source else None,
        "source_url": (source.url or None) if source else None,
    }


def _table(programme: Programme) -> dict[str, Any]:
    rows = staffing_queries.ratio_rows(programme)
    return {"ratios": {t: _ratio_out(row) for t, row in rows if row is not None}}


@router.get(
    "/programmes/{slug}/care-ratios",
    response=RatiosOut,
    summary="The programme's care ratios: staff per bed by bed type, with their sources",
    operation_id=operation_id("get_care_ratios"),
)
def get_care_ratios(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _table(permissions.programme_for(request.user, slug))


@router.put(
    "/programmes/{slug}/care-ratios",
    response=RatiosOut,
    summary="Replace the programme's care ratios (coordinators)",
    operation_id=operation_id("set_care_ratios"),
)
def set_care_ratios(request: HttpRequest, slug: str, payload: RatiosIn) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    permissions.check(request.user, Action.EDIT_CARE_RATIOS, programme)
    staffing_services.set_care_ratios(
        programme=programme,
        rows={
            bed_type: staffing_services.RatioFigures(
                row.doctors_per_bed, row.nurses_per_bed, row.counts, row.source
            )
            for bed_type, row in payload.ratios.items()
        },
    )
    return _table(programme)


@router.get(
    "/programmes/{slug}/staff-pools",
    response=list[PoolOut],
    summary="Regional pools: staff on duty in a recipient region at no facility, on a date",
    operation_id=operation_id("list_staff_pools"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_staff_pools(
    request: HttpRequest, slug: str, date: datetime.date | None = None
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    on = date or programme.current_date()
    _at_facilities, pools = staffing_queries.staff_on_duty(programme, on, facilities=[])
    return [{"region": p.region.reference, "staff": p.staff} for p in pools]
