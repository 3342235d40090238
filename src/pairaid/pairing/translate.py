"""The one module that translates between database rows and engine types (DESIGN.md §3).

It builds an engine `Problem` from a programme as of a date — needs and capacities by the as-of
rule, or derived from an indicator (DESIGN.md §2), rules as policy, derived distances — and
reads engine plans back as pairings' allocations.
"""

import dataclasses
import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from pairaid import engine
from pairaid.engine.split import whole_shares
from pairaid.errors import Problem as InputProblem
from pairaid.errors import ValidationFailed
from pairaid.forecast.need import ForecastNeedBasis
from pairaid.labels import local_name
from pairaid.pairing import forecast_need, levels
from pairaid.pairing.models import AllocationLine, Pairing, PairingQuerySet
from pairaid.programmes import queries as programme_queries
from pairaid.programmes.asof import AsOf, pick_as_of
from pairaid.programmes.models import CapacityLine, NeedLine, Participant, Programme
from pairaid.registry import queries as registry_queries
from pairaid.registry.models import IndicatorType, RegionalIndicator, ResourceType

# Travel time is derived from great-circle distance at a stated average speed.
TRAVEL_SPEED_KMH = 60.0
# Pair data for every donor × recipient up to this many pairs; beyond it, only where needed.
ALL_PAIRS_LIMIT = 100_000
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class NeedBasis:
    """need = indicator × ratio; ratio None means coverage per unit of the indicator."""

    indicator: str
    ratio: float | None = None

    @classmethod
    def parse(cls, text: str) -> "NeedBasis":
        indicator, _, ratio = text.partition(":")
        return cls(indicator.strip(), float(ratio) if ratio else None)


def need_basis(text: str) -> "NeedBasis | ForecastNeedBasis":
    """`--need-from`: a forecast (`forecast:METHOD:QUANTILE:HORIZON`) or INDICATOR[:RATIO]."""
    if ForecastNeedBasis.applies(text):
        return forecast_need.parse_basis(text)
    return NeedBasis.parse(text)


@dataclass(frozen=True)
class CapacityBasis:
    """capacity = total × a donor's share of the indicator (e.g. population); total None: raw."""

    indicator: str
    total: float | None = None

    @classmethod
    def parse(cls, text: str) -> "CapacityBasis":
        indicator, _, total = text.partition(":")
        return cls(indicator.strip(), float(total) if total else None)


@dataclass
class Build:
    """An engine problem and what the coordinator must know about how it was made."""

    problem: engine.Problem
    on: datetime.date
    participants: dict[str, Participant]  # engine id -> participant
    excluded: list[str] = field(default_factory=list)  # "Hainan (donor): capacity unknown"
    in_force: list[Pairing] = field(default_factory=list)  # the pairings in force at `on`
    later_figures: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    # Where need is counted in an indicator (coverage per unit of it), that indicator's code and
    # its name in the user's language: the unit every need figure is in ("505 confirmed cases").
    need_indicator: str = ""
    need_unit: str = ""


def engine_id(participant: Participant) -> str:
    """A readable id: the region's code, or PARENTCODE/English name for a code-less area."""
    return participant.region.as_reference().short


def participant_names(programme: Programme) -> dict[str, str]:
    """Engine ids -> the participants' names in the active language, read in one query: how an
    engine message, a plan or a table names a participant to a person. A participant's engine
    id is its region's short reference (`engine_id`), the value its pickers send."""
    return {p.reference: p.name for p in programme_queries.named_participants(programme)}


def live_pairings(programme: Programme, on: datetime.date) -> PairingQuerySet:
    """The pairings in force at a date, with their regions."""
    return (
        Pairing.objects.filter(programme=programme)
        .in_force(on)
        .select_related("donor__region__parent", "recipient__region__parent")
    )


def _indicator_values(
    participants: Iterable[Participant], code: str, on: datetime.date
) -> dict[int, tuple[float, datetime.date | None]]:
    """region id -> (value, its date where it is a later figure, else None) by the as-of rule;
    absent where unknown."""
    region_ids = [p.region_id for p in participants]
    series: dict[int, list[RegionalIndicator]] = defaultdict(list)
    for value in RegionalIndicator.objects.filter(region_id__in=region_ids, indicator__code=code):
        series[value.region_id].append(value)
    chosen = {}
    for region_id, values in series.items():
        picked = pick_as_of(values, on)
        if picked is not None:
            chosen[region_id] = (float(picked.line.value), _later_date(picked))
    return chosen


