"""Contacts of a participant, team or facility (personal data: see `Action.VIEW_CONTACTS`).
Each use case is one transaction; history records who and when."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pairaid import edits
from pairaid.errors import Problem, ValidationFailed
from pairaid.operations.models import Contact, Facility, Team
from pairaid.programmes.models import Participant, Programme
from pairaid.validation import created


@transaction.atomic
def add_contact(
    *,
    programme: Programme,
    name: str,
    role: str,
    phone: str = "",
    email: str = "",
    participant: Participant | None = None,
    team: Team | None = None,
    facility: Facility | None = None,
) -> Any:
    if sum(x is not None for x in (participant, team, facility)) != 1:
        raise ValidationFailed(
            [Problem(gettext("a contact belongs to one participant, team or facility"))]
        )
    return created(
        Contact,
        programme=programme,
        participant=participant,
        team=team,
        facility=facility,
        name=name,
        role=role,
        phone=phone,
        email=email,
    )


def edit_contact(
    *, contact: Contact, seen: int, name: str, role: str, phone: str, email: str
) -> Contact:
    """Correct a contact's name, role, phone or e-mail, made from version `seen`."""
    return edits.save_edit(
        contact,
        seen=seen,
        changes={"name": name, "role": role, "phone": phone, "email": email},
    )
