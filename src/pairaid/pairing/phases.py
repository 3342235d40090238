"""The phase view: a programme's linked phases in time order, and what became of each pair from
one phase to the next (carried over, changed, ended; and the new ones).

Regions are compared through the registry's renames: 安县 (510724) paired in May 2008 is the
same place as 安州区 (510705) if a later bundle names it by its new code.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import Region, RegionRename

RegionKey = tuple[str, str]  # (country, the region's latest code) or ("pk", id) if it has none


@dataclass(frozen=True)
class PhasePair:
    donor: Participant
    recipient: Participant


@dataclass(frozen=True)
class PairChange:
    """An earlier pair whose recipient got another donor, or whose donor another recipient."""

    before: PhasePair
    after: tuple[PhasePair, ...]


@dataclass
class PhaseStep:
    """From one phase to the next."""

    earlier: Programme
    later: Programme
    carried: list[tuple[PhasePair, PhasePair]] = field(default_factory=list)
    changed: list[PairChange] = field(default_factory=list)
    ended: list[PhasePair] = field(default_factory=list)
    new: list[PhasePair] = field(default_factory=list)


@dataclass
class PhaseView:
    programme: Programme
    timeline: list[Programme]  # earliest first; `programme` is one of them
    steps: list[PhaseStep]


def phase_timeline(programme: Programme) -> list[Programme]:
    """The chain of phases through `programme`, earliest first. A programme with several
    followers continues with the earliest-starting one (then by slug)."""
    earlier: list[Programme] = []
    step = programme.follows
    while step is not None and step not in earlier:  # the model's rules forbid cycles
        earlier.insert(0, step)
        step = step.follows
    chain = [*earlier, programme]
    while True:
        follower = (
            Programme.objects.filter(follows=chain[-1]).order_by("period_start", "slug").first()
        )
        if follower is None or follower in chain:
            return chain
        chain.append(follower)


def _latest_codes() -> dict[RegionKey, str]:
    return {
        (rename.region.country, rename.region.code): rename.new_code
        for rename in RegionRename.objects.select_related("region").exclude(new_code="")
    }


def _region_key(region: Region, renames: dict[RegionKey, str]) -> RegionKey:
    """The region's identity across renames: its country and latest code."""
    if not region.code:
        return ("pk", str(region.pk))
    code = region.code
    seen = {code}
    while (region.country, code) in renames and renames[(region.country, code)] not in seen:
        code = renames[(region.country, code)]
        seen.add(code)
    return (region.country, code)


def _fact_pairs(programme: Programme) -> list[PhasePair]:
    """The programme's sourced pairs: a proposal or an illustrative overlay is no phase fact."""
    pairings = (
        Pairing.objects.filter(programme=programme, illustrative=False)
        .exclude(status=Pairing.Status.PROPOSED)
        .select_related("donor__region", "recipient__region")
        .order_by("recipient__region__code", "donor__region__code")
    )
    return [PhasePair(p.donor, p.recipient) for p in pairings]


def compare_phases(earlier: Programme, later: Programme) -> PhaseStep:
    """Classify each pair of `earlier` against `later`:
    - carried over: the same donor and recipient region are paired in the later phase;
    - changed: its recipient has another donor in the later phase, or its donor another
      recipient that continues none of its own pairs (Beijing kept Shifang and gave up Longnan:
      Longnan ended, it did not change);
    - ended: otherwise.
    The later phase's pairs that continue no earlier pair are new."""
    renames = _latest_codes()

    def key(pair: PhasePair) -> tuple[RegionKey, RegionKey]:
        return (
            _region_key(pair.donor.region, renames),
            _region_key(pair.recipient.region, renames),
        )

    earlier_pairs = _fact_pairs(earlier)
    later_by_key = {key(pair): pair for pair in _fact_pairs(later)}
    carried_keys = {key(pair) for pair in earlier_pairs} & set(later_by_key)
    by_donor: dict[RegionKey, list[PhasePair]] = defaultdict(list)
    by_recipient: dict[RegionKey, list[PhasePair]] = defaultdict(list)
    for (donor, recipient), pair in later_by_key.items():
        by_recipient[recipient].append(pair)
        if (donor, recipient) not in carried_keys:
            by_donor[donor].append(pair)
    step = PhaseStep(earlier, later)
    continued = set(carried_keys)
    for pair in earlier_pairs:
        donor, recipient = key(pair)
        if (donor, recipient) in carried_keys:
            step.carried.append((pair, later_by_key[(donor, recipient)]))
            continue
        after = tuple(dict.fromkeys([*by_recipient[recipient], *by_donor[donor]]))
        if after:
            step.changed.append(PairChange(pair, after))
            continued |= {key(p) for p in after}
        else:
            step.ended.append(pair)
    step.new = [pair for k, pair in later_by_key.items() if k not in continued]
    return step


def phase_view(programme: Programme, *, can_see: Callable[[Programme], bool]) -> PhaseView:
    """The one computation behind the phase page and the phase endpoint. `can_see` keeps out
    the phases the reader may not view (their pairs are theirs to show): the timeline skips them
    and no step compares with them."""
    timeline = [phase for phase in phase_timeline(programme) if can_see(phase)]
    steps = [
        compare_phases(a, b)
        for a, b in pairwise(timeline)
        if b.follows_id == a.pk  # consecutive phases only, never across a hidden one
    ]
    return PhaseView(programme, timeline, steps)


def visible_phase_view(user: Any, programme: Programme) -> PhaseView:
    """The phase view as this user may see it: the phases of programmes they can view."""
    return phase_view(programme, can_see=lambda phase: permissions.can(user, Action.VIEW, phase))
