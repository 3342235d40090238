"""No silent lost edit (issue 17, item 4): facilities, teams, contacts, requests before their
first pledge and participants' lines are edited against the version the editor saw; the second
editor of one version is refused with what changed, and nothing of theirs is written."""

import datetime
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from tests.operations.helpers import participant, resource

from pairaid.edits import EditConflict, version_in
from pairaid.errors import Conflict, ValidationFailed
from pairaid.operations.models import Contact, Facility, Request, Team
from pairaid.operations.services import contacts as contact_services
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme


def _facility() -> Facility:
    return facility_services.register_facility(
        recipient=participant("421100"),
        name="Huanggang Central",
        beds={"general": 480, "icu": 20},
        ventilators=500,
    )


def _edit_facility(facility: Facility, seen: int, **changes: Any) -> Facility:
    fields = {"name": facility.name, "kind": facility.kind, "ventilators": facility.ventilators}
    fields["beds"] = {}
    return facility_services.edit_facility(facility=facility, seen=seen, **{**fields, **changes})


@pytest.mark.django_db
def test_an_edit_from_the_current_version_is_saved_and_raises_the_version(hubei: Programme) -> None:
    facility = _facility()
    assert facility.version == 1
    edited = _edit_facility(facility, 1, ventilators=600)
    assert (edited.version, Facility.objects.get().ventilators) == (2, 600)


@pytest.mark.django_db
def test_the_second_editor_of_a_version_is_told_what_changed_and_saves_nothing(
    hubei: Programme,
) -> None:
    facility = _facility()
    _edit_facility(facility, 1, ventilators=600, name="Huanggang Central Hospital")
    with pytest.raises(EditConflict) as refused:
        _edit_facility(facility, 1, ventilators=550)
    assert refused.value.current == 2
    assert {str(change) for change in refused.value.changes} == {
        "ventilators: 500 → 600",
        "name: Huanggang Central → Huanggang Central Hospital",
    }
    assert "since you opened it (version 1, now 2)" in str(refused.value)
    assert "ventilators: 500 → 600" in str(refused.value)
    assert isinstance(refused.value, Conflict)  # answered 409
    saved = Facility.objects.get()
    assert (saved.ventilators, saved.version) == (600, 2)


@pytest.mark.django_db
def test_any_save_moves_the_version_so_a_renewal_is_seen_by_an_editor(hubei: Programme) -> None:
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("icu_nurse"), Decimal(30))],
        user=None,
    )
    later = request.raised_on + datetime.timedelta(days=10)
    request_services.renew_request(request=request, on=later)
    line = request.lines.get()
    with pytest.raises(EditConflict) as refused:
        request_services.edit_request(
            request=request,
            seen=1,
            note="",
            lines={line.pk: request_services.LineEdit(Decimal(40), "urgent", None)},
        )
    assert [change.what for change in refused.value.changes] == ["expires on"]
    assert Request.objects.get().version == 2


@pytest.mark.django_db
def test_a_request_is_edited_until_its_first_pledge(hubei: Programme) -> None:
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("icu_nurse"), Decimal(30))],
        user=None,
    )
    line = request.lines.get()
    edited = request_services.edit_request(
        request=request,
        seen=1,
        note="for the new ICU",
        lines={line.pk: request_services.LineEdit(Decimal(40), "urgent", None)},
    )
    line.refresh_from_db()
    assert (edited.note, edited.version, line.quantity, line.priority) == (
        "for the new ICU",
        2,
        40,
        "urgent",
    )
    request_services.pledge(line=line, donor=participant("370000"), quantity=Decimal(10), user=None)
    with pytest.raises(Conflict, match="has pledges"):
        request_services.edit_request(
            request=edited,
            seen=2,
            note="",
            lines={line.pk: request_services.LineEdit(Decimal(5), "normal", None)},
        )
    line.refresh_from_db()
    assert (line.quantity, Request.objects.get().note, Request.objects.get().version) == (
        40,
        "for the new ICU",
        2,
    )