def _lines(
    model: type[CapacityLine] | type[NeedLine], programme: Programme, on: datetime.date
) -> dict[int, dict[str, tuple[float, datetime.date | None]]]:
    """participant id -> resource -> (quantity, its date where it is a later figure, else None)
    by the as-of rule. Need lines derived from a forecast are left out: they are read only by a
    plan on that forecast basis (`forecast_need`), never taken for the recorded need."""
    rows: QuerySet[CapacityLine] | QuerySet[NeedLine] = (
        NeedLine.objects.recorded().filter(participant__programme=programme)
        if model is NeedLine
        else CapacityLine.objects.filter(participant__programme=programme)
    )
    series: dict[tuple[int, str], list[CapacityLine | NeedLine]] = defaultdict(list)
    for line in rows.select_related("resource_type"):
        series[(line.participant_id, line.resource_type.code)].append(line)
    chosen: dict[int, dict[str, tuple[float, datetime.date | None]]] = defaultdict(dict)
    for (participant_id, resource), lines in series.items():
        picked = pick_as_of(lines, on)
        if picked is not None:
            chosen[participant_id][resource] = (float(picked.line.quantity), _later_date(picked))
    return chosen


def _resource_names() -> dict[str, str]:
    """Each resource's name in the active language, by code (one query for a whole plan)."""
    return {
        code: local_name(resource) for code, resource in registry_queries.resource_types().items()
    }


def _indicator_name(code: str) -> str:
    """An indicator's name in the active language; its code where the registry lacks it."""
    indicator = IndicatorType.objects.filter(code=code).first()
    return local_name(indicator) if indicator is not None else code


def _later_date(picked: AsOf[Any]) -> datetime.date | None:
    """The date of a later figure (one dated after the date asked for); None for the others."""
    return picked.as_of if picked.later_figure else None


