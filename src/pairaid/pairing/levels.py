"""Pairs at several levels: a child pairing sits inside a parent pairing of the same programme
(Guangdong's Zhuhai took Mianchi town inside Guangdong → Wenchuan county).

The nesting rule is written here once, over any kind of region key (a `Region`'s id for the
models and services, a region reference for the bundle loader), and every path that makes a
child pairing asks it: the model's `clean`, `services.create_pairing`, a child-level plan run
and the bundle validator. The roll-up (a parent's figures are its own plus its children's) is
here too, so that every page sums the same way and counts a child's money once.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from django.utils.translation import gettext

from pairaid.labels import local_name
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Participant
from pairaid.registry.models import Region

K = TypeVar("K", bound=Hashable)

# A region hierarchy is a handful of levels deep; a longer chain is a cycle in the data.
MAX_DEPTH = 12


def lies_within(place: K, ancestor: K, parent_of: Callable[[K], K | None]) -> bool:
    """Whether `place` is `ancestor` or lies below it in the region hierarchy."""
    node: K | None = place
    for _ in range(MAX_DEPTH):
        if node is None:
            return False
        if node == ancestor:
            return True
        node = parent_of(node)
    return False


@dataclass(frozen=True)
class Side(Generic[K]):
    """One end of a pairing as the nesting rule sees it: its region and its name for messages."""

    region: K
    name: str


@dataclass(frozen=True)
class Period:
    valid_from: datetime.date | None
    valid_to: datetime.date | None


def nesting_problems(
    *,
    donor: Side[K],
    recipient: Side[K],
    period: Period,
    parent_donor: Side[K],
    parent_recipient: Side[K],
    parent_period: Period,
    parent_of: Callable[[K], K | None],
) -> list[tuple[str, str]]:
    """Why a pairing may not sit inside its parent, as (field, message); empty: it may.

    The child's donor lies inside the parent's donor region (the same region or one below it),
    and its recipient inside the parent's recipient region; it keeps within the parent's period
    (it starts no earlier and ends no later: it ends when the parent ends)."""
    problems: list[tuple[str, str]] = []
    if (donor.region, recipient.region) == (parent_donor.region, parent_recipient.region):
        problems.append(("parent", gettext("a pairing cannot sit inside the same pair")))
    if not lies_within(donor.region, parent_donor.region, parent_of):
        problems.append(
            (
                "donor",
                gettext("%(child)s does not lie inside %(parent)s, the parent pairing's donor")
                % {"child": donor.name, "parent": parent_donor.name},
            )
        )
    if not lies_within(recipient.region, parent_recipient.region, parent_of):
        problems.append(
            (
                "recipient",
                gettext("%(child)s does not lie inside %(parent)s, the parent pairing's recipient")
                % {"child": recipient.name, "parent": parent_recipient.name},
            )
        )
    problems += _period_problems(period, parent_period)
    return problems


def _period_problems(period: Period, parent: Period) -> list[tuple[str, str]]:
    problems = []
    if parent.valid_from and (period.valid_from is None or period.valid_from < parent.valid_from):
        problems.append(
            (
                "valid_from",
                gettext("starts before its parent pairing (from %(date)s)")
                % {"date": parent.valid_from.isoformat()},
            )
        )
    if parent.valid_to and (period.valid_to is None or period.valid_to > parent.valid_to):
        problems.append(
            (
                "valid_to",
                gettext("ends after its parent pairing (to %(date)s): a child ends with it")
                % {"date": parent.valid_to.isoformat()},
            )
        )
    return problems


def descendants(parent_of_pairing: Mapping[int, int | None]) -> dict[int, set[int]]:
    """Each pairing's children (and theirs), from a map pairing -> its parent pairing."""
    children: dict[int, list[int]] = defaultdict(list)
    for pairing, parent in parent_of_pairing.items():
        if parent is not None:
            children[parent].append(pairing)
    found: dict[int, set[int]] = {}
    for pairing in parent_of_pairing:
        below: set[int] = set()
        stack = list(children.get(pairing, []))
        while stack:
            child = stack.pop()
            if child not in below and child != pairing:
                below.add(child)
                stack.extend(children.get(child, []))
        found[pairing] = below
    return found


