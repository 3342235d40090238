"""Members through the API, as on the members page: coordinators create accounts and reset
passwords within their scope; e-mail and phone only for members with a role; the change history
for coordinators."""

import pytest
from tests.operations.helpers import ROLES, call

from pairaid.accounts.models import Membership, User

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"
NEW = {
    "username": "nina_nurse_lead",
    "email": "nina@example.org",
    "role": "recipient_officer",
    "region": "421100",
    "password": "a-good-long-passphrase-7",
}


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [201, 201, 403, 403, 403, 404, 401], strict=True))
)
def test_who_may_create_accounts(client, keys, role, expected):
    response = call(client, keys, role, "post", f"{BASE}/members", NEW)
    assert response.status_code == expected, response.content
    created = User.objects.filter(username="nina_nurse_lead").first()
    assert (created is not None) == (expected == 201)
    if created:
        membership = Membership.objects.get(user=created)
        assert (membership.role, membership.region.code) == ("recipient_officer", "421100")
        assert response.json()["region"] == "CN:421100"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"password": "123"}, "password"),
        ({"region": "370000"}, "region"),  # Shandong is no recipient
        ({"region": "999999"}, "region"),
        ({"role": "coordinator"}, "role"),  # made by administrators, in the admin
        ({"username": ""}, "username"),
        ({"username": "carol_coordinator"}, "username"),  # taken
    ],
)
def test_bad_accounts_are_refused_naming_the_field(client, keys, change, field):
    response = call(client, keys, "coordinator", "post", f"{BASE}/members", NEW | change)
    assert response.status_code == 400, response.content
    assert field in " ".join(response.json()["detail"])
    assert not User.objects.filter(username="nina_nurse_lead").exists()


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True))
)
def test_email_only_for_members_with_a_role(client, keys, role, expected):
    response = call(client, keys, role, "get", f"{BASE}/members")
    assert response.status_code == expected
    if expected != 200:
        return
    members = {m["username"]: m for m in response.json()["items"]}
    rita = members["rita_huanggang"]
    assert (rita["role"], rita["region"]) == ("recipient_officer", "CN:421100")
    shown = "rita_huanggang@example.org" if role != "observer" else None
    assert rita["email"] == shown


@pytest.mark.parametrize(
    "role, target, expected",
    [
        ("admin", "recipient", 204),
        ("coordinator", "recipient", 204),
        ("coordinator", "admin", 404),  # no member of hubei-2020
        ("donor", "recipient", 403),
        ("observer", "recipient", 403),
        ("outsider", "recipient", 404),
        ("anonymous", "recipient", 401),
    ],
)
def test_who_may_reset_a_password(client, keys, people, role, target, expected):
    user = people[target]
    url = f"{BASE}/members/{user.pk}/password"
    response = call(client, keys, role, "post", url, {"password": "another-long-passphrase-9"})
    assert response.status_code == expected, response.content
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase-9") == (expected == 204)
    if expected == 204:  # the member's tokens end with the old password
        assert user.api_tokens.filter(revoked_at__isnull=True).count() == 0


def test_a_weak_new_password_is_refused(client, keys, people):
    url = f"{BASE}/members/{people['recipient'].pk}/password"
    response = call(client, keys, "coordinator", "post", url, {"password": "123"})
    assert response.status_code == 400 and "password" in " ".join(response.json()["detail"])


@pytest.mark.parametrize(
    "role, expected", list(zip(ROLES, [200, 200, 403, 403, 403, 404, 401], strict=True))
)
def test_the_change_history(client, keys, role, expected):
    call(client, keys, "coordinator", "post", f"{BASE}/date", {"programme_date": "2020-03-01"})
    response = call(client, keys, role, "get", f"{BASE}/history?page_size=5")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["count"] > 5 and len(body["items"]) == 5
        newest = body["items"][0]
        assert newest["who"] == "carol_coordinator"
        assert "programme_date: 2020-02-12 → 2020-03-01" in newest["details"]
