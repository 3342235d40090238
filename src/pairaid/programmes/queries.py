"""Finding a programme's participants by the region reference a user typed or a payload named,
and naming them for a person to pick."""

from typing import NamedTuple

from django.utils.translation import gettext

from pairaid.errors import Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.programmes.models import Participant, Programme
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
