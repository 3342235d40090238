"""The database's content in the canonical form of bundle records (for diff and export)."""

import datetime
from decimal import Decimal

from pairaid.accounts.models import Membership
from pairaid.operations.models import CareRatio
from pairaid.pairing.models import AllocationLine, Pairing
from pairaid.programmes.models import CapacityLine, NeedLine, Participant, Programme
from pairaid.registry.models import (
    IndicatorType,
    Region,
    RegionalIndicator,
    RegionRename,
    ResourceType,
    Source,
)
from pairaid.scenarios.tables import SPECS, canonical_decimal
from pairaid.scenarios.validate import Key, Registry

Tables = dict[str, dict[Key, dict[str, str]]]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _keyed(name: str, rows: list[dict[str, str]]) -> dict[Key, dict[str, str]]:
    return {tuple(row[column] for column in SPECS[name].key): row for row in rows}


def region_rows(regions: list[Region]) -> list[dict[str, str]]:
    return [
        {
            "reference": region.reference,
            "country": region.country,
            "code": region.code,
            "parent": region.parent.reference if region.parent else "",
            "level": region.level,
            "name_zh": region.name_zh,
            "name_en": region.name_en,
            "name_en_certainty": region.name_en_certainty,
            "latitude": _text(region.latitude),
            "longitude": _text(region.longitude),
            "coordinates_source": region.coordinates_source.key
            if region.coordinates_source
            else "",
            "source": region.source.key,
            "certainty": region.certainty,
        }
        for region in regions
    ]


def _all_regions() -> list[Region]:
    return list(
        Region.objects.select_related("parent__parent", "source", "coordinates_source").order_by(
            "pk"
        )
    )


def registry_snapshot(*, base_programme: Programme | None = None) -> Registry:
    registry = Registry(
        regions={row["reference"]: row for row in region_rows(_all_regions())},
        source_keys=set(Source.objects.values_list("key", flat=True)),
        indicator_codes=set(IndicatorType.objects.values_list("code", flat=True)),
        resource_codes=set(ResourceType.objects.values_list("code", flat=True)),
    )
    if base_programme is not None:
        snapshot = programme_tables(base_programme, illustrative=None)
        registry.base_participants = {
            (row["region"], row["role"]) for row in snapshot["participants.csv"].values()
        }
        registry.base_pairs = {
            (row["donor"], row["recipient"])
            for row in snapshot["pairings.csv"].values()
            if row["status"] in ("approved", "active")  # proposals are not in force
        }
        registry.base_programme = programme_fields(base_programme)
    return registry


def programme_fields(programme: Programme) -> dict[str, str]:
    return {
        "slug": programme.slug,
        "name_en": programme.name_en,
        "name_zh": programme.name_zh,
        "kind": programme.kind,
        "period_start": _text(programme.period_start),
        "period_end": _text(programme.period_end),
        "currency": programme.currency,
        "status": programme.status,
        "programme_date": _text(programme.programme_date),
        "description_en": programme.description_en,
        "description_zh": programme.description_zh,
        "sources": ";".join(sorted(programme.sources.values_list("key", flat=True))),
        "follows": programme.follows.slug if programme.follows else "",
        "follows_source": programme.follows_source.key if programme.follows_source else "",
        "max_donors_per_recipient": _text(programme.max_donors_per_recipient),
        "max_recipients_per_donor": _text(programme.max_recipients_per_donor),
        "pledges_beyond_pairs": "true" if programme.pledges_beyond_pairs else "",
        "min_contribution_share": _text(programme.min_contribution_share),
        "min_contribution_indicator": (
            programme.min_contribution_indicator.code
            if programme.min_contribution_indicator
            else ""
        ),
        "min_contribution_basis": programme.min_contribution_basis,
        "need_indicator": programme.need_indicator.code if programme.need_indicator else "",
        "need_ratio": _text(programme.need_ratio),
        "time_zone": programme.time_zone,
        "report_deadline": programme.report_deadline.strftime("%H:%M"),
    }


def _line_rows(lines: list[CapacityLine] | list[NeedLine]) -> list[dict[str, str]]:
    return [
        {
            "region": line.participant.region.reference,
            "resource_type": line.resource_type.code,
            "quantity": _text(line.quantity),
            "as_of": _text(line.as_of),
            "source": line.source.key,
            "certainty": line.certainty,
            "derived_indicator": line.derived_indicator.code if line.derived_indicator else "",
            "derived_ratio": _text(line.derived_ratio),
            "method": line.method,
        }
        for line in lines
    ]