def rolled_up(
    parent_of_pairing: Mapping[int, int | None], own: Mapping[int, Decimal]
) -> dict[int, Decimal]:
    """Each pairing's figure with its children's added: a parent shows the sum of its family,
    each child's figure counted once in it. Sum the top-level pairings (no parent) for a
    programme total; summing every pairing's rolled-up figure would count children twice."""
    below = descendants(parent_of_pairing)
    zero = Decimal(0)
    return {
        pairing: own.get(pairing, zero) + sum((own.get(c, zero) for c in below[pairing]), zero)
        for pairing in parent_of_pairing
    }


def top_level(pairs: Iterable[tuple[int, int | None]]) -> list[int]:
    """The pairings of the programme's own level, from (pairing, parent) rows."""
    return [pairing for pairing, parent in pairs if parent is None]


def region_parent(region_id: int) -> int | None:
    """A region's parent's id (one small query; a chain is a handful of levels deep)."""
    return Region.objects.filter(pk=region_id).values_list("parent_id", flat=True).first()


def pairing_problems(
    *,
    programme_id: int,
    donor: Participant,
    recipient: Participant,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    parent: Pairing,
) -> list[tuple[str, str]]:
    """The nesting rule for database rows: a child pairing of `parent` with these sides."""
    if parent.programme_id != programme_id:
        return [("parent", gettext("the parent pairing belongs to another programme"))]

    def side(participant: Participant) -> Side[int]:
        return Side(participant.region_id, local_name(participant.region))

    return nesting_problems(
        donor=side(donor),
        recipient=side(recipient),
        period=Period(valid_from, valid_to),
        parent_donor=side(parent.donor),
        parent_recipient=side(parent.recipient),
        parent_period=Period(parent.valid_from, parent.valid_to),
        parent_of=region_parent,
    )


def region_parents() -> dict[int, int | None]:
    """Every region's parent id, in one query: the hierarchy the child level is read from."""
    return dict(Region.objects.values_list("pk", "parent_id"))


def below(
    side: Participant, candidates: Iterable[Participant], parents: Mapping[int, int | None]
) -> list[Participant]:
    """The candidates at the child level of one side of a parent pairing: those whose region
    lies strictly below the side's region, or the side itself where none does (Guangdong takes
    towns itself where none of its cities is a participant). A region planned with its own
    parts would count its need or capacity twice."""
    inside = [
        c
        for c in candidates
        if c.region_id != side.region_id and lies_within(c.region_id, side.region_id, parents.get)
    ]
    return inside or [c for c in candidates if c.pk == side.pk]


@dataclass(frozen=True)
class FamilyRow:
    """A pairing's figures on a page: its own, and its total with its children's (the roll-up).
    `depth` 0 is the programme's own level, 1 a child inside the row above it."""

    pairing: Pairing
    depth: int
    own: dict[str, Decimal]
    total: dict[str, Decimal]


def family_rows(
    programme_id: int, own: Mapping[int, Mapping[str, Decimal]], kinds: Iterable[str]
) -> list[FamilyRow]:
    """The one roll-up every page and endpoint showing pairing figures uses: the programme's
    pairings of record whose family has a figure, each parent followed by its children, with
    each figure kind (`kinds`, e.g. budget, disbursed) summed over the family by `rolled_up`.
    A programme total is the sum of the depth-0 rows' totals: each child counted once."""
    pairings = {
        p.pk: p
        for p in Pairing.objects.filter(programme_id=programme_id)
        .of_record()
        .select_related("donor__region__parent", "recipient__region__parent")
    }
    parent_of = {pk: p.parent_id for pk, p in pairings.items()}
    kinds = list(kinds)
    zero = Decimal(0)
    totals = {
        kind: rolled_up(parent_of, {pk: row.get(kind, zero) for pk, row in own.items()})
        for kind in kinds
    }
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk in pairings:  # the model's order: by recipient, then donor
        children[parent_of[pk]].append(pk)
    rows: list[FamilyRow] = []

    def visit(pk: int, depth: int) -> None:
        total = {kind: totals[kind][pk] for kind in kinds}
        if not any(total.values()):
            return
        mine = {kind: own.get(pk, {}).get(kind, zero) for kind in kinds}
        rows.append(FamilyRow(pairings[pk], depth, mine, total))
        for child in children.get(pk, []):
            visit(child, depth + 1)

    for pk in children[None]:
        visit(pk, 0)
    return rows


