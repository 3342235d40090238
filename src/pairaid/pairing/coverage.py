"""What the pairings in force cover as of a date: coverage per recipient, the worst and the mean,
the capacity paired per resource, and what the figures assume.

Coverage follows DESIGN.md §4 by asking the engine's evaluator, so the dashboard, the league table
and (later) the daily situation report share one definition with the engine. At national scale
that means building and evaluating the whole engine instance (about a second): `as_of` keeps the
result under the programme data's exact version (`pairaid.freshness`), so any change computes
afresh; `compute` is the uncached computation, with the instance and plan it was made from.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language, gettext

from pairaid import engine, freshness
from pairaid.labels import local_name
from pairaid.pairing import levels, translate
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

    @property
    def indicator_need(self) -> float | None:
        """The need where it is counted in an indicator (`CoverageOverview.need_unit`): every
        resource's need is then that one figure (so many confirmed cases), shown once."""
        return next(iter(self.need.values()), None)


# A recipient row as it is kept: a plain tuple (RecipientRow's fields, donors as (en, zh) pairs).
# A national programme has over a thousand rows and a page shows fifty: tuples load from the
# cache several times faster than objects, and only the rows shown become objects.
RowData = tuple[
    str, str, str, dict[str, float], dict[str, float], float | None, tuple[tuple[str, str], ...]
]


def recipient_row(data: RowData) -> RecipientRow:
    code, name_en, name_zh, need, paired, coverage, donors = data
    names = [RegionName(*donor) for donor in donors]
    return RecipientRow(code, name_en, name_zh, need, paired, coverage, names)


@dataclass
class CoverageOverview:
    """The coverage of a programme as of a date. Cached: plain values, no querysets."""

    on: datetime.date
    donors: int  # the programme's own level: those in child pairings only are counted apart
    recipients: int
    live_pairs: int
    paired_capacity: dict[str, float]
    min_coverage: float | None
    mean_coverage: float | None
    per_unit: bool
    rows: list[RowData]  # worst covered first; see `recipient_rows`
    resources: list[ResourceType]
    excluded: list[str] = field(default_factory=list)
    later_figures: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    split_derived: bool = False
    pending_splits: list[str] = field(default_factory=list)  # recipients waiting for a split
    # Where need is counted in an indicator (per_unit): its code and its name, the unit of every
    # need figure ("505 confirmed cases", not "505 medical staff"), and what coverage counts.
    need_indicator: str = ""
    need_unit: str = ""
    coverage_unit: str = ""
    # Participants that take part only in child pairings (Zhuhai inside Guangdong → Wenchuan):
    # their aid is their parent pair's, so the cards count them apart.
    child_donors: int = 0
    child_recipients: int = 0

    @property
    def recipient_rows(self) -> list[RecipientRow]:
        return [recipient_row(data) for data in self.rows]

    def by_recipient(self) -> dict[str, float]:
        """Each recipient's coverage by its engine id (those without a figure left out)."""
        return {row[0]: row[5] for row in self.rows if row[5] is not None}


@dataclass
class Computed:
    """A coverage overview with the engine instance and plan it was computed from."""

    overview: CoverageOverview
    build: translate.Build
    plan: list[engine.Assignment]


# Small plans get their derived split at once (a few small LPs); larger ones in the background.
SPLIT_IN_REQUEST_LIMIT = 30


def as_of(
    programme: Programme, *, on: datetime.date | None = None, resource: str = ""
) -> CoverageOverview:
    """The coverage as of a date (the programme date by default), from the cache when current."""
    on = on or programme.current_date()
    # The version is read before anything is computed, so an entry never holds data older than
    # its key says (a write during the computation only makes the next key differ).
    key = freshness.cache_key(
        "coverage", programme.pk, on.isoformat(), resource, get_language() or ""
    )
    found = cache.get(key) if key else None
    if isinstance(found, CoverageOverview):
        return found
    overview = compute(programme, on=on, resource=resource).overview
    # Kept only where the data version is known, and once every split is stored.
    if key and not overview.pending_splits:
        cache.set(key, overview, timeout=freshness.ENTRY_SECONDS)
    return overview