class _Builder:
    def __init__(self, programme: Programme, on: datetime.date) -> None:
        self.programme = programme
        self.on = on
        self.donors = list(
            programme.participants.filter(role=Participant.Role.DONOR).select_related(
                "region__parent"
            )
        )
        self.recipients = list(
            programme.participants.filter(role=Participant.Role.RECIPIENT).select_related(
                "region__parent"
            )
        )
        self.build = Build(engine.Problem((), ()), on, {})

    def name(self, participant: Participant) -> str:
        region = participant.region.display_name(get_language() or "en")
        if participant.role == Participant.Role.DONOR:
            return gettext("%(region)s (donor)") % {"region": region}
        return gettext("%(region)s (recipient)") % {"region": region}

    def later_figure(self, participant: Participant, figure: str, dated: datetime.date) -> None:
        """Note a figure dated after the plan's date, in the user's words and language."""
        self.build.later_figures.append(
            gettext("%(participant)s: %(figure)s, dated %(date)s")
            % {"participant": self.name(participant), "figure": figure, "date": date_format(dated)}
        )

    def capacities(self, basis: CapacityBasis | None) -> dict[int, dict[str, float]]:
        if basis is None:
            lines = _lines(CapacityLine, self.programme, self.on)
            later = [
                (donor, resource, dated)
                for donor in self.donors
                for resource, (_, dated) in lines.get(donor.pk, {}).items()
                if dated
            ]
            names = _resource_names() if later else {}  # read only where a note needs them
            for donor, resource, dated in later:
                self.later_figure(donor, names.get(resource, resource), dated)
            return {pk: {r: q for r, (q, _) in row.items()} for pk, row in lines.items()}
        return self._capacities_from_indicator(basis)

    def _capacities_from_indicator(self, basis: CapacityBasis) -> dict[int, dict[str, float]]:
        values = _indicator_values(self.donors, basis.indicator, self.on)
        resources = self._capacity_resources()
        known = [d for d in self.donors if d.region_id in values]
        if basis.total is None:
            return {d.pk: dict.fromkeys(resources, values[d.region_id][0]) for d in known}
        shares = _largest_remainder(
            basis.total, [values[d.region_id][0] for d in known], integral=True
        )
        self.build.assumptions.append(
            gettext(
                "capacity: %(total)s shared among donors in proportion to %(indicator)s "
                "as of %(date)s (largest remainder)"
            )
            % {
                "total": f"{basis.total:g}",
                "indicator": _indicator_name(basis.indicator),
                "date": self.on,
            }
        )
        return {
            d.pk: dict.fromkeys(resources, share) for d, share in zip(known, shares, strict=True)
        }

    def _capacity_resources(self) -> list[str]:
        codes = sorted(
            set(
                CapacityLine.objects.filter(participant__programme=self.programme).values_list(
                    "resource_type__code", flat=True
                )
            )
        )
        return codes or ["medical_staff"]

    def needs(
        self, basis: "NeedBasis | ForecastNeedBasis | None", seed: int = 0, store: bool = True
    ) -> tuple[dict[int, dict[str, float]], bool]:
        """recipient participant id -> need; and whether need is per unit of an indicator."""
        if isinstance(basis, ForecastNeedBasis):
            derived = forecast_need.derive(
                self.programme,
                self.recipients,
                self.on,
                basis,
                self._capacity_resources(),
                seed=seed,
                store=store,
            )
            self.build.assumptions += derived.assumptions
            return derived.needs, False
        # Planning allocates what donors can give: need lines of other resources (masks asked
        # for through requests, say) are left to the gap analysis.
        given = set(self._capacity_resources())
        lines = {
            pk: {r: q for r, (q, _) in row.items() if r in given}
            for pk, row in _lines(NeedLine, self.programme, self.on).items()
        }
        lines = {pk: row for pk, row in lines.items() if row}
        if basis is None and lines:
            return lines, False
        if basis is None and self.programme.need_indicator is not None:
            stored = self.programme.need_ratio
            basis = NeedBasis(self.programme.need_indicator.code, float(stored) if stored else None)
        if basis is None:
            return {}, False
        values = _indicator_values(self.recipients, basis.indicator, self.on)
        resources = self._capacity_resources()
        per_unit = basis.ratio is None
        indicator = _indicator_name(basis.indicator)  # once: it names every note below
        if basis.ratio is None:
            assumption = gettext(
                "need: %(indicator)s as of %(date)s (coverage = capacity per unit)"
            ) % {"indicator": indicator, "date": self.on}
        else:
            assumption = gettext("need: %(indicator)s as of %(date)s × %(ratio)s") % {
                "indicator": indicator,
                "date": self.on,
                "ratio": f"{basis.ratio:g}",
            }
        self.build.assumptions.append(assumption)
        if per_unit:
            self.build.need_indicator, self.build.need_unit = basis.indicator, indicator
        for recipient in self.recipients:
            found = values.get(recipient.region_id)
            if found and found[1]:
                self.later_figure(recipient, indicator, found[1])
        factor = 1.0 if basis.ratio is None else basis.ratio
        needs = {
            r.pk: dict.fromkeys(resources, values[r.region_id][0] * factor)
            for r in self.recipients
            if r.region_id in values
        }
        return needs, per_unit


def _largest_remainder(total: float, weights: Sequence[float], *, integral: bool) -> list[float]:
    """Shares of a total in proportion to weights; whole numbers summing to the total."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0.0 for _ in weights]
    exact = [total * w / weight_sum for w in weights]
    if not integral:
        return exact
    return [float(x) for x in whole_shares(exact, round(total))]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _pair_data(
    donors: Sequence[Participant],
    recipients: Sequence[Participant],
    existing: set[tuple[str, str]],
    *,
    every_pair: bool,
) -> list[engine.PairData]:
    """Derived distances for every pair (small instances, or a travel objective), else for the
    links in force only: a national instance has millions of pairs."""
    pairs = []
    by_id = {engine_id(p): p for p in (*donors, *recipients)}
    candidates = (
        [(d, r) for d in donors for r in recipients]
        if every_pair
        else [(by_id[d], by_id[r]) for d, r in sorted(existing)]
    )
    for donor, recipient in candidates:
        km = distance_km(donor, recipient)
        key = (engine_id(donor), engine_id(recipient))
        pairs.append(
            engine.PairData(
                key[0],
                key[1],
                travel_km=None if km is None else round(km, 1),
                travel_hours=None if km is None else round(km / TRAVEL_SPEED_KMH, 2),
                existing_tie=key in existing,
            )
        )
    return pairs


def distance_km(donor: Participant, recipient: Participant) -> float | None:
    """Great-circle km between two participants' regions (None: one has no coordinates)."""
    a, b = donor.region, recipient.region
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    return great_circle_km(
        float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude)
    )


