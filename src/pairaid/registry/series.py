"""A region's daily case counts as published, one day a row, with the record's quirks flagged.

The quirks are data (docs/hubei-2020.md): nothing here smooths, fills or corrects a figure. A
day is flagged where
- `missing`: the region has no figure that day, though the series has figures for its parent
  or its siblings (a city absent from a bulletin, a pseudo-region outside the days it appears);
- `falls:<indicator>`: a cumulative count is below the region's previous figure (a negative
  daily increment: cases re-attributed, or revised);
- `parts_do_not_sum:<indicator>`: the region's parts (its children) do not sum to it, or the
  region and its siblings do not sum to their parent, that day;
- `counting_changed:<indicator>`: the issuer changed what the count counts from that day.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from pairaid.registry.models import Region, RegionalIndicator

# The counts a daily series carries (codes of the indicator catalogue; the columns of a bundle's
# case_counts.csv).
CASE_COUNTS = ("confirmed_cases", "cured", "deaths")

# Changes of definition the issuer announced, by region reference: from that day the count
# includes more than before, so its jump is no outbreak. Hubei counted clinically diagnosed
# cases as confirmed from 2020-02-12 (docs/hubei-2020.md: the daily record).
COUNTING_CHANGES: dict[str, tuple[tuple[datetime.date, str], ...]] = {
    "CN:420000": ((datetime.date(2020, 2, 12), "confirmed_cases"),),
}


@dataclass(frozen=True)
class Day:
    as_of: datetime.date
    counts: dict[str, Decimal]  # indicator -> figure; an unknown figure is absent
    certainty: dict[str, str]  # indicator -> its figure's certainty (a checked row: verified)
    sources: tuple[str, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class _Figure:
    region_id: int
    indicator: str
    as_of: datetime.date
    value: Decimal
    certainty: str
    source: str


def case_series(region: Region) -> list[Day]:
    """The region's daily case counts with flags, over the days its family has figures."""
    figures = _family_figures(region)
    own = [f for f in figures if f.region_id == region.pk]
    days = sorted({f.as_of for f in figures})
    mismatches = _parts_do_not_sum(region, figures)
    changes = _counting_changes(region)
    by_day: dict[datetime.date, list[_Figure]] = defaultdict(list)
    for figure in own:
        by_day[figure.as_of].append(figure)
    falls = _falls(own)
    series = []
    for day in days:
        todays = by_day.get(day, [])
        flags = [] if todays else ["missing"]
        flags += [f"falls:{i}" for i in CASE_COUNTS if (day, i) in falls]
        flags += [f"parts_do_not_sum:{i}" for i in CASE_COUNTS if (day, i) in mismatches]
        flags += [f"counting_changed:{i}" for i in CASE_COUNTS if (day, i) in changes]
        series.append(
            Day(
                as_of=day,
                counts={f.indicator: f.value for f in todays},
                certainty={f.indicator: f.certainty for f in todays},
                sources=tuple(sorted({f.source for f in todays})),
                flags=tuple(flags),
            )
        )
    return series


def _family_figures(region: Region) -> list[_Figure]:
    """Case counts of the region, its parent, its siblings and its children (one query)."""
    family = Q(region=region) | Q(region__parent=region)
    if region.parent_id is not None:
        family |= Q(region_id=region.parent_id) | Q(region__parent_id=region.parent_id)
    rows = (
        RegionalIndicator.objects.filter(family, indicator__code__in=CASE_COUNTS)
        .values_list("region_id", "indicator__code", "as_of", "value", "certainty", "source__key")
        .order_by()
    )
    return [
        _Figure(region_id, indicator, as_of, _plain(value), certainty, source)
        for region_id, indicator, as_of, value, certainty, source in rows
    ]


def _plain(value: Decimal) -> Decimal:
    """A figure as written (18454, not 18454.0000 as the column stores it, nor 1.8454E+4)."""
    whole = value.to_integral_value()
    return whole.quantize(Decimal(1)) if value == whole else value.normalize()


def _falls(own: list[_Figure]) -> set[tuple[datetime.date, str]]:
    """(day, indicator) where a cumulative count is below the region's previous figure."""
    falls = set()
    previous: dict[str, Decimal] = {}
    for figure in sorted(own, key=lambda f: f.as_of):
        before = previous.get(figure.indicator)
        if before is not None and figure.value < before:
            falls.add((figure.as_of, figure.indicator))
        previous[figure.indicator] = figure.value
    return falls


def _parts_do_not_sum(region: Region, figures: list[_Figure]) -> set[tuple[datetime.date, str]]:
    """(day, indicator) where the region's children, or the region and its siblings, do not
    sum to the whole that has a figure that day (a whole without parts that day is no sum)."""
    parent_of = dict(
        Region.objects.filter(Q(parent=region) | Q(parent_id=region.parent_id or 0))
        .values_list("pk", "parent_id")
        .order_by()
    )
    wholes: dict[tuple[int, datetime.date, str], Decimal] = {}
    sums: dict[tuple[int, datetime.date, str], Decimal] = defaultdict(Decimal)
    for figure in figures:
        wholes[(figure.region_id, figure.as_of, figure.indicator)] = figure.value
        parent = parent_of.get(figure.region_id)
        if parent is not None:
            sums[(parent, figure.as_of, figure.indicator)] += figure.value
    watched = {region.pk, region.parent_id}
    return {
        (day, indicator)
        for (whole, day, indicator), total in sums.items()
        if whole in watched
        and (whole, day, indicator) in wholes
        and wholes[(whole, day, indicator)] != total
    }


def _counting_changes(region: Region) -> set[tuple[datetime.date, str]]:
    """The issuer's changes of definition, for the region and for its parent's series."""
    references = [region.reference]
    if region.parent is not None:
        references.append(region.parent.reference)
    return {change for reference in references for change in COUNTING_CHANGES.get(reference, ())}