def programme_tables(programme: Programme, *, illustrative: bool | None) -> Tables:
    """The programme-scoped tables; `illustrative` None means both facts and examples."""
    flag = {} if illustrative is None else {"illustrative": illustrative}
    related = ("participant__region__parent", "resource_type", "source", "derived_indicator")
    participants = Participant.objects.filter(programme=programme, **flag).select_related(
        "region__parent"
    )
    capacities = CapacityLine.objects.filter(participant__programme=programme, **flag)
    needs = NeedLine.objects.recorded().filter(participant__programme=programme, **flag)
    pairings = (
        Pairing.objects.filter(programme=programme, **flag)
        .of_record()
        .select_related(
            "donor__region__parent",
            "recipient__region__parent",
            "source",
            "parent__donor__region__parent",
            "parent__recipient__region__parent",
        )
    )
    allocations = AllocationLine.objects.filter(pairing__in=pairings, **flag).select_related(
        "pairing__donor__region__parent",
        "pairing__recipient__region__parent",
        "resource_type",
        "source",
    )
    memberships = Membership.objects.filter(programme=programme).select_related(
        "user", "region__parent"
    )
    return {
        "participants.csv": _keyed(
            "participants.csv",
            [{"region": p.region.reference, "role": p.role, "note": p.note} for p in participants],
        ),
        "capacities.csv": _keyed(
            "capacities.csv", _line_rows(list(capacities.select_related(*related)))
        ),
        "needs.csv": _keyed("needs.csv", _line_rows(list(needs.select_related(*related)))),
        "pairings.csv": _keyed(
            "pairings.csv",
            [
                {
                    "donor": p.donor.region.reference,
                    "recipient": p.recipient.region.reference,
                    "status": p.status,
                    "valid_from": _text(p.valid_from),
                    "valid_to": _text(p.valid_to),
                    "origin": p.origin,
                    "rationale": p.rationale,
                    "source": p.source.key if p.source else "",
                    "certainty": p.certainty,
                    "parent_donor": p.parent.donor.region.reference if p.parent else "",
                    "parent_recipient": p.parent.recipient.region.reference if p.parent else "",
                }
                for p in pairings
            ],
        ),
        "allocations.csv": _keyed(
            "allocations.csv",
            [
                {
                    "donor": a.pairing.donor.region.reference,
                    "recipient": a.pairing.recipient.region.reference,
                    "resource_type": a.resource_type.code,
                    "quantity": _text(a.quantity),
                    "date": _text(a.date),
                    "source": a.source.key,
                    "certainty": a.certainty,
                }
                for a in allocations
            ],
        ),
        # Care ratios are facts of the programme (no example layer holds them).
        "care_ratios.csv": _keyed(
            "care_ratios.csv",
            [
                {
                    "bed_type": r.bed_type,
                    "doctors_per_bed": _text(r.doctors_per_bed),
                    "nurses_per_bed": _text(r.nurses_per_bed),
                    "counts": r.counts,
                    "source": r.source.key,
                }
                # A row without a source is no fact (and is not applied): it is not exported.
                for r in CareRatio.objects.filter(
                    programme=programme, source__isnull=False
                ).select_related("source")
                if illustrative is not True and r.source is not None
            ],
        ),
        "memberships.csv": _keyed(
            "memberships.csv",
            [
                {
                    "username": m.user.username,
                    "role": m.role,
                    "region": m.region.reference if m.region else "",
                }
                for m in memberships
            ],
        ),
    }


def shared_tables(
    regions: list[Region], source_keys: set[str], *, facts_only: bool = False
) -> Tables:
    """Sources, regions, renames and indicators of the given regions (for diff and export)."""
    region_ids = [region.pk for region in regions]
    renames = RegionRename.objects.filter(region_id__in=region_ids).select_related(
        "region__parent", "source"
    )
    indicators = RegionalIndicator.objects.filter(region_id__in=region_ids).select_related(
        "region__parent", "indicator", "source"
    )
    if facts_only:
        indicators = indicators.filter(illustrative=False)
    return {
        "sources.csv": _keyed(
            "sources.csv",
            [
                {
                    "key": s.key,
                    "title": s.title,
                    "issuer": s.issuer,
                    "date": _text(s.date),
                    "url": s.url,
                    "kind": s.kind,
                    "method": s.method,
                }
                for s in Source.objects.filter(key__in=source_keys).order_by("key")
            ],
        ),
        "regions.csv": _keyed("regions.csv", region_rows(regions)),
        "region_renames.csv": _keyed(
            "region_renames.csv",
            [
                {
                    "region": r.region.reference,
                    "new_code": r.new_code,
                    "new_name_zh": r.new_name_zh,
                    "new_name_en": r.new_name_en,
                    "date": _text(r.date),
                    "source": r.source.key,
                }
                for r in renames
            ],
        ),
        "indicators.csv": _keyed(
            "indicators.csv",
            [
                {
                    "region": i.region.reference,
                    "indicator": i.indicator.code,
                    "value": _text(i.value),
                    "as_of": _text(i.as_of),
                    "source": i.source.key,
                    "certainty": i.certainty,
                }
                for i in indicators
            ],
        ),
    }
