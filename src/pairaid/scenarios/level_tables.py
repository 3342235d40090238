"""Pairs at several levels in a bundle (format 6): pairings.csv's parent_donor and
parent_recipient name the pair a child pairing sits inside, checked by the one nesting rule
(`pairing.levels`) with file, row and column."""

import datetime
from typing import Any

from pairaid.pairing import levels
from pairaid.pairing.models import Pairing
from pairaid.scenarios.bundle import RawRow
from pairaid.scenarios.tables import LEVELS_SINCE_FORMAT

Pair = tuple[str, str]
PARENT_COLUMNS = "parent_donor, parent_recipient"


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _parent_periods(v: Any) -> dict[Pair, levels.Period]:
    """Each pair's period, by its latest pairing: the base programme's pairings of record, then
    this bundle's (which win where both name a pair)."""
    periods: dict[Pair, tuple[str, levels.Period]] = {}

    def offer(pair: Pair, valid_from: str, period: levels.Period) -> None:
        if pair not in periods or valid_from >= periods[pair][0]:
            periods[pair] = (valid_from, period)

    base = (
        Pairing.objects.of_record()
        .filter(programme__slug=v.parsed.programme_slug, parent__isnull=True)
        .select_related("donor__region__parent", "recipient__region__parent")
    )
    for p in base:
        pair = (p.donor.region.reference, p.recipient.region.reference)
        offer(
            pair,
            p.valid_from.isoformat() if p.valid_from else "",
            levels.Period(p.valid_from, p.valid_to),
        )
    for record in v.parsed.tables.get("pairings.csv", {}).values():
        values = record.values
        if values.get("parent_donor") or values.get("status") == Pairing.Status.PROPOSED:
            continue  # a parent is a decided pairing of the programme's own level
        pair = (values["donor"], values["recipient"])
        offer(
            pair,
            values["valid_from"],
            levels.Period(_date(values["valid_from"]), _date(values["valid_to"])),
        )
    return {pair: period for pair, (_, period) in periods.items()}


def check_nesting(v: Any, rows: Any, children: list[tuple[RawRow, dict[str, str]]]) -> set[int]:
    """Check every row that names a parent pair; return the row numbers of the child pairings
    (the degree rules leave them out)."""
    nested: set[int] = set()
    periods: dict[Pair, levels.Period] | None = None
    for row, values in children:
        parent = (values["parent_donor"], values["parent_recipient"])
        if not any(parent):
            continue
        nested.add(row.row)
        if v.parsed.format_version < LEVELS_SINCE_FORMAT:
            rows.fail(
                row,
                "parent_donor",
                f"needs format_version {LEVELS_SINCE_FORMAT} (the manifest says "
                f"{v.parsed.format_version})",
            )
            continue
        if not all(parent):
            rows.fail(row, PARENT_COLUMNS, "name both sides of the parent pair")
            continue
        periods = periods if periods is not None else _parent_periods(v)
        if parent not in periods:
            rows.fail(
                row,
                PARENT_COLUMNS,
                f"no pairing of {parent[0]} with {parent[1]} at the programme's level, in "
                "pairings.csv or the base programme, to sit inside",
            )
            continue
        for column, message in _problems(v, values, parent, periods[parent]):
            rows.fail(row, PARENT_COLUMNS if column == "parent" else column, message)
    return nested


def _problems(
    v: Any, values: dict[str, str], parent: Pair, parent_period: levels.Period
) -> list[tuple[str, str]]:
    if not (values["donor"] and values["recipient"]):
        return []  # already refused, by its own cell

    def side(reference: str) -> levels.Side[str]:
        return levels.Side(reference, reference)

    return levels.nesting_problems(
        donor=side(values["donor"]),
        recipient=side(values["recipient"]),
        period=levels.Period(_date(values["valid_from"]), _date(values["valid_to"])),
        parent_donor=side(parent[0]),
        parent_recipient=side(parent[1]),
        parent_period=parent_period,
        parent_of=lambda reference: v.regions.get(reference, {}).get("parent") or None,
    )
