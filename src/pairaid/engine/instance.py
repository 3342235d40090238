"""The problem model: frozen, typed instance classes (DESIGN.md §4, *Instance*).

Ids are plain strings and are what every output refers to. Constructors accept plain Python
containers (lists, dicts, sets of `(donor, recipient)` tuples) and store read-only copies, so a
translate module can build a `Problem` straight from database rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Literal

PairKey = tuple[str, str]
"""A (donor id, recipient id) pair."""

OBJECTIVE_NAMES: tuple[str, ...] = (
    "max_min_coverage",
    "leximin",
    "min_travel",
    "min_cost",
    "min_churn",
)
FAIRNESS_OBJECTIVES = frozenset({"max_min_coverage", "leximin"})
BACKEND_NAMES: tuple[str, ...] = ("auto", "highs", "cpsat", "greedy", "local_search")

ObjectiveName = Literal["max_min_coverage", "leximin", "min_travel", "min_cost", "min_churn"]
LevelMeasure = Literal["ordered_coverage", "travel_hours", "cost", "churn"]


@dataclass(frozen=True)
class ObjectiveLevel:
    """One level of the lexicographic order as data: its name in results, what it measures and
    which way is better. `ordered_coverage` is the sum of the `k` smallest coverages (k = 1 is
    max-min coverage, k > 1 a leximin level); travel hours, cost and churn are minimised. The
    pipeline reads a level's meaning from here, never from its name."""

    name: str
    measure: LevelMeasure
    k: int = 1

    @property
    def maximised(self) -> bool:
        return self.measure == "ordered_coverage"

    @property
    def fairness(self) -> bool:
        return self.measure == "ordered_coverage"


MAX_MIN_LEVEL = ObjectiveLevel("max_min_coverage", "ordered_coverage", 1)
_SINGLE_LEVELS: Mapping[str, ObjectiveLevel] = MappingProxyType(
    {
        "max_min_coverage": MAX_MIN_LEVEL,
        "min_travel": ObjectiveLevel("min_travel", "travel_hours"),
        "min_cost": ObjectiveLevel("min_cost", "cost"),
        "min_churn": ObjectiveLevel("min_churn", "churn"),
    }
)


def _frozen_mapping(values: Mapping[str, float] | None) -> Mapping[str, float]:
    return MappingProxyType(dict(values or {}))


def _pair_set(pairs: Iterable[Sequence[str]] | None) -> frozenset[PairKey]:
    return frozenset((str(pair[0]), str(pair[1])) for pair in (pairs or ()))


@dataclass(frozen=True)
class Donor:
    """A region that gives: capacity per resource type, and strength attributes (e.g. GDP)."""

    id: str
    name: str = ""
    capacity: Mapping[str, float] = field(default_factory=dict)
    strength: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "capacity", _frozen_mapping(self.capacity))
        object.__setattr__(self, "strength", _frozen_mapping(self.strength))


@dataclass(frozen=True)
class Recipient:
    """A region that receives: need per resource type (or per unit of an indicator)."""

    id: str
    name: str = ""
    need: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "need", _frozen_mapping(self.need))

    @property
    def has_need(self) -> bool:
        """A recipient without positive need takes no part in fairness (DESIGN.md §4)."""
        return any(quantity > 0 for quantity in self.need.values())


@dataclass(frozen=True)
class PairData:
    """What is known about one donor-recipient pair; unknown figures stay None, never zero."""

    donor: str
    recipient: str
    travel_hours: float | None = None
    travel_km: float | None = None
    cost: float | None = None
    load: float | None = None
    existing_tie: bool = False

    @property
    def key(self) -> PairKey:
        return (self.donor, self.recipient)


@dataclass(frozen=True)
class DegreeRange:
    """How many partners one side may have; `maximum=None` means no upper limit."""

    minimum: int = 0
    maximum: int | None = None

    def allows(self, count: int) -> bool:
        return count >= self.minimum and (self.maximum is None or count <= self.maximum)


@dataclass(frozen=True)
class Policy:
    """The coordinator's rules. Defaults: each donor serves exactly one recipient; each recipient
    gets at least one donor and at most `recipient_degree.maximum` (U)."""

    donor_degree: DegreeRange = DegreeRange(1, 1)
    recipient_degree: DegreeRange = DegreeRange(1, None)
    absorption: Mapping[str, float] = field(default_factory=dict)
    required_pairs: frozenset[PairKey] = frozenset()
    forbidden_pairs: frozenset[PairKey] = frozenset()
    max_travel_hours: float | None = None
    existing_plan: frozenset[PairKey] = frozenset()
    churn_budget: int | None = None
    listed_pairs_only: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "absorption", _frozen_mapping(self.absorption))
        object.__setattr__(self, "required_pairs", _pair_set(self.required_pairs))
        object.__setattr__(self, "forbidden_pairs", _pair_set(self.forbidden_pairs))
        object.__setattr__(self, "existing_plan", _pair_set(self.existing_plan))


@dataclass(frozen=True)
class Objective:
    """One lexicographic level; `levels` is K for leximin (levels 1..K, level 1 = max-min)."""

    name: str
    levels: int = 1


