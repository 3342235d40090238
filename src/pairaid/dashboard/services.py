"""The programme overview as of a date: the coverage of the pairings in force
(`pairing.coverage`), the ledger's largest gaps and the teams' reports, pairs and map data.

At national scale computing it means building and evaluating the whole engine instance (about a
second), so the result is cached per programme, date, resource filter and language under the
programme data's version (`pairaid.freshness`): any recorded change computes afresh.
"""

import dataclasses
import datetime
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast, overload

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils.translation import get_language, gettext

from pairaid import freshness
from pairaid.labels import local_name
from pairaid.operations.queries import gaps as gap_queries
from pairaid.operations.queries import reports as report_queries
from pairaid.operations.queries import teams as team_queries
from pairaid.pairing import coverage, maps, translate
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Programme

PairingRow = tuple[int, int, float | None]


@dataclass
class Overview(coverage.CoverageOverview):
    """What the overview shows as of a date: the coverage, and the ledger's panels. Cached: plain
    values, no querysets."""

    # Those in force in the page's order, each child beneath its parent: (id, depth, staff on
    # duty with its children's; `operations.queries.teams.staff_by_pairing`).
    pairing_ids: list[PairingRow] = field(default_factory=list)
    largest_gaps: list[gap_queries.Gap] = field(default_factory=list)
    reports: list[report_queries.ReportSummary] = field(default_factory=list)  # of the date
    overdue: list[str] = field(default_factory=list)  # teams on duty that have not reported
    chart_data: list[dict[str, Any]] = field(default_factory=list)
    cache_key: str = ""  # also keys the page's cached fragments
    cache_seconds: int = 0  # how long those may be kept: 0 while splits are pending


@dataclass
class _Computed:
    overview: Overview
    map_json: bytes


def overview(
    programme: Programme, *, on: datetime.date | None = None, resource: str = ""
) -> Overview:
    """The overview as of a date (the programme date by default), from the cache when current."""
    on = on or programme.current_date()
    key = _key(programme, on, resource)
    found = cache.get(key) if key else None
    if isinstance(found, Overview):
        return found
    return _compute_and_store(programme, on, resource, key).overview


def page_overview(
    programme: Programme, *, on: datetime.date | None = None, resource: str = ""
) -> Overview:
    """The overview as the page needs it: its long lists (rows, pairing ids, gaps, reports,
    overdue teams) are read from the cache only if the page renders them, which it does only for
    a table whose cached fragment is missing. Every request reads the overview, so a national
    one's thousands of rows would otherwise be unpickled each time; the page's fragments are
    cached under the same key."""
    on = on or programme.current_date()
    key = _key(programme, on, resource)
    head = cache.get(key + ":head") if key else None
    if not isinstance(head, _Head):
        return overview(programme, on=on, resource=resource)
    loaded: list[Overview] = []

    def full() -> Overview:
        if not loaded:
            loaded.append(overview(programme, on=on, resource=resource))
        return loaded[0]

    for name, length in head.lengths.items():
        setattr(head.overview, name, _Deferred(length, functools.partial(_list_of, full, name)))
    return head.overview


def _list_of(full: Callable[[], Overview], name: str) -> Sequence[Any]:
    found: Sequence[Any] = getattr(full(), name)
    return found


@dataclass
class _Head:
    """An overview without its long lists, and their lengths."""

    overview: Overview
    lengths: dict[str, int]


DEFERRED = ("rows", "pairing_ids", "largest_gaps", "reports", "overdue")


class _Deferred(Sequence[Any]):
    """A list of the cached overview whose length is known, its items read on first use; a
    slice is deferred too (a page of a paginator)."""

    def __init__(self, length: int, load: Callable[[], Sequence[Any]]) -> None:
        self.length = length
        self.load = load
        self._items: Sequence[Any] | None = None

    def _loaded(self) -> Sequence[Any]:
        if self._items is None:
            self._items = self.load()
        return self._items

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return _Deferred(len(range(self.length)[index]), lambda: self._loaded()[index])
        return self._loaded()[index]

    def __len__(self) -> int:
        return self.length


