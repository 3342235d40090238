"""What a pair that ends leaves behind, and what each record needs: teams of the donor deployed
to the recipient to recall, the facilities they answer for and the contacts of both to hand
over, the recipient's open requests the donor pledged and has not yet met to re-pledge.

Computed, never stored: the plan's approval page asks it of the pairs a plan would end, the
pages and the dashboard of the pairs ended by an approved plan that are not in force again.
A flag clears by itself when its condition no longer holds (the deployment ends, the pledge is
met or cancelled, the request is closed, the pair is in force again).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from pairaid.labels import local_name
from pairaid.operations.models import Contact, Deployment, Pledge, Request
from pairaid.operations.queries.requests import pledges_left_to_fulfil
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Participant, Programme

Pair = tuple[int, int]  # (donor participant id, recipient participant id)


class Need(TextChoices):
    """What a record left by an ended pair needs."""

    RECALL = "recall", _("recall")
    HAND_OVER = "hand_over", _("hand over")
    RE_PLEDGE = "re_pledge", _("re-pledge")


class Kind(TextChoices):
    TEAM = "team", _("team")
    FACILITY = "facility", _("facility")
    REQUEST = "request", _("open request")
    CONTACT = "contact", _("contact")


NEEDS = {Kind.TEAM: Need.RECALL, Kind.FACILITY: Need.HAND_OVER, Kind.CONTACT: Need.HAND_OVER}
NEEDS[Kind.REQUEST] = Need.RE_PLEDGE


@dataclass(frozen=True)
class LooseEnd:
    """One record an ended pair leaves behind, and what it needs."""

    kind: Kind
    record: Any
    donor: Any  # the donor Participant
    recipient: Any  # the recipient Participant

    @property
    def need(self) -> Need:
        return NEEDS[self.kind]

    @property
    def label(self) -> str:
        """The record's name as its page shows it."""
        if self.kind == Kind.REQUEST:
            return f"#{self.record.number}"
        return str(self.record.name)


def loose_ends(programme: Programme, pairs: Iterable[Pair]) -> list[LooseEnd]:
    """The teams, facilities, open requests and contacts the given pairs leave behind."""
    wanted = set(pairs)
    if not wanted:
        return []
    deployments = [
        d
        for d in Deployment.objects.filter(team__programme=programme)
        .exclude(status=Deployment.Status.ENDED)
        .select_related("team__donor__region", "recipient__region", "facility")
        if (d.team.donor_id, d.recipient_id) in wanted
    ]
    found = _once(
        LooseEnd(Kind.TEAM, d.team, d.team.donor, d.recipient) for d in deployments
    ) + _once(
        LooseEnd(Kind.FACILITY, d.facility, d.team.donor, d.recipient)
        for d in deployments
        if d.facility is not None
    )
    found += _requests(programme, wanted)
    found += _contacts(programme, found)
    return found


def _once(ends: Iterable[LooseEnd]) -> list[LooseEnd]:
    """One entry per record (a team deployed twice to the recipient is recalled once)."""
    seen: dict[Any, LooseEnd] = {}
    for end in ends:
        seen.setdefault(end.record.pk, end)
    return sorted(seen.values(), key=lambda end: (end.recipient.pk, end.label))


def _requests(programme: Programme, wanted: set[Pair]) -> list[LooseEnd]:
    left = pledges_left_to_fulfil(programme)
    pledges = Pledge.objects.filter(
        pk__in=left, line__request__status=Request.Status.OPEN
    ).select_related("donor__region", "line__request__recipient__region")
    return _once(
        LooseEnd(Kind.REQUEST, p.line.request, p.donor, p.line.request.recipient)
        for p in pledges
        if (p.donor_id, p.line.request.recipient_id) in wanted
    )


def _contacts(programme: Programme, found: list[LooseEnd]) -> list[LooseEnd]:
    """The contacts of the teams to recall and the facilities to hand over."""
    teams = {e.record.pk: e for e in found if e.kind == Kind.TEAM}
    facilities = {e.record.pk: e for e in found if e.kind == Kind.FACILITY}
    contacts = Contact.objects.filter(programme=programme).filter(
        team_id__in=teams
    ) | Contact.objects.filter(programme=programme, facility_id__in=facilities)
    return _once(
        LooseEnd(Kind.CONTACT, c, end.donor, end.recipient)
        for c in contacts
        for end in [teams.get(c.team_id) or facilities[c.facility_id]]
    )


def ended_pairs(programme: Programme) -> set[Pair]:
    """Pairs an approved plan ended that are not in force again (nor due to start)."""
    ended = set(
        Pairing.objects.filter(programme=programme, superseded_by__isnull=False)
        .filter(status=Pairing.Status.ENDED)
        .values_list("donor_id", "recipient_id")
    )
    still = set(
        Pairing.objects.filter(programme=programme).open().values_list("donor_id", "recipient_id")
    )
    return ended - still


def flags(programme: Programme) -> list[LooseEnd]:
    """The records left behind by the pairs approved plans ended, each with what it needs."""
    return loose_ends(programme, ended_pairs(programme))


def flags_of(programme: Programme, kind: Kind) -> dict[int, LooseEnd]:
    """The flags on one kind of record, by its id (for its page)."""
    return {end.record.pk: end for end in flags(programme) if end.kind == kind}


@dataclass(frozen=True)
class Changes:
    """What a decision on the plan changes: the pairs that start and end (names in the active
    language), and what the ending pairs leave behind."""

    starting: list[tuple[str, str]]
    ending: list[tuple[str, str]]
    loose_ends: list[LooseEnd]

    def needing(self, need: Need) -> list[LooseEnd]:
        return [end for end in self.loose_ends if end.need == need]


def changes(programme: Programme, starting: set[Pair], ending: set[Pair]) -> Changes:
    """The changes of an approval or a revert, ready to show before it is confirmed."""
    ids = {pid for pair in starting | ending for pid in pair}
    participants = {
        p.pk: local_name(p.region)
        for p in Participant.objects.filter(pk__in=ids).select_related("region")
    }

    def named(pairs: set[Pair]) -> list[tuple[str, str]]:
        return sorted((participants[d], participants[r]) for d, r in pairs)

    return Changes(named(starting), named(ending), loose_ends(programme, ending))
