"""The pages that edit a record in place (issue 17, item 4): each opens with the record's values
and its version, saves, refuses who may not edit it, and shows the second editor of a version
what changed while keeping their input."""

import datetime
import re
from decimal import Decimal

import pytest
from tests.operations.helpers import participant, pk, resource

from pairaid.operations.models import Contact, Facility, FacilityBeds, Request, Team
from pairaid.operations.services import contacts as contact_services
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme

pytestmark = pytest.mark.django_db

FACILITY = {
    "name": "Huanggang Central",
    "kind": "hospital",
    "beds_general": "480",
    "beds_icu": "20",
    "ventilators": "30",
}


def _version_on(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the edit form carries the version it was opened at"
    return found.group(1)


def test_a_facility_is_edited_from_its_page(client, people, hospital: Facility) -> None:  # type: ignore[no-untyped-def]
    url = f"/p/hubei-2020/facilities/{hospital.pk}/edit"
    opened = client.get(url)
    assert opened.status_code == 200
    assert _version_on(opened.content.decode()) == "1"
    assert 'value="940"' in opened.content.decode()  # its general beds
    saved = client.post(url, {**FACILITY, "name": hospital.name, "version": "1"})
    assert saved.status_code == 302
    general = FacilityBeds.objects.get(bed_type="general").beds
    assert (general, Facility.objects.get().version) == (480, 2)
    listed = client.get("/p/hubei-2020/facilities/").content.decode()
    assert url in listed  # the list offers the edit to who may make it


def test_the_second_editor_sees_what_changed_and_keeps_their_input(  # type: ignore[no-untyped-def]
    client, people, hospital: Facility
) -> None:
    url = f"/p/hubei-2020/facilities/{hospital.pk}/edit"
    first = {**FACILITY, "name": hospital.name, "ventilators": "40", "version": "1"}
    assert client.post(url, first).status_code == 302
    second = client.post(url, {**first, "ventilators": "35"})
    page = second.content.decode()
    assert second.status_code == 409
    assert "ventilators: 30 → 40" in page
    assert "rita_huanggang" in page  # who changed it
    assert 'value="35"' in page  # the second editor's value, kept
    assert _version_on(page) == "2"  # saving again is a decision with the change in view
    assert Facility.objects.get().ventilators == 40
    again = client.post(url, {**first, "ventilators": "35", "version": "2"})
    assert again.status_code == 302
    assert Facility.objects.get().ventilators == 35
    beds = {b.bed_type: b.beds for b in FacilityBeds.objects.all()}
    assert beds == {"general": 480, "icu": 20}  # the page's beds by type, saved with it


def test_a_bad_value_on_an_edit_page_is_named_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    client, people, hospital: Facility
) -> None:
    url = f"/p/hubei-2020/facilities/{hospital.pk}/edit"
    refused = client.post(url, {**FACILITY, "beds_icu": "-5", "version": "1"})
    assert refused.status_code == 400
    assert Facility.objects.get().version == 1
    forged = client.post(url, {**FACILITY, "version": "²"})
    assert forged.status_code == 400


@pytest.mark.parametrize("role", ["donor", "observer", "coordinator"])
def test_only_who_manages_the_facility_edits_it(  # type: ignore[no-untyped-def]
    client, people, hospital: Facility, role: str
) -> None:
    client.force_login(people[role])
    url = f"/p/hubei-2020/facilities/{hospital.pk}/edit"
    expected = 200 if role == "coordinator" else 403
    assert client.get(url).status_code == expected
    if expected == 403:
        client.post(url, {**FACILITY, "beds_general": "1", "version": "1"})
        assert Facility.objects.get().version == 1


