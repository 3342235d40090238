"""Contacts through the pages: personal data only for members with a role."""

import pytest
from tests.operations.helpers import pk

from pairaid.operations.models import Contact

pytestmark = pytest.mark.django_db


def test_contacts_hide_personal_data_from_observers(client, people):
    client.force_login(people["recipient"])
    response = client.post(
        "/p/hubei-2020/contacts/",
        {
            "participant": pk("421100"),
            "name": "Li Wei",
            "role": "health commission liaison",
            "phone": "+86 713 000 0000",
            "email": "li@example.org",
        },
    )
    assert response.status_code == 302 and Contact.objects.count() == 1
    assert "+86 713 000 0000" in client.get("/p/hubei-2020/contacts/").content.decode()
    client.force_login(people["observer"])
    body = client.get("/p/hubei-2020/contacts/").content.decode()
    assert "Li Wei" in body and "+86 713" not in body and "li@example.org" not in body
    assert (
        client.post(
            "/p/hubei-2020/contacts/", {"participant": pk("421100"), "name": "X", "role": "Y"}
        ).status_code
        == 403
    )