@pytest.mark.django_db
def test_a_request_conflict_names_the_lines_that_changed(hubei: Programme) -> None:
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("icu_nurse"), Decimal(30))],
        user=None,
    )
    line = request.lines.get()
    request_services.edit_request(
        request=request,
        seen=1,
        note="",
        lines={line.pk: request_services.LineEdit(Decimal(40), "normal", None)},
    )
    with pytest.raises(EditConflict) as refused:
        request_services.edit_request(
            request=request,
            seen=1,
            note="",
            lines={line.pk: request_services.LineEdit(Decimal(35), "normal", None)},
        )
    assert [str(change) for change in refused.value.changes] == [
        f"icu_nurse #{line.pk}: 30 normal → 40 normal"
    ]


@pytest.mark.django_db
def test_a_team_conflict_names_its_members_that_changed(hubei: Programme) -> None:
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong ICU team 1", members={resource("icu_nurse"): 30}
    )
    edit = {
        "name": team.name,
        "emt_type": team.emt_type,
        "leader": "",
        "home_institution": "",
    }
    team_services.edit_team(
        team=team,
        seen=1,
        members={resource("icu_nurse"): 25, resource("icu_doctor"): 5},
        **edit,
    )
    assert dict(Team.objects.get().members.values_list("resource_type__code", "count")) == {
        "icu_nurse": 25,
        "icu_doctor": 5,
    }
    with pytest.raises(EditConflict) as refused:
        team_services.edit_team(team=team, seen=1, members={resource("icu_nurse"): 40}, **edit)
    assert {str(change) for change in refused.value.changes} == {
        "icu_doctor: — → 5",
        "icu_nurse: 30 → 25",
    }
    assert Team.objects.get().version == 2


@pytest.mark.django_db
def test_a_team_edit_keeps_the_rules_of_registration(hubei: Programme) -> None:
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong ICU team 1", members={resource("icu_nurse"): 30}
    )
    with pytest.raises(ValidationFailed, match="not a profession"):
        team_services.edit_team(
            team=team,
            seen=1,
            name=team.name,
            emt_type=team.emt_type,
            leader="",
            home_institution="",
            members={resource("cny"): 3},
        )
    assert Team.objects.get().version == 1


@pytest.mark.django_db
def test_a_contact_edit_is_checked_like_a_new_contact(hubei: Programme) -> None:
    contact = contact_services.add_contact(
        programme=hubei, participant=participant("421100"), name="Li Wei", role="liaison"
    )
    with pytest.raises(ValidationFailed, match="email"):
        contact_services.edit_contact(
            contact=contact, seen=1, name="Li Wei", role="liaison", phone="", email="not-an-email"
        )
    contact_services.edit_contact(
        contact=contact, seen=1, name="Li Wei", role="liaison", phone="+86 713 1", email=""
    )
    assert (Contact.objects.get().phone, Contact.objects.get().version) == ("+86 713 1", 2)


@pytest.mark.django_db
def test_a_participants_line_is_edited_against_its_version(hubei: Programme) -> None:
    donor = participant("370000")
    line = programme_services.add_line(
        participant=donor,
        kind="capacity",
        resource_type=resource("icu_nurse"),
        quantity=Decimal(100),
        as_of=datetime.date(2020, 2, 10),
        source_description="provincial health commission",
        username="carol",
    )
    seen = line.version
    edit = {
        "as_of": line.as_of,
        "certainty": "verified",
        "source_description": "provincial health commission",
        "username": "carol",
    }
    programme_services.edit_line(line=line, seen=seen, quantity=Decimal(120), **edit)
    with pytest.raises(EditConflict, match=r"quantity: 100 → 120"):
        programme_services.edit_line(line=line, seen=seen, quantity=Decimal(90), **edit)
    line.refresh_from_db()
    assert (line.quantity, line.version) == (120, seen + 1)


def test_if_match_names_a_version_or_nothing() -> None:
    assert [version_in(text) for text in ('"3"', 'W/"3"', "3", "*", '"x"', "", '"²"')] == [
        3,
        3,
        3,
        None,
        None,
        None,
        None,
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_of_two_editors_of_one_version_at_the_same_moment_exactly_one_wins(
    hubei: Programme,
) -> None:
    facility = _facility()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(ventilators: int) -> None:
        try:
            barrier.wait()
            _edit_facility(facility, 1, ventilators=ventilators)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in (600, 700)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Facility.objects.get().version == 2
