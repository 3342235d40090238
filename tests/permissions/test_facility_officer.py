"""The permission matrix of the facility officer (issue 19): it files its own facility's bed
reports, through the API, the facilities page and the workbook, and changes nothing else; it
reads the programme like an officer."""

import datetime

import pytest
from tests.operations.helpers import book, call, participant, post

from pairaid.accounts import permissions, tokens
from pairaid.accounts import services as account_services
from pairaid.accounts.models import Membership, User
from pairaid.accounts.permissions import Action
from pairaid.errors import ValidationFailed
from pairaid.operations.models import Facility, FacilitySnapshot, Request
from pairaid.operations.services import facilities as facility_services
from pairaid.registry.models import Region

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"
BEDS = {"beds": {"general": {"open": 800, "occupied": 750}}}


@pytest.fixture
def hospitals(hubei):  # type: ignore[no-untyped-def]
    """Two hospitals in Huanggang and one in Xiaogan."""
    return {
        name: facility_services.register_facility(
            recipient=participant(code), name=name, beds={"general": 800}
        )
        for code, name in (
            ("421100", "Huanggang Central Hospital"),
            ("421100", "Huanggang Infectious Disease Hospital"),
            ("420900", "Xiaogan Central Hospital"),
        )
    }


@pytest.fixture
def fiona(hubei, hospitals):  # type: ignore[no-untyped-def]
    """Fiona reports the beds of Huanggang Central Hospital."""
    user = User.objects.create_user("fiona_facility", "fiona@example.org", "a-long-password-1")
    account_services.grant(
        user=user,
        programme=hubei,
        role=Membership.Role.FACILITY_OFFICER,
        facility=hospitals["Huanggang Central Hospital"],
    )
    return user


@pytest.fixture
def fiona_key(fiona):  # type: ignore[no-untyped-def]
    return {"fiona": tokens.create(owner=fiona, name="t")[1]}


def snapshot_url(facility: Facility) -> str:
    return f"{BASE}/facilities/{facility.pk}/snapshots"


def test_the_membership_takes_its_facilitys_region(fiona):
    membership = fiona.memberships.get()
    assert membership.region == Region.objects.get(code="421100")
    assert membership.facility.name == "Huanggang Central Hospital"


def test_it_reports_its_own_facility_through_the_api(client, fiona_key, hospitals):
    own = hospitals["Huanggang Central Hospital"]
    response = call(client, fiona_key, "fiona", "post", snapshot_url(own), BEDS)
    assert response.status_code == 201, response.content
    assert FacilitySnapshot.objects.filter(facility=own).count() == 1


@pytest.mark.parametrize(
    "name", ["Huanggang Infectious Disease Hospital", "Xiaogan Central Hospital"]
)
def test_it_may_not_report_another_facility_even_in_its_region(client, fiona_key, hospitals, name):
    response = call(client, fiona_key, "fiona", "post", snapshot_url(hospitals[name]), BEDS)
    assert response.status_code == 403
    assert not FacilitySnapshot.objects.exists()


def test_it_changes_nothing_else_through_the_api(client, fiona_key, hospitals):
    own = hospitals["Huanggang Central Hospital"]
    refused = {
        "raise a request": call(
            client,
            fiona_key,
            "fiona",
            "post",
            f"{BASE}/requests",
            {"recipient": "421100", "lines": [{"resource_type": "n95_mask", "quantity": "1"}]},
        ),
        "register a facility": call(
            client,
            fiona_key,
            "fiona",
            "post",
            f"{BASE}/facilities",
            {"recipient": "421100", "name": "Another hospital"},
        ),
        "edit its facility": call(
            client,
            fiona_key,
            "fiona",
            "patch",
            f"{BASE}/facilities/{own.pk}",
            {"version": own.version, "name": "Renamed"},
        ),
    }
    assert {what: r.status_code for what, r in refused.items()} == dict.fromkeys(refused, 403)
    assert not Request.objects.exists()
    assert Facility.objects.count() == 3
    own.refresh_from_db()
    assert own.name == "Huanggang Central Hospital"