def compute(programme: Programme, *, on: datetime.date, resource: str = "") -> Computed:
    """Evaluate the plan in force as of `on` (only `resource`, if given); never cached."""
    build = translate.build_problem(programme, on=on)
    problem = build.problem
    plan = translate.current_plan(programme, build)
    pending = _pending_splits(programme, plan)
    if pending:
        # Never solve inside a request: leave those links out until their split is stored.
        plan = [a for a in plan if a.allocation is not None]
    evaluation = engine.evaluate(problem, plan) if plan else None
    paired, donors_of = _paired(build, evaluation)
    rows = _rows(build, evaluation, paired, donors_of, pending, resource)
    coverages = [row[5] for row in rows if row[5] is not None]
    counts = levels.participant_counts(programme.pk)
    overview = CoverageOverview(
        on=on,
        donors=counts[Participant.Role.DONOR, False],
        recipients=counts[Participant.Role.RECIPIENT, False],
        child_donors=counts[Participant.Role.DONOR, True],
        child_recipients=counts[Participant.Role.RECIPIENT, True],
        live_pairs=len(plan),
        paired_capacity=_totals(paired),
        min_coverage=min(coverages) if coverages else None,
        mean_coverage=sum(coverages) / len(coverages) if coverages else None,
        per_unit=problem.saturation is None,
        rows=rows,
        resources=list(ResourceType.objects.filter(code__in=problem.resources)),
        excluded=build.excluded,
        later_figures=build.later_figures,
        assumptions=build.assumptions,
        split_derived=bool(evaluation and evaluation.split_derived),
        pending_splits=sorted(pending),
        need_indicator=build.need_indicator,
        need_unit=build.need_unit,
    )
    if build.need_unit:
        overview.coverage_unit = _coverage_unit(overview.resources, resource, build.need_unit)
    return Computed(overview, build, plan)


def _coverage_unit(resources: list[ResourceType], resource: str, need_unit: str) -> str:
    """What a coverage figure counts where need is an indicator: "medical staff per unit of
    confirmed cases" (the resource asked for, or every resource)."""
    shown = [local_name(r) for r in resources if not resource or r.code == resource]
    return gettext("%(capacity)s per unit of %(indicator)s") % {
        "capacity": ", ".join(shown) or gettext("capacity"),
        "indicator": need_unit,
    }


# Per recipient: what is paired with it by resource, and its donors' names (en, zh).
Paired = dict[str, dict[str, float]]
DonorNames = dict[str, list[tuple[str, str]]]


def _paired(
    build: translate.Build, evaluation: engine.Evaluation | None
) -> tuple[Paired, DonorNames]:
    paired: Paired = defaultdict(lambda: defaultdict(float))
    donors_of: DonorNames = defaultdict(list)
    for assignment in evaluation.assignments if evaluation else ():
        for code, quantity in (assignment.allocation or {}).items():
            paired[assignment.recipient][code] += quantity
        region = build.participants[assignment.donor].region
        donors_of[assignment.recipient].append((region.name_en, region.name_zh))
    return paired, donors_of


def _rows(
    build: translate.Build,
    evaluation: engine.Evaluation | None,
    paired: Paired,
    donors_of: DonorNames,
    pending: set[str],
    resource: str,
) -> list[RowData]:
    """One row per recipient, worst covered first (recipients without a figure last)."""
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
        for recipient in build.problem.recipients
    ]
    rows.sort(key=lambda row: (row[5] is None, row[5] or 0.0))
    return rows


def _totals(paired: Paired) -> dict[str, float]:
    """The capacity paired per resource, over every recipient."""
    totals: dict[str, float] = defaultdict(float)
    for values in paired.values():
        for code, quantity in values.items():
            totals[code] += quantity
    return dict(totals)


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