def map_json(
    programme: Programme, *, on: datetime.date | None = None, resource: str = ""
) -> tuple[bytes, str]:
    """The map's points, arcs and coverage as JSON, and a tag that changes with them (ETag)."""
    on = on or programme.current_date()
    key = _key(programme, on, resource)
    found = cache.get(key + ":map") if key else None
    if not isinstance(found, bytes):
        found = _compute_and_store(programme, on, resource, key).map_json
    # The key names the data exactly; without one (the version unknown), the bytes themselves.
    tag = key.rpartition(":")[2] if key else hashlib.sha256(found).hexdigest()[:40]
    return found, tag


def recipients_page(data: Overview, number: int | None, *, per_page: int = 50) -> Page:
    """One page of recipient rows, worst covered first."""
    page: Page[Any] = Paginator(data.rows, per_page).get_page(number)
    rows = page.object_list
    page.object_list = _Deferred(len(rows), lambda: [coverage.recipient_row(row) for row in rows])
    return page


def pairs_page(data: Overview, number: int | None, *, per_page: int = 100) -> Page:
    """One page of the pairings in force, fetched by id (the order is in the overview) when
    first iterated: a page whose table comes from the cache reads none."""
    page: Page[Any] = Paginator(data.pairing_ids, per_page).get_page(number)
    page.object_list = _PairingsByIds(cast(Sequence[PairingRow], page.object_list))
    return page


class _PairingsByIds(Sequence[Pairing]):
    """Pairings in the order of their rows, read in one query on first use, each with its
    `depth` (1: inside the pairing above) and its `staff_on_duty` (its children's included)."""

    def __init__(self, rows: Sequence[PairingRow]) -> None:
        self.rows = rows  # read only with the pairings: it may be deferred
        self._pairings: list[Pairing] | None = None

    def _loaded(self) -> list[Pairing]:
        if self._pairings is None:
            rows = list(self.rows)
            by_id = Pairing.objects.select_related("donor__region", "recipient__region").in_bulk(
                [pk for pk, _, _ in rows]
            )
            self._pairings = []
            for pk, depth, staff in rows:
                if pk in by_id:
                    pairing = by_id[pk]
                    pairing.depth, pairing.staff_on_duty = depth, staff  # type: ignore[attr-defined]
                    self._pairings.append(pairing)
        return self._pairings

    @overload
    def __getitem__(self, index: int) -> Pairing: ...

    @overload
    def __getitem__(self, index: slice) -> list[Pairing]: ...

    def __getitem__(self, index: int | slice) -> Pairing | list[Pairing]:
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())


def _key(programme: Programme, on: datetime.date, resource: str) -> str | None:
    # The version is read before anything is computed, so an entry never holds data older than
    # its key says (a write during the computation only makes the next key differ).
    return freshness.cache_key(
        "overview", programme.pk, on.isoformat(), resource, get_language() or ""
    )


def _compute_and_store(
    programme: Programme, on: datetime.date, resource: str, key: str | None
) -> _Computed:
    computed = _compute(programme, on, resource)
    if key is None:
        return computed  # the version is unknown: nothing may be kept
    computed.overview.cache_key = key
    if not computed.overview.pending_splits:
        computed.overview.cache_seconds = freshness.ENTRY_SECONDS
        # While splits are being computed in the background the page must keep asking for them
        # (and show them once stored), so such an overview is not kept.
        head = _Head(
            dataclasses.replace(
                computed.overview, rows=[], pairing_ids=[], largest_gaps=[], reports=[], overdue=[]
            ),
            {name: len(getattr(computed.overview, name)) for name in DEFERRED},
        )
        cache.set_many(
            {key: computed.overview, key + ":head": head, key + ":map": computed.map_json},
            timeout=freshness.ENTRY_SECONDS,
        )
    return computed