def test_it_reads_the_programme_like_an_officer(client, fiona_key, hospitals):
    own = hospitals["Huanggang Central Hospital"]
    assert call(client, fiona_key, "fiona", "get", f"{BASE}/facilities").status_code == 200
    assert call(client, fiona_key, "fiona", "get", snapshot_url(own)).status_code == 200


def test_the_facilities_page_offers_the_report_form_for_its_facility_only(client, fiona, hospitals):
    client.force_login(fiona)
    page = client.get("/p/hubei-2020/facilities/").content.decode()
    own, other = hospitals["Huanggang Central Hospital"], hospitals["Xiaogan Central Hospital"]
    assert f"/p/hubei-2020/facilities/{own.pk}/snapshot" in page
    assert f"/p/hubei-2020/facilities/{other.pk}/snapshot" not in page
    assert f"/p/hubei-2020/facilities/{own.pk}/edit" not in page  # reporting is not editing
    form = {"open_general": "800", "occupied_general": "790"}
    assert client.post(f"/p/hubei-2020/facilities/{own.pk}/snapshot", form).status_code == 302
    assert client.post(f"/p/hubei-2020/facilities/{other.pk}/snapshot", form).status_code == 403
    assert FacilitySnapshot.objects.get().facility == own


def test_the_workbook_files_its_facility_and_refuses_another(client, fiona, hospitals):
    client.force_login(fiona)

    def row(code: str, name: str) -> list[object]:
        return [code, name, "2020-02-13 11:30", 800, 700, None, None, None, None, None, None]

    refused = post(client, book(bed_reports=[row("420900", "Xiaogan Central Hospital")]))
    assert refused.status_code == 400
    assert "Xiaogan Central Hospital" in refused.content.decode()
    filed = post(client, book(bed_reports=[row("421100", "Huanggang Central Hospital")]))
    assert filed.status_code == 302
    report = FacilitySnapshot.objects.get()
    assert report.facility == hospitals["Huanggang Central Hospital"]
    assert report.date == datetime.date(2020, 2, 13)


def test_the_recipients_officer_still_reports_every_facility_of_its_region(
    client, people, hospitals
):
    standing = permissions.access(
        people["recipient"], hospitals["Xiaogan Central Hospital"].programme
    )
    huanggang = Region.objects.get(code="421100").pk
    for name in ("Huanggang Central Hospital", "Huanggang Infectious Disease Hospital"):
        assert standing.can(Action.REPORT_BEDS, huanggang, hospitals[name].pk)
    xiaogan = hospitals["Xiaogan Central Hospital"]
    assert not standing.can(Action.REPORT_BEDS, xiaogan.recipient.region_id, xiaogan.pk)


def test_a_facility_officers_standing(fiona, hospitals):
    own = hospitals["Huanggang Central Hospital"]
    standing = permissions.access(fiona, own.programme)
    huanggang = own.recipient.region_id
    assert standing.can(Action.VIEW) and standing.can(Action.VIEW_CONTACTS)
    assert standing.may_write  # it files reports, so an upload is read
    assert standing.can(Action.REPORT_BEDS, huanggang, own.pk)
    # Its region is recorded, but grants none of a recipient officer's actions.
    for action in (
        Action.RAISE_REQUEST,
        Action.MANAGE_FACILITIES,
        Action.CONFIRM_RECEIPT,
        Action.EDIT_NEED,
    ):
        assert not standing.can(action, huanggang, own.pk), action
    assert not standing.can(Action.REPORT_BEDS, huanggang)  # no facility named: no
    assert not standing.can(Action.MANAGE_ACCOUNTS)


