"""Contacts of participants, teams and facilities. Phone numbers and e-mail addresses are
personal data: the API shows them to whom the page shows them (`contact_queries.shows_details`),
and gives `null` to the others."""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pairaid import api_fields, api_versions
from pairaid.accounts import permissions
from pairaid.api_fields import Pages
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.operations.api.common import PAGE_SIZE, Rows, operation_id, participant
from pairaid.operations.models import Contact
from pairaid.operations.queries import contacts as contact_queries
from pairaid.operations.services import contacts as contact_services
from pairaid.programmes.models import Participant, Programme

router = Router(tags=["operations"])


class ContactIn(Schema):
    donor: str | None = Field(None, description="the donor's region reference, or")
    recipient: str | None = Field(None, description="the recipient's region reference")
    name: Annotated[str, api_fields.text(Contact, "name"), Field(min_length=1)]
    role: Annotated[str, api_fields.text(Contact, "role"), Field(min_length=1)]
    phone: Annotated[str, api_fields.text(Contact, "phone")] = ""
    email: Annotated[str, api_fields.text(Contact, "email")] = ""


class ContactOut(Schema):
    id: int
    version: int
    name: str
    role: str
    participant: str | None = Field(description="the participant's region reference, if its")
    team: int | None
    facility: int | None
    phone: str | None = Field(description="null unless the caller may see contact details")
    email: str | None = Field(description="null unless the caller may see contact details")
    illustrative: bool


def _contact_out(contact: Contact, details: bool) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "version": contact.version,
        "name": contact.name,
        "role": contact.role,
        "participant": contact.participant.region.reference if contact.participant else None,
        "team": contact.team_id,
        "facility": contact.facility_id,
        "phone": contact.phone if details else None,
        "email": contact.email if details else None,
        "illustrative": contact.illustrative,
    }


def _whose(programme: Programme, payload: ContactIn) -> Participant:
    """The participant a new contact belongs to, named in the field of its role (a region may
    be both a donor and a recipient of a programme)."""
    named = {
        role: reference
        for role, reference in (
            (Participant.Role.DONOR, payload.donor),
            (Participant.Role.RECIPIENT, payload.recipient),
        )
        if reference is not None
    }
    if len(named) != 1:
        raise ValidationFailed(
            [Problem("name the contact's donor or its recipient, not both", column="donor")]
        )
    [(role, reference)] = named.items()
    return participant(programme, reference, role)


@router.get(
    "/programmes/{slug}/contacts",
    response=list[ContactOut],
    summary="Contacts (phone and e-mail for members with a role, not observers)",
    operation_id=operation_id("list_contacts"),
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_contacts(request: HttpRequest, slug: str) -> Rows:
    programme = permissions.programme_for(request.user, slug)
    details = contact_queries.shows_details(request.user, programme)
    return Rows(contact_queries.contacts(programme), lambda contact: _contact_out(contact, details))


@router.post(
    "/programmes/{slug}/contacts",
    response={201: ContactOut},
    summary="Add a contact of a donor (its teams' managers) or recipient (its facilities')",
    operation_id=operation_id("add_contact"),
)
def add_contact(request: HttpRequest, slug: str, payload: ContactIn) -> Status:
    programme = permissions.programme_for(request.user, slug)
    found = _whose(programme, payload)
    permissions.check(request.user, contact_queries.KEPT_BY[found.role], programme, found.region_id)
    made = contact_services.add_contact(
        programme=programme,
        participant=found,
        name=payload.name,
        role=payload.role,
        phone=payload.phone,
        email=payload.email,
    )
    return Status(201, _contact_out(made, contact_queries.shows_details(request.user, programme)))


class ContactEdit(Schema):
    """A PATCH of a contact: the fields given change, the others stay."""

    name: Annotated[str, api_fields.text(Contact, "name"), Field(min_length=1)] | None = None
    role: Annotated[str, api_fields.text(Contact, "role"), Field(min_length=1)] | None = None
    phone: Annotated[str, api_fields.text(Contact, "phone")] | None = None
    email: Annotated[str, api_fields.text(Contact, "email")] | None = None


def _contact(programme: Programme, contact_id: int) -> Contact:
    found = contact_queries.contacts(programme).filter(pk=contact_id).first()
    if found is None:
        raise NotFound(f"no contact {contact_id} in {programme.slug}")
    return found


@router.get(
    "/programmes/{slug}/contacts/{contact_id}",
    response=ContactOut,
    summary="A contact, with its ETag (to edit it)",
    operation_id=operation_id("get_contact"),
)
def get_contact(
    request: HttpRequest, slug: str, contact_id: int, response: HttpResponse
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = _contact(programme, contact_id)
    api_versions.tagged(response, found)
    return _contact_out(found, contact_queries.shows_details(request.user, programme))


@router.patch(
    "/programmes/{slug}/contacts/{contact_id}",
    response=ContactOut,
    summary="Correct a contact's name, role, phone or e-mail (If-Match: its ETag)",
    operation_id=operation_id("edit_contact"),
)
def edit_contact(
    request: HttpRequest,
    slug: str,
    contact_id: int,
    payload: ContactEdit,
    response: HttpResponse,
    if_match: api_versions.IfMatch = None,
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = _contact(programme, contact_id)
    contact_queries.check_keeper(request.user, programme, found)
    fields = api_versions.patched(payload, found)
    edited = contact_services.edit_contact(
        contact=found, seen=api_versions.seen_version(if_match), **fields
    )
    api_versions.tagged(response, edited)
    details = contact_queries.shows_details(request.user, programme)
    return _contact_out(_contact(programme, edited.pk), details)
