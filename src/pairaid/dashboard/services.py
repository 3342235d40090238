"""The programme overview as of a date: key figures, coverage per recipient, pairs and map data.

Coverage follows DESIGN.md §4 by asking the engine's evaluator, so the dashboard and the engine
share one definition. At national scale that means building and evaluating the whole engine
instance (about a second), so the result is cached per programme, date, resource filter and
language under the programme data's version (`pairaid.freshness`): any recorded change computes
afresh.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils.translation import get_language

from pairaid import engine, freshness
from pairaid.operations import ledger
from pairaid.pairing import translate
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType


@dataclass(frozen=True)
class RegionName:
    """A region's names, all a row needs to show it in the user's language."""

    name_en: str
    name_zh: str


@dataclass
class RecipientRow:
    id: str
    name_en: str
    name_zh: str
    need: dict[str, float]
    paired: dict[str, float]
    coverage: float | None
    donors: list[RegionName]  # shown in the user's language


# A recipient row as it is cached: a plain tuple (RecipientRow's fields, donors as (en, zh)
# pairs). A national programme has over a thousand rows and the page shows fifty: tuples load
# from the cache several times faster than objects, and only the page's rows become objects.
RowData = tuple[
    str, str, str, dict[str, float], dict[str, float], float | None, tuple[tuple[str, str], ...]
]


def _row(data: RowData) -> RecipientRow:
    code, name_en, name_zh, need, paired, coverage, donors = data
    names = [RegionName(*donor) for donor in donors]
    return RecipientRow(code, name_en, name_zh, need, paired, coverage, names)


@dataclass
class Overview:
    """What the overview shows as of a date. Cached: plain values, no querysets."""

    on: datetime.date
    donors: int
    recipients: int
    live_pairs: int
    paired_capacity: dict[str, float]
    min_coverage: float | None
    mean_coverage: float | None
    per_unit: bool
    rows: list[RowData]  # worst covered first; see `recipient_rows`
    pairing_ids: list[int]  # every pairing of the programme, in the order the page lists them
    resources: list[ResourceType]
    largest_gaps: list[ledger.Gap] = field(default_factory=list)
    reports: list[ledger.ReportSummary] = field(default_factory=list)  # team reports of the date
    overdue: list[str] = field(default_factory=list)  # teams on duty that have not reported
    excluded: list[str] = field(default_factory=list)
    later_figures: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    split_derived: bool = False
    pending_splits: list[str] = field(default_factory=list)  # recipients waiting for a split
    chart_data: list[dict[str, Any]] = field(default_factory=list)
    cache_key: str = ""  # also keys the page's cached fragments
    cache_seconds: int = 0  # how long those may be kept: 0 while splits are pending

    @property
    def recipient_rows(self) -> list[RecipientRow]:
        return [_row(data) for data in self.rows]


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


def recipients_page(data: Overview, number: str | None, *, per_page: int = 50) -> Page:
    """One page of recipient rows, worst covered first."""
    page: Page[Any] = Paginator(data.rows, per_page).get_page(number)
    page.object_list = [_row(row) for row in page.object_list]
    return page


def pairs_page(data: Overview, number: str | None, *, per_page: int = 100) -> Page:
    """One page of the programme's pairings, fetched by id (the order is in the overview) when
    first iterated: a page whose table comes from the cache reads none."""
    page: Page[Any] = Paginator(data.pairing_ids, per_page).get_page(number)
    page.object_list = _PairingsByIds(list(page.object_list))
    return page


class _PairingsByIds(Sequence[Pairing]):
    """Pairings in the order of their ids, read in one query on first use."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self._pairings: list[Pairing] | None = None

    def _loaded(self) -> list[Pairing]:
        if self._pairings is None:
            by_id = Pairing.objects.select_related("donor__region", "recipient__region").in_bulk(
                self.ids
            )
            self._pairings = [by_id[pk] for pk in self.ids if pk in by_id]
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
        cache.set_many(
            {key: computed.overview, key + ":map": computed.map_json},
            timeout=freshness.ENTRY_SECONDS,
        )
    return computed


