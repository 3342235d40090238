"""Finding a programme's participants by the region reference a user typed or a payload named,
and naming them for a person to pick."""

from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext

from pairaid.errors import Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.programmes.models import Cluster, Participant, Programme
from pairaid.registry import references


def participant(programme: Programme, text: str, *, role: str, field: str = "") -> Participant:
    """The programme's participant of `role` whose region `text` names (full or short form).
    ValidationFailed, naming `field`, if the text is no reference or names no such participant."""
    reference = references.parse(text, field=field)
    found = list(
        programme.participants.filter(reference.matches("region__"), role=role).select_related(
            "region__parent"
        )[:2]
    )
    if len(found) == 1:
        return found[0]
    message = (
        gettext("%(reference)s is not a %(role)s of %(programme)s")
        if not found
        else gettext("%(reference)s names several %(role)ss of %(programme)s: give its country")
    )
    raise ValidationFailed(
        [
            Problem(
                message % {"reference": reference, "role": role, "programme": programme.slug},
                column=field,
            )
        ]
    )


def recipients(programme: Programme, texts: list[str], *, field: str) -> list[Participant]:
    """The programme's recipients that `texts` name (references), in order; every reference
    that names none is a problem of `field`, all of them said at once."""
    found, problems = [], []
    for text in texts:
        try:
            found.append(participant(programme, text, role=Participant.Role.RECIPIENT, field=field))
        except ValidationFailed as failure:
            problems += failure.problems
    if problems:
        raise ValidationFailed(problems)
    return found


class NamedParticipant(NamedTuple):
    reference: str  # the region's short reference (its code): what a form sends, what the API takes
    name: str  # in the active language: what a person reads
    role: str


def named_participants(programme: Programme) -> list[NamedParticipant]:
    """The programme's participants, by name in the active language (one query): the choices of
    every picker that names a participant, valued by the reference the services take."""
    participants = programme.participants.select_related("region__parent")
    named = [
        NamedParticipant(p.region.as_reference().short, local_name(p.region), p.role)
        for p in participants
    ]
    return sorted(named, key=lambda item: (item.name, item.reference))


def clusters(programme: Programme) -> QuerySet[Cluster]:
    """The programme's clusters by name, with their recipients' regions."""
    return programme.clusters.order_by("name").prefetch_related(
        "members__recipient__region__parent"
    )
