"""Facilities through the API: registered by the recipient's officers and coordinators, their
capacity snapshots, and the responsibility matrix as the facilities page shows it."""

import datetime

import pytest
from tests.operations.helpers import READ, RECIPIENTS_WRITE, ROLES, call, participant

from pairaid.operations.models import Facility, FacilitySnapshot
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.services import teams as team_services
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"
HOSPITAL = {
    "recipient": "421100",
    "name": "Huanggang Central Hospital",
    "beds": {"general": 700, "icu": 80, "icu_ventilated": 20},
    "ventilators": 25,
    "staff": {"icu_nurse": 240, "doctor": 120},
}


@pytest.mark.parametrize("role", ROLES)
def test_registering_a_facility(client, keys, role):
    response = call(client, keys, role, "post", f"{BASE}/facilities", HOSPITAL)
    assert response.status_code == RECIPIENTS_WRITE[role], response.content
    assert Facility.objects.count() == (1 if response.status_code == 201 else 0)
    if response.status_code == 201:
        assert response.json() | {"id": 0} == {
            "version": 1,
            "id": 0,
            "recipient": "CN:421100",
            "name": "Huanggang Central Hospital",
            "kind": "hospital",
            "beds": {"general": 700, "icu": 80, "icu_ventilated": 20},
            "ventilators": 25,
            "staff": {"doctor": 120, "icu_nurse": 240},
            "illustrative": False,
            "latest_snapshot": None,
        }


def test_a_recipient_officer_registers_only_for_its_own_region(client, keys):
    other = {**HOSPITAL, "recipient": "420900"}  # Xiaogan
    assert call(client, keys, "recipient", "post", f"{BASE}/facilities", other).status_code == 403
    donor = {**HOSPITAL, "recipient": "370000"}  # a donor, named as a recipient
    assert call(client, keys, "coordinator", "post", f"{BASE}/facilities", donor).status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        {"beds": {"general": -1}},
        {"beds": {"icu": True}},
        {"beds": {"general": 2**63}},
        {"beds": {"intensive": 5}},
        {"beds": 800},
        {"ventilators": -1},
        {"staff": {"surgeon": 3}},
        {"staff": {"nurse": -3}},
        {"kind": "castle"},
        {"name": ""},
        {"name": "x" * 201},
    ],
)
def test_bad_facilities_are_refused_naming_the_field(client, keys, change):
    response = call(client, keys, "recipient", "post", f"{BASE}/facilities", HOSPITAL | change)
    assert response.status_code == 400
    assert next(iter(change)) in " ".join(response.json()["detail"])


def test_a_facility_named_twice_is_refused(client, keys):
    assert (
        call(client, keys, "recipient", "post", f"{BASE}/facilities", HOSPITAL).status_code == 201
    )
    again = call(client, keys, "coordinator", "post", f"{BASE}/facilities", HOSPITAL)
    assert again.status_code == 400 and "already registered" in " ".join(again.json()["detail"])


@pytest.fixture
def hospital(hubei):  # type: ignore[no-untyped-def]
    return facility_services.register_facility(
        recipient=participant("421100"),
        name="Huanggang Central Hospital",
        beds={"general": 800, "icu": 40},
    )


SNAPSHOT = {
    "reported_at": "2020-02-11T09:30:00+08:00",
    "beds": {"general": {"open": 800, "occupied": 750}, "icu": {"open": 40, "occupied": 44}},
}


@pytest.mark.parametrize("role", ROLES)
def test_recording_a_snapshot(client, keys, hospital, role):
    url = f"{BASE}/facilities/{hospital.pk}/snapshots"
    response = call(client, keys, role, "post", url, SNAPSHOT)
    assert response.status_code == RECIPIENTS_WRITE[role], response.content
    assert FacilitySnapshot.objects.count() == (1 if response.status_code == 201 else 0)
    listed = call(client, keys, role, "get", url)
    assert listed.status_code == READ[role]