def _compute(programme: Programme, on: datetime.date, resource: str) -> _Computed:
    build = translate.build_problem(programme, on=on)
    problem = build.problem
    plan = translate.current_plan(programme, build)
    pending = _pending_splits(programme, plan)
    if pending:
        # Never solve inside a request: leave those links out until their split is stored.
        plan = [a for a in plan if a.allocation is not None]
    evaluation = engine.evaluate(problem, plan) if plan else None
    paired: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    donors_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for assignment in evaluation.assignments if evaluation else ():
        for code, quantity in (assignment.allocation or {}).items():
            paired[assignment.recipient][code] += quantity
        region = build.participants[assignment.donor].region
        donors_of[assignment.recipient].append((region.name_en, region.name_zh))
    rows: list[RowData] = [
        (
            recipient.id,
            recipient.name,
            build.participants[recipient.id].region.name_zh,
            {k: v for k, v in recipient.need.items() if not resource or k == resource},
            {k: v for k, v in paired[recipient.id].items() if not resource or k == resource},
            None if recipient.id in pending else _coverage(evaluation, recipient.id, resource),
            tuple(donors_of[recipient.id]),
        )
        for recipient in problem.recipients
    ]
    rows.sort(key=lambda row: (row[5] is None, row[5] or 0.0))
    coverages = [row[5] for row in rows if row[5] is not None]
    totals: dict[str, float] = defaultdict(float)
    for values in paired.values():
        for code, quantity in values.items():
            totals[code] += quantity
    reports, overdue = ledger.report_summary(programme, on)
    result = Overview(
        on=on,
        donors=programme.participants.filter(role=Participant.Role.DONOR).count(),
        recipients=programme.participants.filter(role=Participant.Role.RECIPIENT).count(),
        live_pairs=len(plan),
        paired_capacity=dict(totals),
        min_coverage=min(coverages) if coverages else None,
        mean_coverage=sum(coverages) / len(coverages) if coverages else None,
        per_unit=problem.saturation is None,
        rows=rows,
        pairing_ids=_pairing_order(programme),
        resources=list(ResourceType.objects.filter(code__in=problem.resources)),
        largest_gaps=ledger.gaps(programme, on)[:LARGEST_GAPS],
        reports=reports,
        overdue=overdue,
        excluded=build.excluded,
        later_figures=build.later_figures,
        assumptions=build.assumptions,
        split_derived=bool(evaluation and evaluation.split_derived),
        pending_splits=sorted(pending),
        chart_data=[
            {"name_en": name_en, "name_zh": name_zh, "need": need, "paired": paired}
            for _, name_en, name_zh, need, paired, *_ in rows[:CHART_ROWS]
        ],
    )
    map_data = _map_data(build, plan, result.recipient_rows)
    return _Computed(result, json.dumps(map_data, ensure_ascii=False).encode())


def _pairing_order(programme: Programme) -> list[int]:
    """Every pairing's id, by recipient then donor: sorting joins all of them, so it is done
    once per overview, not per page."""
    return list(
        Pairing.objects.filter(programme=programme)
        .order_by("recipient__region__code", "recipient__region__name_en", "donor__region__code")
        .values_list("pk", flat=True)
    )


# Small plans get their derived split at once (a few small LPs); larger ones in the background.
SPLIT_IN_REQUEST_LIMIT = 30
CHART_ROWS = 30  # the chart shows the worst-covered recipients
LARGEST_GAPS = 8  # the gaps panel; the gaps page lists them all


def _pending_splits(programme: Programme, plan: list[engine.Assignment]) -> set[str]:
    """Recipients whose coverage waits for a derived split that is not stored yet."""
    missing = [a for a in plan if a.allocation is None]
    if not missing or len(missing) <= SPLIT_IN_REQUEST_LIMIT:
        return set()
    from pairaid.pairing import tasks

    tasks.enqueue_missing_splits(programme.pk)
    return {a.recipient for a in missing}


def _coverage(evaluation: engine.Evaluation | None, recipient: str, resource: str) -> float | None:
    if evaluation is None or recipient not in evaluation.coverage:
        return None
    if resource:
        return evaluation.coverage_by_resource.get(recipient, {}).get(resource)
    return evaluation.coverage[recipient]


def _map_data(
    build: translate.Build, plan: list[engine.Assignment], rows: list[RecipientRow]
) -> dict[str, Any]:
    """Points, arcs and coverage for the browser map (ECharts), keyed by region code."""

    def point(engine_id: str) -> dict[str, Any] | None:
        region = build.participants[engine_id].region
        if region.latitude is None or region.longitude is None:
            return None
        return {
            "id": engine_id,
            "code": region.code,
            "name_en": region.name_en,
            "name_zh": region.name_zh,
            "coord": [float(region.longitude), float(region.latitude)],
            "role": build.participants[engine_id].role,
        }

    points = [p for p in (point(i) for i in build.participants) if p is not None]
    located = {p["id"]: p for p in points}
    arcs = [
        {
            "donor": a.donor,
            "recipient": a.recipient,
            "coords": [located[a.donor]["coord"], located[a.recipient]["coord"]],
        }
        for a in plan
        if a.donor in located and a.recipient in located
    ]
    coverage = [
        {"code": build.participants[row.id].region.code, "name": row.name_en, "value": row.coverage}
        for row in rows
        if row.coverage is not None
    ]
    provinces = sorted(
        {
            build.participants[row.id].region.code[:2] + "0000"
            for row in rows
            if build.participants[row.id].region.code
        }
    )
    return {"points": points, "arcs": arcs, "coverage": coverage, "detail_provinces": provinces}
