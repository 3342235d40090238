"""Contacts through the API: added by whom keeps the participant's contacts (a donor's: who
manages its teams; a recipient's: who manages its facilities), and their phone numbers and
e-mail addresses shown by the page's rule: to members with a role, not to observers."""

import pytest
from tests.operations.helpers import DONORS_WRITE, READ, RECIPIENTS_WRITE, ROLES, call, participant

from pairaid.operations.models import Contact
from pairaid.operations.services import contacts as contact_services

pytestmark = pytest.mark.django_db

URL = "/api/v1/programmes/hubei-2020/contacts"
LIAISON = {
    "recipient": "421100",
    "name": "Li Wei",
    "role": "health commission liaison",
    "phone": "+86 713 000 0000",
    "email": "li@example.org",
}


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_recipients_contact(client, keys, role):
    response = call(client, keys, role, "post", URL, LIAISON)
    assert response.status_code == RECIPIENTS_WRITE[role], response.content
    assert Contact.objects.count() == (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_donors_contact(client, keys, role):
    body = {"donor": "370000", "name": "Zhang Min", "role": "team liaison"}
    response = call(client, keys, role, "post", URL, body)
    assert response.status_code == DONORS_WRITE[role], response.content
    if response.status_code == 201:
        assert response.json()["participant"] == "CN:370000"


@pytest.fixture
def liaison(hubei):  # type: ignore[no-untyped-def]
    return contact_services.add_contact(
        programme=hubei,
        participant=participant("421100"),
        name="Li Wei",
        role="health commission liaison",
        phone="+86 713 000 0000",
        email="li@example.org",
    )


# Who reads the contact's details: every member with a role, not an observer.
DETAILS_SHOWN = {"admin": True, "coordinator": True, "donor": True, "recipient": True}


@pytest.mark.parametrize("role", ROLES)
def test_phone_and_email_only_for_members_with_a_role(client, keys, liaison, role):
    response = call(client, keys, role, "get", URL)
    assert response.status_code == READ[role]
    if response.status_code != 200:
        return
    [contact] = response.json()["items"]
    assert (contact["name"], contact["participant"]) == ("Li Wei", "CN:421100")
    if DETAILS_SHOWN.get(role):
        assert (contact["phone"], contact["email"]) == ("+86 713 000 0000", "li@example.org")
    else:
        assert (contact["phone"], contact["email"]) == (None, None)
        assert "+86 713" not in response.content.decode()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "X", "role": "Y"}, "donor"),  # whose contact?
        ({"donor": "370000", "recipient": "421100", "name": "X", "role": "Y"}, "donor"),
        (LIAISON | {"email": "not an address"}, "email"),
        (LIAISON | {"phone": "1" * 41}, "phone"),
        (LIAISON | {"name": ""}, "name"),
        (LIAISON | {"recipient": "999999"}, "recipient"),
        (LIAISON | {"recipient": "370000"}, "recipient"),  # a donor named as a recipient
    ],
)
def test_bad_contacts_are_refused_naming_the_field(client, keys, body, field):
    response = call(client, keys, "coordinator", "post", URL, body)
    assert response.status_code == 400, response.content
    assert field in " ".join(response.json()["detail"])
    assert Contact.objects.count() == 0


def test_contacts_are_paginated(client, keys, hubei):
    for number in range(51):
        contact_services.add_contact(
            programme=hubei, participant=participant("421100"), name=f"N{number:02}", role="r"
        )
    first = call(client, keys, "observer", "get", URL).json()
    last = call(client, keys, "observer", "get", f"{URL}?page=2&page_size=50").json()
    assert (first["count"], len(first["items"]), len(last["items"])) == (51, 50, 1)
    assert last["items"][0]["name"] == "N50"
