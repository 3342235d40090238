"""Contacts of participants, teams and facilities, and who may read their details: a phone
number and an e-mail address are personal data (`Action.VIEW_CONTACTS`), shown to members with a
role, not to observers. The page and the API both read them here."""

from typing import Any

from django.db.models import QuerySet

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.operations.models import Contact
from pairaid.programmes.models import Participant, Programme

# A donor's contacts are kept by who manages its teams, a recipient's by who manages its
# facilities.
KEPT_BY: dict[str, Action] = {
    Participant.Role.DONOR: Action.MANAGE_TEAMS,
    Participant.Role.RECIPIENT: Action.MANAGE_FACILITIES,
}


def contacts(programme: Programme) -> QuerySet[Contact]:
    """The programme's contacts in the model's order (participant, team, facility, name)."""
    return Contact.objects.filter(programme=programme).select_related(
        "participant__region__parent", "team__donor", "facility__recipient"
    )


def shows_details(user: Any, programme: Programme) -> bool:
    """Whether the user may read the contacts' phone numbers and e-mail addresses."""
    return permissions.can(user, Action.VIEW_CONTACTS, programme)


def keeper_of(contact: Contact) -> Participant:
    """The participant whose officers keep a contact: its own, its team's donor or its
    facility's recipient."""
    if contact.team is not None:
        return contact.team.donor
    if contact.facility is not None:
        return contact.facility.recipient
    assert contact.participant is not None  # a contact belongs to one of the three
    return contact.participant


def check_keeper(user: Any, programme: Programme, contact: Contact) -> None:
    """Refuse (403) a user who may not keep the contact's participant's contacts."""
    keeper = keeper_of(contact)
    permissions.check(user, KEPT_BY[keeper.role], programme, keeper.region_id)


def can_keep(user: Any, programme: Programme, contact: Contact) -> bool:
    """Whether the user keeps the contact's participant's contacts (the page offers an edit)."""
    keeper = keeper_of(contact)
    return permissions.can(user, KEPT_BY[keeper.role], programme, keeper.region_id)
