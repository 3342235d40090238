"""Coordinators create accounts and reset passwords within their scope; contacts are personal data;
the programme's change history can be browsed and exported."""

import pytest

from pairaid.accounts import services as account_services
from pairaid.accounts.models import Membership, User
from pairaid.programmes.models import Programme

pytestmark = pytest.mark.django_db
NEW = {
    "username": "nina_nurse_lead",
    "email": "nina@example.org",
    "role": "recipient_officer",
    "region": "421100",
    "password": "a-good-long-passphrase-7",
}


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 403),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_create_accounts(client, people, role, expected):
    client.force_login(people[role])
    response = client.post("/p/hubei-2020/members/", NEW)
    assert response.status_code == expected
    created = User.objects.filter(username="nina_nurse_lead").first()
    assert (created is not None) == (expected == 302)
    if created:
        membership = Membership.objects.get(user=created)
        assert (membership.role, membership.region.code) == ("recipient_officer", "421100")


def test_weak_passwords_and_wrong_regions_are_refused(client, people):
    client.force_login(people["coordinator"])
    response = client.post("/p/hubei-2020/members/", {**NEW, "password": "123"})
    assert (
        response.status_code == 400 and not User.objects.filter(username="nina_nurse_lead").exists()
    )
    response = client.post("/p/hubei-2020/members/", {**NEW, "region": "370000"})
    assert (
        response.status_code == 400 and "Shandong is not a recipient" in response.content.decode()
    )


def test_contacts_are_shown_to_members_with_a_role_not_to_observers(client, people):
    client.force_login(people["donor"])
    assert "rita_huanggang@example.org" in client.get("/p/hubei-2020/members/").content.decode()
    client.force_login(people["observer"])
    body = client.get("/p/hubei-2020/members/").content.decode()
    assert "rita_huanggang@example.org" not in body and "rita_huanggang" in body


def test_a_coordinator_resets_passwords_only_within_their_programmes(client, people):
    coordinator = people["coordinator"]
    assert account_services.may_manage_account(coordinator, people["donor"])
    # The outsider coordinates wenchuan-2008 only: out of scope for hubei's coordinator.
    assert not account_services.may_manage_account(coordinator, people["outsider"])
    # An officer also in another programme is out of scope too.
    account_services.grant(
        user=people["donor"], programme=Programme.objects.get(slug="wenchuan-2008"), role="observer"
    )
    assert not account_services.may_manage_account(coordinator, people["donor"])
    assert account_services.may_manage_account(people["admin"], people["donor"])
    client.force_login(coordinator)
    response = client.post(
        f"/p/hubei-2020/members/{people['recipient'].pk}/password",
        {"password": "another-long-passphrase-9"},
    )
    assert response.status_code == 302
    people["recipient"].refresh_from_db()
    assert people["recipient"].check_password("another-long-passphrase-9")
    refused = client.post(
        f"/p/hubei-2020/members/{people['donor'].pk}/password",
        {"password": "another-long-passphrase-9"},
    )
    assert refused.status_code == 403
    people["donor"].refresh_from_db()
    assert not people["donor"].check_password("another-long-passphrase-9")


def test_history_shows_who_changed_what(client, people):
    client.force_login(people["coordinator"])
    client.post("/p/hubei-2020/date", {"programme_date": "2020-03-01"})
    body = client.get("/p/hubei-2020/history/").content.decode()
    assert "carol_coordinator" in body and "programme_date: 2020-02-12 → 2020-03-01" in body
    csv_text = client.get("/p/hubei-2020/history/?format=csv").content.decode()
    assert csv_text.startswith("when,who,what,object,change,details")
    client.force_login(people["donor"])
    assert client.get("/p/hubei-2020/history/").status_code == 403


def test_user_command(people, capsys):
    import io
    import sys

    from django.core.management import call_command

    sys.stdin = io.StringIO("a-good-long-passphrase-7\n")
    try:
        call_command("user", "create", "zoe_admin", "--admin", "--password-stdin")
    finally:
        sys.stdin = sys.__stdin__
    assert User.objects.get(username="zoe_admin").is_platform_admin
    call_command("user", "grant", "zoe_admin", "hubei-2020", "donor_officer", "--region", "430000")
    call_command("user", "list")
    out = capsys.readouterr().out
    assert "donor_officer@hubei-2020:Hunan (430000)" in out
    call_command("user", "revoke", "zoe_admin", "hubei-2020", "donor_officer", "--region", "430000")
    assert not Membership.objects.filter(user__username="zoe_admin").exists()