def _strength(
    donors: Sequence[Participant], on: datetime.date
) -> tuple[str | None, dict[int, float]]:
    for code in ("gdp", "population"):
        values = _indicator_values(donors, code, on)
        if values:
            return code, {region_id: value for region_id, (value, _) in values.items()}
    return None, {}


def integer_resources(codes: Iterable[str]) -> frozenset[str]:
    kinds = dict(ResourceType.objects.filter(code__in=list(codes)).values_list("code", "kind"))
    return frozenset(code for code, kind in kinds.items() if kind != ResourceType.Kind.FUNDS)


def build_problem(
    programme: Programme,
    *,
    on: datetime.date | None = None,
    need_from: NeedBasis | ForecastNeedBasis | None = None,
    capacity_from: CapacityBasis | None = None,
    objectives: Sequence[engine.Objective] = (engine.Objective("max_min_coverage"),),
    lock: Iterable[tuple[str, str]] = (),
    forbid: Iterable[tuple[str, str]] = (),
    churn_budget: int | None = None,
    options: engine.SolveOptions | None = None,
    store_derived_needs: bool = True,
    parent: Pairing | None = None,
) -> Build:
    """The engine problem of a programme as of a date. Participants whose need or capacity is
    unknown take no part and are named in `excluded` (DESIGN.md §2).

    With a `parent` pairing, the problem is its child level: the donors below the parent's
    donor and the recipients below its recipient (`levels.below`), the children in force as the
    existing plan, and only the pairs that lie inside the parent eligible (`engine.nested_pairs`).
    Without one, it is the programme's own level: the child pairings stay out of it."""
    on = on or programme.current_date()
    builder = _Builder(programme, on)
    if parent is not None:
        parents = levels.region_parents()
        builder.donors = levels.below(parent.donor, builder.donors, parents)
        builder.recipients = levels.below(parent.recipient, builder.recipients, parents)
    else:
        child_level = levels.child_level_participants(programme.pk)
        builder.donors = [d for d in builder.donors if d.pk not in child_level]
        builder.recipients = [r for r in builder.recipients if r.pk not in child_level]
    if isinstance(need_from, NeedBasis):
        _check_indicator(need_from.indicator, "need-from")
    _check_indicator(capacity_from.indicator if capacity_from else None, "capacity-from")
    capacities = builder.capacities(capacity_from)
    needs, per_unit = builder.needs(
        need_from, seed=options.seed if options else 0, store=store_derived_needs
    )
    build = builder.build
    donors = [d for d in builder.donors if capacities.get(d.pk)]
    recipients = [r for r in builder.recipients if needs.get(r.pk)]
    # Sets of primary keys: comparing model objects in lists is quadratic at national scale.
    taking_part = {p.pk for p in donors} | {p.pk for p in recipients}
    build.excluded += [
        gettext("%(participant)s: capacity unknown") % {"participant": builder.name(d)}
        for d in builder.donors
        if d.pk not in taking_part
    ]
    build.excluded += [
        gettext("%(participant)s: need unknown") % {"participant": builder.name(r)}
        for r in builder.recipients
        if r.pk not in taking_part
    ]
    level = live_pairings(programme, on)
    build.in_force = list(level.filter(parent=parent) if parent else level.top_level())
    existing = {
        (engine_id(p.donor), engine_id(p.recipient))
        for p in build.in_force
        if p.donor_id in taking_part and p.recipient_id in taking_part
    }
    strength_attribute, strength = _strength(donors, on)
    resources = {r for row in capacities.values() for r in row} | {
        r for row in needs.values() for r in row
    }
    policy = engine.Policy(
        donor_degree=engine.DegreeRange(1, programme.max_recipients_per_donor or 1),
        recipient_degree=engine.DegreeRange(1, programme.max_donors_per_recipient),
        required_pairs=frozenset(lock),
        forbidden_pairs=frozenset(forbid),
        existing_plan=frozenset(existing),
        churn_budget=churn_budget,
    )
    pairs = _pair_data(
        donors,
        recipients,
        existing,
        every_pair=parent is not None
        or len(donors) * len(recipients) <= ALL_PAIRS_LIMIT
        or any(o.name == "min_travel" for o in objectives),
    )
    if parent is not None:
        policy, pairs = _child_level(parent, donors, recipients, policy, pairs)
    build.problem = engine.Problem(
        donors=[
            engine.Donor(
                engine_id(d),
                d.region.name_en,
                capacities[d.pk],
                {strength_attribute: strength[d.region_id]}
                if strength_attribute and d.region_id in strength
                else {},
            )
            for d in donors
        ],
        recipients=[
            engine.Recipient(engine_id(r), r.region.name_en, needs[r.pk]) for r in recipients
        ],
        pairs=pairs,
        policy=policy,
        objectives=tuple(objectives),
        saturation=None if per_unit else 1.0,
        integer_resources=integer_resources(resources),
        strength_attribute=strength_attribute,
        options=options or engine.SolveOptions(),
        name=f"{programme.slug} as of {on}",
    )
    build.participants = {engine_id(p): p for p in donors + recipients}
    build.assumptions.append(
        gettext(
            "travel: great-circle distance between region centroids at %(speed)s km/h (derived)"
        )
        % {"speed": f"{TRAVEL_SPEED_KMH:g}"}
    )
    return build