def test_granting_a_facility_officer_checks_its_facility(hubei, hospitals):
    user = User.objects.create_user("frank", "frank@example.org", "a-long-password-1")
    xiaogan = hospitals["Xiaogan Central Hospital"]
    with pytest.raises(ValidationFailed, match="needs a facility"):
        account_services.grant(user=user, programme=hubei, role="facility_officer")
    with pytest.raises(ValidationFailed, match="lies in Xiaogan"):
        account_services.grant(
            user=user,
            programme=hubei,
            role="facility_officer",
            facility=xiaogan,
            region=Region.objects.get(code="421100"),
        )
    with pytest.raises(ValidationFailed, match="has no facility"):
        account_services.grant(
            user=user,
            programme=hubei,
            role="recipient_officer",
            region=Region.objects.get(code="420900"),
            facility=xiaogan,
        )
    # One user may report for two facilities of one region.
    for name in ("Huanggang Central Hospital", "Huanggang Infectious Disease Hospital"):
        account_services.grant(
            user=user, programme=hubei, role="facility_officer", facility=hospitals[name]
        )
    assert user.memberships.count() == 2
    account_services.revoke(
        user=user,
        programme=hubei,
        role="facility_officer",
        facility=hospitals["Huanggang Central Hospital"],
    )
    assert [m.facility.name for m in user.memberships.all()] == [
        "Huanggang Infectious Disease Hospital"
    ]


def test_a_coordinator_creates_a_facility_officer_on_the_members_page(client, people, hospitals):
    own = hospitals["Huanggang Central Hospital"]
    client.force_login(people["coordinator"])
    page = client.get("/p/hubei-2020/members/").content.decode()
    assert "Huanggang Central Hospital" in page  # picked by name
    response = client.post(
        "/p/hubei-2020/members/",
        {
            "username": "hana_hospital",
            "email": "hana@example.org",
            "role": "facility_officer",
            "region": "",
            "facility": str(own.pk),
            "password": "a-long-password-1",
        },
    )
    assert response.status_code == 302, response.content.decode()
    membership = Membership.objects.get(user__username="hana_hospital")
    assert (membership.role, membership.facility, membership.region) == (
        "facility_officer",
        own,
        own.recipient.region,
    )


def test_the_members_api_creates_and_lists_a_facility_officer(client, people, hospitals):
    own = hospitals["Huanggang Central Hospital"]
    keys = {"coordinator": tokens.create(owner=people["coordinator"], name="t")[1]}
    body = {
        "username": "hana_hospital",
        "role": "facility_officer",
        "facility": own.pk,
        "password": "a-long-password-1",
    }
    made = call(client, keys, "coordinator", "post", f"{BASE}/members", body)
    assert made.status_code == 201, made.content
    assert made.json()["facility"] == own.pk and made.json()["region"] == "CN:421100"
    missing = call(
        client,
        keys,
        "coordinator",
        "post",
        f"{BASE}/members",
        body | {"username": "x", "facility": 0},
    )
    assert missing.status_code == 400 and "facility" in missing.content.decode()


def test_pairaid_user_grants_and_revokes_a_facility_officer_by_name(hospitals, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    User.objects.create_user("gao_hospital", "gao@example.org", "a-long-password-1")
    grant = ["user", "grant", "gao_hospital", "hubei-2020", "facility_officer", "--facility"]
    call_command(*grant, "Huanggang Central Hospital")
    call_command("user", "list")
    assert "Huanggang Central Hospital (facility" in capsys.readouterr().out
    membership = Membership.objects.get(user__username="gao_hospital")
    assert membership.facility == hospitals["Huanggang Central Hospital"]
    with pytest.raises(CommandError, match="no facility named 'Nowhere'"):
        call_command(*grant, "Nowhere")
    with pytest.raises(CommandError, match="needs a facility"):
        call_command("user", "grant", "gao_hospital", "hubei-2020", "facility_officer")
    xiaogan = hospitals["Xiaogan Central Hospital"]
    call_command(*grant, str(xiaogan.pk))  # by id
    call_command(
        "user",
        "revoke",
        "gao_hospital",
        "hubei-2020",
        "facility_officer",
        "--facility",
        "Huanggang Central Hospital",
    )
    assert [m.facility for m in Membership.objects.filter(user__username="gao_hospital")] == [
        xiaogan
    ]


def test_a_facility_with_an_officer_is_not_deleted_under_it(fiona, hospitals):
    from django.db.models import ProtectedError

    own = hospitals["Huanggang Central Hospital"]
    with pytest.raises(ProtectedError):
        own.delete()
    account_services.revoke(
        user=fiona, programme=own.programme, role="facility_officer", facility=own
    )
    own.delete()