def test_a_team_and_its_members_are_edited_from_its_page(client, people, hubei: Programme) -> None:  # type: ignore[no-untyped-def]
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong ICU 1", members={resource("icu_nurse"): 30}
    )
    client.force_login(people["donor"])
    url = f"/p/hubei-2020/teams/{team.pk}/edit"
    opened = client.get(url).content.decode()
    assert "icu_nurse:30" in opened
    assert url in client.get("/p/hubei-2020/teams/").content.decode()
    edit = {"name": "Shandong ICU 1", "emt_type": "other", "leader": "Dr Wang"}
    edit |= {"home_institution": "", "members": "icu_nurse:25, icu_doctor:5", "version": "1"}
    assert client.post(url, edit).status_code == 302
    assert Team.objects.get().leader == "Dr Wang"
    stale = client.post(url, {**edit, "members": "icu_nurse:40"})
    assert stale.status_code == 409
    assert "icu_doctor: — → 5" in stale.content.decode()
    client.force_login(people["recipient"])
    assert client.get(url).status_code == 403


def test_a_contact_is_edited_by_who_keeps_it(client, people, hubei: Programme) -> None:  # type: ignore[no-untyped-def]
    contact = contact_services.add_contact(
        programme=hubei, participant=participant("421100"), name="Li Wei", role="liaison"
    )
    url = f"/p/hubei-2020/contacts/{contact.pk}/edit"
    client.force_login(people["donor"])
    assert client.get(url).status_code == 403
    assert url not in client.get("/p/hubei-2020/contacts/").content.decode()
    client.force_login(people["recipient"])
    assert url in client.get("/p/hubei-2020/contacts/").content.decode()
    edit = {"name": "Li Wei", "role": "liaison", "phone": "+86 713 1", "email": "x", "version": "1"}
    assert client.post(url, edit).status_code == 400  # not an e-mail address
    assert client.post(url, {**edit, "email": "li@example.org"}).status_code == 302
    assert Contact.objects.get().email == "li@example.org"


def test_a_request_is_edited_until_its_first_pledge(client, people, hubei: Programme) -> None:  # type: ignore[no-untyped-def]
    raised = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("icu_nurse"), Decimal(30))],
        user=None,
    )
    line = raised.lines.get()
    client.force_login(people["recipient"])
    url = f"/p/hubei-2020/requests/{raised.number}/edit"
    assert url in client.get("/p/hubei-2020/requests/").content.decode()
    fields = {f"line_{line.pk}_quantity": "40", f"line_{line.pk}_priority": "urgent"}
    edit = {"note": "new ICU", "version": "1", **fields}
    assert client.post(url, edit).status_code == 302
    line.refresh_from_db()
    assert (line.quantity, line.priority, Request.objects.get().note) == (40, "urgent", "new ICU")
    request_services.pledge(line=line, donor=participant("370000"), quantity=Decimal(5), user=None)
    assert url not in client.get("/p/hubei-2020/requests/").content.decode()
    refused = client.post(url, {**edit, "version": "2", f"line_{line.pk}_quantity": "10"})
    assert refused.status_code == 409
    assert "has pledges" in refused.content.decode()
    line.refresh_from_db()
    assert line.quantity == 40


def test_a_participants_line_is_edited_from_its_page(client, people, hubei: Programme) -> None:  # type: ignore[no-untyped-def]
    line = programme_services.add_line(
        participant=participant("421100"),
        kind="need",
        resource_type=resource("icu_nurse"),
        quantity=Decimal(100),
        as_of=datetime.date(2020, 2, 10),
        source_description="city health commission",
        username="rita",
    )
    client.force_login(people["recipient"])
    url = f"/p/hubei-2020/participants/{pk('421100')}/lines/{line.pk}/edit"
    assert url in client.get(f"/p/hubei-2020/participants/{pk('421100')}/").content.decode()
    opened = client.get(url).content.decode()
    assert "city health commission" in opened
    edit = {"quantity": "120", "as_of": "2020-02-10", "source": "daily report"}
    edit |= {"certainty": "verified", "version": str(line.version)}
    assert client.post(url, edit).status_code == 302
    line.refresh_from_db()
    assert (line.quantity, line.source.title) == (120, "daily report")
    stale = client.post(url, {**edit, "quantity": "90"})
    assert stale.status_code == 409
    assert "quantity: 100 → 120" in stale.content.decode()
    client.force_login(people["donor"])
    assert client.get(url).status_code == 403