def test_snapshots_are_listed_latest_first_and_a_day_recorded_again_is_replaced(
    client, keys, hospital
):
    url = f"{BASE}/facilities/{hospital.pk}/snapshots"
    for at, occupied in (
        ("2020-02-10T10:00:00+08:00", 700),
        ("2020-02-11T09:00:00+08:00", 750),
        ("2020-02-11T02:00:00+00:00", 790),  # 10:00 in Beijing: the same programme day
    ):
        body = {"reported_at": at, "beds": {"general": {"open": 800, "occupied": occupied}}}
        assert call(client, keys, "recipient", "post", url, body).status_code == 201
    listed = call(client, keys, "observer", "get", url).json()
    assert listed["count"] == 2
    assert [
        (s["date"], s["reported_at"], s["beds"]["general"]["occupied"]) for s in listed["items"]
    ] == [
        ("2020-02-11", "2020-02-11T10:00:00+08:00", 790),  # in the programme's time zone
        ("2020-02-10", "2020-02-10T10:00:00+08:00", 700),
    ]
    facilities = call(client, keys, "observer", "get", f"{BASE}/facilities").json()["items"]
    assert facilities[0]["latest_snapshot"]["beds"] == {"general": {"open": 800, "occupied": 790}}


def test_occupied_beyond_open_is_kept_as_a_reported_surge(client, keys, hospital):
    url = f"{BASE}/facilities/{hospital.pk}/snapshots"
    recorded = call(client, keys, "recipient", "post", url, SNAPSHOT)
    assert recorded.json()["beds"]["icu"] == {"open": 40, "occupied": 44}


def test_the_matrix_names_the_donors_and_teams_that_answer(client, keys, hospital):
    uncovered = call(client, keys, "observer", "get", f"{BASE}/facilities").json()["items"]
    assert [(f["name"], f["uncovered"], f["donors"]) for f in uncovered] == [
        ("Huanggang Central Hospital", True, [])
    ]
    nurse = ResourceType.objects.get(code="icu_nurse")
    for donor, name in (("370000", "Shandong team 1"), ("430000", "Hunan team 1")):
        team = team_services.register_team(donor=participant(donor), name=name, members={nurse: 10})
        team_services.deploy(
            team=team,
            recipient=hospital.recipient,
            facility=hospital,
            start=datetime.date(2020, 2, 10),
            end=datetime.date(2020, 3, 10),
        )
    row = call(client, keys, "observer", "get", f"{BASE}/facilities").json()["items"][0]
    assert row["donors"] == ["CN:370000", "CN:430000"]
    assert row["teams"] == ["Hunan team 1", "Shandong team 1"]
    assert (row["uncovered"], row["claimed_twice"]) == (False, True)
    # After the deployments' planned end, nobody answers for it.
    later = call(client, keys, "observer", "get", f"{BASE}/facilities?date=2020-03-11").json()
    assert later["items"][0]["uncovered"] is True


@pytest.mark.parametrize("role", ROLES)
def test_reading_the_matrix(client, keys, hospital, role):
    assert call(client, keys, role, "get", f"{BASE}/facilities").status_code == READ[role]


def test_the_matrix_is_paginated(client, keys, hubei):
    for number in range(53):
        facility_services.register_facility(
            recipient=participant("421100"), name=f"Clinic {number:02}"
        )
    first = call(client, keys, "observer", "get", f"{BASE}/facilities").json()
    second = call(client, keys, "observer", "get", f"{BASE}/facilities?page=2").json()
    assert first["count"] == second["count"] == 53
    assert len(first["items"]) == 50 and len(second["items"]) == 3
    names = [f["name"] for f in first["items"] + second["items"]]
    assert names == sorted(names) and len(set(names)) == 53
    assert call(client, keys, "observer", "get", f"{BASE}/facilities?page=0").status_code == 400


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_report_at_the_ends_of_time_is_refused_not_a_server_error(client, keys, hospital, moment):
    url = f"{BASE}/facilities/{hospital.pk}/snapshots"
    response = call(client, keys, "recipient", "post", url, SNAPSHOT | {"reported_at": moment})
    assert response.status_code == 400 and "reported_at" in response.json()["detail"][0]