def pairing_of_pairs(programme_id: int) -> dict[tuple[int, int], int]:
    """(donor participant, recipient participant) -> the pair's pairing of record (the latest,
    where the pair was decided more than once): how ledger rows, which name a pair, find the
    pairing their money rolls up through."""
    found: dict[tuple[int, int], int] = {}
    rows = (
        Pairing.objects.filter(programme_id=programme_id)
        .of_record()
        .order_by("valid_from", "pk")
        .values_list("donor_id", "recipient_id", "pk")
    )
    for donor, recipient, pk in rows:
        found[(donor, recipient)] = pk
    return found


def child_level_participants(programme_id: int) -> set[int]:
    """The participants that take part only at the child level: in child pairings of record and
    in none of the programme's own level (Zhuhai, inside Guangdong → Wenchuan). The programme's
    own-level plans and per-donor rules leave them out: their aid is their parent's."""
    rows = (
        Pairing.objects.filter(programme_id=programme_id)
        .of_record()
        .values_list("donor_id", "recipient_id", "parent_id")
    )
    child: set[int] = set()
    own: set[int] = set()
    for donor, recipient, parent in rows:
        (own if parent is None else child).update((donor, recipient))
    return child - own


def participant_counts(programme_id: int) -> dict[tuple[str, bool], int]:
    """The programme's participants counted by (role, whether only at the child level). A
    coordinator counts the programme's own donors and recipients; a city giving inside its
    province's pair (`child_level_participants`) is not one more donor of the programme."""
    child_level = child_level_participants(programme_id)
    counts: dict[tuple[str, bool], int] = defaultdict(int)
    rows = Participant.objects.filter(programme_id=programme_id).values_list("pk", "role")
    for pk, role in rows:
        counts[role, pk in child_level] += 1
    return counts


def _donor_rows(programme_id: int) -> list[tuple[int, int, int | None]]:
    """(pairing, its donor, its parent pairing) for the programme's pairings of record."""
    return list(
        Pairing.objects.filter(programme_id=programme_id)
        .of_record()
        .values_list("pk", "donor_id", "parent_id")
    )


def donor_parents(programme_id: int) -> dict[int, int | None]:
    """Each donor of the programme's pairings of record -> the donor it gives through: its
    parent pairing's donor where it takes part only at the child level (Zhuhai -> Guangdong),
    None at the programme's own level. Per-donor figures (the league table) roll up over this
    with `rolled_up` and `descendants`, as pairing figures do over the pairings."""
    rows = _donor_rows(programme_id)
    donor_of = {pk: donor for pk, donor, _ in rows}
    child_only = child_level_participants(programme_id)
    found: dict[int, int | None] = dict.fromkeys(donor_of.values())
    for _, donor, parent in rows:
        above = donor_of.get(parent) if parent is not None else None
        if above is not None and donor in child_only and above != donor:
            found[donor] = above
    return found


def giving_through(programme_id: int, donor_id: int) -> set[int]:
    """The donor and the donors of the child pairings inside its pairings (and theirs): whose
    aid is the donor's own for a per-donor figure such as its contribution. Each child donor
    counts under its parent's donor once; it never has a check of its own."""
    rows = _donor_rows(programme_id)
    parent_of = {pk: parent for pk, _, parent in rows}
    below = descendants(parent_of)
    donor_of = {pk: donor for pk, donor, _ in rows}
    found = {donor_id}
    for pk, donor, _ in rows:
        if donor == donor_id:
            found |= {donor_of[child] for child in below[pk]}
    return found


def problems_of(pairing: Pairing, parent: Pairing) -> list[tuple[str, str]]:
    """The nesting rule for a pairing row, as a child of `parent`."""
    return pairing_problems(
        programme_id=pairing.programme_id,
        donor=pairing.donor,
        recipient=pairing.recipient,
        valid_from=pairing.valid_from,
        valid_to=pairing.valid_to,
        parent=parent,
    )
