"""Finding a programme's participants by the region reference a user typed or a payload named."""

from django.utils.translation import gettext

from pairaid.errors import Problem, ValidationFailed
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