def _child_level(
    parent: Pairing,
    donors: Sequence[Participant],
    recipients: Sequence[Participant],
    policy: engine.Policy,
    pairs: list[engine.PairData],
) -> tuple[engine.Policy, list[engine.PairData]]:
    """The child level's rules: only the pairs inside the parent pair (the engine's
    `nested_pairs`), listed alone. The programme's degree rules are its own level's; inside a
    parent, each place gets at least one donor, and each child donor takes one place (as Zhuhai
    took Mianchi) unless there are more places than donors (Guangdong alone, taking towns)."""
    inside = engine.nested_pairs(
        {engine_id(d): engine_id(parent.donor) for d in donors},
        {engine_id(r): engine_id(parent.recipient) for r in recipients},
        [(engine_id(parent.donor), engine_id(parent.recipient))],
    )
    child_policy = dataclasses.replace(
        policy,
        donor_degree=engine.DegreeRange(1, 1 if len(donors) >= len(recipients) else None),
        recipient_degree=engine.DegreeRange(1, None),
        listed_pairs_only=True,
    )
    return child_policy, [p for p in pairs if (p.donor, p.recipient) in inside]


def _check_indicator(code: str | None, option: str) -> None:
    if code and not IndicatorType.objects.filter(code=code).exists():
        known = ", ".join(IndicatorType.objects.values_list("code", flat=True))
        raise ValidationFailed(
            [InputProblem(f"unknown indicator {code!r}; known: {known}", column=option)]
        )


def current_plan(programme: Programme, build: Build) -> list[engine.Assignment]:
    """The pairings in force at the build's date, with their stored split where they have one."""
    return plan_of(build.in_force, build.on, set(build.participants))


def plan_in_force(
    programme: Programme, on: datetime.date, ids: set[str]
) -> list[engine.Assignment]:
    """Pairings in force at a date among the given engine ids, with stored splits (as-of rule)."""
    return plan_of(list(live_pairings(programme, on)), on, ids)


def plan_of(in_force: list[Pairing], on: datetime.date, ids: set[str]) -> list[engine.Assignment]:
    """These pairings as an engine plan, with their stored splits as of a date where known."""
    allocations: dict[int, dict[str, list[AllocationLine]]] = defaultdict(lambda: defaultdict(list))
    for line in AllocationLine.objects.filter(pairing__in=in_force).select_related("resource_type"):
        allocations[line.pairing_id][line.resource_type.code].append(line)
    plan = []
    for pairing in in_force:
        key = (engine_id(pairing.donor), engine_id(pairing.recipient))
        if not set(key) <= ids:
            continue
        stored = {
            resource: float(picked.line.quantity)
            for resource, lines in allocations.get(pairing.pk, {}).items()
            if (picked := pick_as_of(lines, on)) is not None
        }
        plan.append(engine.Assignment(key[0], key[1], stored or None))
    return plan


def decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 4)))