@dataclass(frozen=True)
class SolveOptions:
    """How to solve; command-line options override these."""

    backend: str = "auto"
    time_limit_seconds: float | None = None
    seed: int = 0
    deterministic: bool = False


@dataclass(frozen=True)
class Problem:
    """A complete pairing instance: donors, recipients, pair data, policy and objectives."""

    donors: Sequence[Donor]
    recipients: Sequence[Recipient]
    pairs: Sequence[PairData] = ()
    policy: Policy = Policy()
    objectives: Sequence[Objective] = (Objective("max_min_coverage"),)
    saturation: float | None = 1.0
    integer_resources: frozenset[str] = frozenset()
    strength_attribute: str | None = None
    options: SolveOptions = SolveOptions()
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "donors", tuple(self.donors))
        object.__setattr__(self, "recipients", tuple(self.recipients))
        object.__setattr__(self, "pairs", tuple(self.pairs))
        object.__setattr__(self, "objectives", tuple(self.objectives))
        object.__setattr__(self, "integer_resources", frozenset(self.integer_resources))

    @cached_property
    def donor_by_id(self) -> Mapping[str, Donor]:
        return MappingProxyType({donor.id: donor for donor in self.donors})

    @cached_property
    def recipient_by_id(self) -> Mapping[str, Recipient]:
        return MappingProxyType({recipient.id: recipient for recipient in self.recipients})

    @cached_property
    def pair_by_key(self) -> Mapping[PairKey, PairData]:
        return MappingProxyType({pair.key: pair for pair in self.pairs})

    @cached_property
    def resources(self) -> tuple[str, ...]:
        """Every resource type named by a capacity or a need, sorted."""
        names = {r for donor in self.donors for r in donor.capacity}
        names |= {r for recipient in self.recipients for r in recipient.need}
        return tuple(sorted(names))

    def pair_data(self, donor: str, recipient: str) -> PairData:
        """The pair's data, or an empty record when nothing is known about it."""
        return self.pair_by_key.get((donor, recipient)) or PairData(donor, recipient)

    def load(self, donor: str, recipient: str) -> float:
        """The load a donor puts on a recipient's absorption capacity; 1 (one team) if unknown."""
        load = self.pair_data(donor, recipient).load
        return 1.0 if load is None else load

    def usefulness(self, donor: str, recipient: str) -> float:
        """The share of the recipient's scarcest need the donor alone would cover (0 when the
        recipient needs nothing): how heuristics rank a recipient's possible donors."""
        capacity = self.donor_by_id[donor].capacity
        need = self.recipient_by_id[recipient].need
        shares = [capacity.get(k, 0.0) / q for k, q in need.items() if q > 0]
        return min(shares) if shares else 0.0

    @cached_property
    def objective_levels(self) -> tuple[ObjectiveLevel, ...]:
        """The result's levels in order, leximin expanded to `leximin_2`, `leximin_3`, … Checked
        problems only: `check_problem` refuses more leximin levels than recipients
        (`engine.LIMITS`), so that a request cannot make this list huge."""
        levels: list[ObjectiveLevel] = []
        for objective in self.objectives:
            if objective.name == "leximin":
                levels.append(MAX_MIN_LEVEL)
                levels.extend(
                    ObjectiveLevel(f"leximin_{k}", "ordered_coverage", k)
                    for k in range(2, objective.levels + 1)
                )
            else:
                levels.append(_SINGLE_LEVELS[objective.name])
        # `max_min_coverage` then `leximin` would repeat level 1: keep each level once.
        unique: dict[str, ObjectiveLevel] = {}
        for level in levels:
            unique.setdefault(level.name, level)
        return tuple(unique.values())

    @cached_property
    def _levels_by_name(self) -> Mapping[str, ObjectiveLevel]:
        own = {level.name: level for level in self.objective_levels}
        return MappingProxyType({**_SINGLE_LEVELS, **own})

    def level_names(self) -> tuple[str, ...]:
        """The names of the result's levels (`objective_levels`)."""
        return tuple(level.name for level in self.objective_levels)

    def objective_level(self, name: str) -> ObjectiveLevel:
        """The level called `name`: one of this problem's, or a single-level objective."""
        return self._levels_by_name[name]


@dataclass(frozen=True)
class Assignment:
    """One pair of a plan; `allocation` is None when the plan gives no split."""

    donor: str
    recipient: str
    allocation: Mapping[str, float] | None = None

    def __post_init__(self) -> None:
        if self.allocation is not None:
            object.__setattr__(self, "allocation", _frozen_mapping(self.allocation))

    @property
    def key(self) -> PairKey:
        return (self.donor, self.recipient)


Plan = Sequence[Assignment]
"""A plan is a list of assignments (pairs, with or without their split)."""


def plan_from_pairs(pairs: Iterable[Sequence[str]]) -> tuple[Assignment, ...]:
    """A plan without a split from `(donor, recipient)` pairs, e.g. a historical plan."""
    return tuple(Assignment(str(pair[0]), str(pair[1])) for pair in pairs)
