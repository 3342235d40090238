"""The programme's care-ratio table: the doctors and nurses one bed of each type needs, what
the figures count and where they come from. The coordinator keeps it; staffed beds read it."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import COUNTS
from pairaid.errors import Problem, ValidationFailed
from pairaid.operations.common import unknown_bed_type
from pairaid.operations.models import CareRatio
from pairaid.programmes.models import Programme
from pairaid.registry.models import Source

# Staff per bed as stored: 3 decimal places, below 1,000 (CareRatio's fields).
LARGEST_PER_BED = Decimal("999.999")


@dataclass(frozen=True)
class RatioFigures:
    """One bed type's row as given: staff per bed (None: unknown), what they count, the key of
    its source (None: no source, so the row stays unknown)."""

    doctors_per_bed: Decimal | None
    nurses_per_bed: Decimal | None
    counts: str = "headcount"
    source: str | None = None


@transaction.atomic
def set_care_ratios(*, programme: Programme, rows: Mapping[str, RatioFigures]) -> list[CareRatio]:
    """Replace the programme's care-ratio table with `rows` (bed type -> figures); a bed type
    absent has no row (unknown). Every problem is listed before anything is written."""
    sources = _check(rows)
    # Rows change in place, so that each bed type's history reads as one row's changes.
    CareRatio.objects.filter(programme=programme).exclude(bed_type__in=list(rows)).delete()
    return [
        CareRatio.objects.update_or_create(
            programme=programme,
            bed_type=bed_type,
            defaults={
                "doctors_per_bed": figures.doctors_per_bed,
                "nurses_per_bed": figures.nurses_per_bed,
                "counts": figures.counts,
                "source": sources.get(bed_type),
            },
        )[0]
        for bed_type, figures in sorted(rows.items(), key=lambda item: BED_TYPES.index(item[0]))
    ]


def _check(rows: Mapping[str, RatioFigures]) -> dict[str, Source]:
    """The rows' sources by bed type, once every row is found sound; else ValidationFailed."""
    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    for bed_type, figures in rows.items():
        if bed_type not in BED_TYPES:
            problems.append(unknown_bed_type(bed_type, f"ratios.{bed_type}"))
            continue
        problems += _figure_problems(bed_type, figures)
        if figures.source:
            found = Source.objects.filter(key=figures.source).first()
            if found is None:
                problems.append(
                    Problem(
                        gettext("no source with the key %(key)s") % {"key": figures.source},
                        column=f"ratios.{bed_type}.source",
                    )
                )
            else:
                sources[bed_type] = found
    if problems:
        raise ValidationFailed(problems)
    return sources


def _figure_problems(bed_type: str, figures: RatioFigures) -> list[Problem]:
    problems = [
        Problem(
            gettext(
                "staff per bed must be more than 0 and at most %(largest)s, with at most 3"
                " decimal places; got %(value)s"
            )
            % {"largest": LARGEST_PER_BED, "value": value},
            column=f"ratios.{bed_type}.{name}",
        )
        for name, value in (
            ("doctors_per_bed", figures.doctors_per_bed),
            ("nurses_per_bed", figures.nurses_per_bed),
        )
        if value is not None and not (Decimal(0) < value <= LARGEST_PER_BED and _places(value) <= 3)
    ]
    if figures.counts not in COUNTS:
        problems.append(
            Problem(
                gettext("expected one of %(choices)s") % {"choices": ", ".join(COUNTS)},
                column=f"ratios.{bed_type}.counts",
            )
        )
    return problems


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