def _compute(programme: Programme, on: datetime.date, resource: str) -> _Computed:
    found = coverage.compute(programme, on=on, resource=resource)
    reports, overdue = report_queries.report_summary(programme, on)
    result = Overview(
        **vars(found.overview),
        pairing_ids=_pairing_order(programme, on),
        largest_gaps=gap_queries.gaps(programme, on)[:LARGEST_GAPS],
        reports=reports,
        overdue=overdue,
        chart_data=[
            {
                "name_en": row.name_en,
                "name_zh": row.name_zh,
                "need": _chart_need(found.overview, row),
                "paired": row.paired,
            }
            for row in map(coverage.recipient_row, found.overview.rows[:CHART_ROWS])
        ],
    )
    map_data = _map_data(programme, found.build, result.recipient_rows)
    return _Computed(result, json.dumps(map_data, ensure_ascii=False).encode())


def _chart_need(found: coverage.CoverageOverview, row: coverage.RecipientRow) -> dict[str, Any]:
    """A row's need for the chart: per resource, or once in its indicator where need is counted
    in one (one bar of confirmed cases, not one per resource)."""
    if found.need_indicator and row.need:
        return {found.need_indicator: row.indicator_need}
    return row.need


def chart_labels(data: coverage.CoverageOverview) -> dict[str, dict[str, str]]:
    """The chart's series names in the user's language, by the code the chart data uses:
    "Need · Medical staff", "Paired · Medical staff", "Need · Confirmed cases"."""
    need = {r.code: gettext("Need · %(unit)s") % {"unit": local_name(r)} for r in data.resources}
    paired = {
        r.code: gettext("Paired · %(unit)s") % {"unit": local_name(r)} for r in data.resources
    }
    if data.need_indicator:
        need[data.need_indicator] = gettext("Need · %(unit)s") % {"unit": data.need_unit}
    return {"need": need, "paired": paired}


def _pairing_order(programme: Programme, on: datetime.date) -> list[PairingRow]:
    """The pairings in force at the date, by recipient then donor, each child pairing beneath
    its parent, with the staff on duty in each (a parent's with its children's, counted once:
    `levels.family_rows` by way of `staff_by_pairing`). Sorting joins all of them, so it is done
    once per overview, not per page. A plan run's proposals are not among them: they belong to
    the run and show on its page."""
    rows = list(
        Pairing.objects.filter(programme=programme)
        .in_force(on)
        .order_by("recipient__region__code", "recipient__region__name_en", "donor__region__code")
        .values_list("pk", "parent_id")
    )
    staff = {
        row.pairing.pk: float(row.total["on_duty"])
        for row in team_queries.staff_by_pairing(programme, on)
    }
    shown = {pk for pk, _ in rows}
    beneath: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in rows:  # a child whose parent is not in force stands at the top
        beneath[parent if parent in shown else None].append(pk)
    ordered: list[PairingRow] = []

    def visit(pk: int, depth: int) -> None:
        ordered.append((pk, depth, staff.get(pk)))
        for child in beneath[pk]:
            visit(child, depth + 1)

    for pk in beneath[None]:
        visit(pk, 0)
    return ordered


CHART_ROWS = 30  # the chart shows the worst-covered recipients
LARGEST_GAPS = 8  # the gaps panel; the gaps page lists them all


def _map_data(
    programme: Programme, build: translate.Build, rows: list[coverage.RecipientRow]
) -> dict[str, Any]:
    """The map's data (`pairing.maps`): every participant (those without figures too, which the
    engine's problem leaves out), the pairings in force and the coverage they give."""
    participants = {
        translate.engine_id(p): p for p in programme.participants.select_related("region__parent")
    }
    pairs = [
        (translate.engine_id(p.donor), translate.engine_id(p.recipient)) for p in build.in_force
    ]
    in_force = maps.Plan(maps.IN_FORCE, pairs, {row.id: row.coverage for row in rows})
    return maps.map_data(participants, [in_force])
