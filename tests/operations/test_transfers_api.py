"""Transfers, bed movements and the community queue through the API; the facilities list's
occupancy now."""

import datetime

import pytest
from tests.operations.helpers import call, participant

from pairaid.operations.models import Facility
from pairaid.operations.services import facilities as facility_services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"


@pytest.fixture
def sites(hubei):  # type: ignore[no-untyped-def]
    def hospital(name: str) -> Facility:
        made = facility_services.register_facility(recipient=participant("421100"), name=name)
        facility_services.record_snapshot(
            facility=made,
            reported_at=datetime.datetime.fromisoformat("2020-02-12T09:00:00+08:00"),
            beds={"icu": {"open": 10, "occupied": 6}},
        )
        return made

    return hospital("Huanggang Central"), hospital("Dabie Mountain")


def post(client, keys, url, body, role="recipient"):  # type: ignore[no-untyped-def]
    return call(client, keys, role, "post", f"{BASE}/{url}", body)


def test_a_transfer_from_the_queue_through_the_api(client, keys, sites):
    _, receiver = sites
    queued = post(
        client,
        keys,
        "community-queue",
        {
            "recipient": "CN:421100",
            "acuity": "icu",
            "waiting": 9,
            "at": "2020-02-12T08:00:00+08:00",
        },
    )
    assert queued.status_code == 201 and queued.json()["waiting"] == 9
    made = post(
        client,
        keys,
        "transfers",
        {
            "from_queue": "CN:421100",
            "receiving_facility": receiver.pk,
            "acuity": "icu",
            "requested": 5,
            "reference": "Q-17",
            "at": "2020-02-12T09:10:00+08:00",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["number"] == 1 and body["sending_facility"] is None and not body["cross_region"]
    surge = post(client, keys, "transfers/1/accept", {"at": "2020-02-12T09:20:00+08:00"})
    assert surge.status_code == 400 and "surge" in surge.json()["detail"][0]
    accepted = post(
        client, keys, "transfers/1/accept", {"count": 4, "at": "2020-02-12T09:30:00+08:00"}
    )
    assert accepted.json()["accepted"] == 4
    early = post(client, keys, "transfers/1/arrive", {})
    assert early.status_code == 409 and "transport" in early.json()["detail"][0]
    for move, hour in (("arrange_transport", 10), ("set_off", 10), ("arrive", 11)):
        moved = post(client, keys, f"transfers/1/{move}", {"at": f"2020-02-12T{hour}:00:00+08:00"})
        assert moved.status_code == 200, moved.content
    shown = call(client, keys, "observer", "get", f"{BASE}/transfers/1").json()
    assert [e["status_to"] for e in shown["history"]] == [
        "requested",
        "accepted",
        "transport_arranged",
        "in_transit",
        "arrived",
    ]
    assert shown["history"][-1]["by"] == "rita_huanggang"
    backdated = post(client, keys, "transfers/1/cancel", {"at": "2020-02-12T08:00:00+08:00"})
    assert backdated.status_code == 409  # arrived: nothing follows
    queue = call(client, keys, "observer", "get", f"{BASE}/community-queue").json()
    assert queue == [
        {
            "recipient": "CN:421100",
            "acuity": "icu",
            "waiting": 5,
            "counted": 9,
            "counted_at": "2020-02-12T08:00:00+08:00",
            "departed": 4,
        }
    ]
    facilities = call(client, keys, "observer", "get", f"{BASE}/facilities").json()["items"]
    icu = next(f for f in facilities if f["id"] == receiver.pk)["occupancy"]["icu"]
    assert (icu["open"], icu["occupied"], icu["reserved"], icu["free"]) == (10, 10, 0, 0)
    assert icu["reported_at"] == "2020-02-12T09:00:00+08:00"
    assert icu["as_of"] == "2020-02-12T11:00:00+08:00" and icu["age_minutes"] is not None


def test_listing_by_status(client, keys, sites):
    sender, receiver = sites
    for _ in range(2):
        post(
            client,
            keys,
            "transfers",
            {
                "from_facility": sender.pk,
                "receiving_facility": receiver.pk,
                "acuity": "icu",
                "requested": 1,
            },
        )
    post(client, keys, "transfers/2/cancel", {"reason": "improved"})
    listed = call(client, keys, "observer", "get", f"{BASE}/transfers?status=cancelled").json()
    assert [t["number"] for t in listed["items"]] == [2]
    assert call(client, keys, "observer", "get", f"{BASE}/transfers").json()["count"] == 2


@pytest.mark.parametrize(
    "body, column",
    [
        ({"acuity": "icu", "requested": 1}, "from_facility"),
        ({"from_queue": "CN:421100", "acuity": "icu", "requested": 0}, "requested"),
        ({"from_queue": "CN:421100", "acuity": "bed", "requested": 1}, "acuity"),
    ],
)
def test_bad_requests_name_their_field(client, keys, sites, body, column):
    response = post(client, keys, "transfers", {**body, "receiving_facility": sites[1].pk})
    assert response.status_code == 400
    assert column in str(response.json()["detail"])


def test_an_unknown_move_is_refused(client, keys, sites):
    sender, receiver = sites
    post(
        client,
        keys,
        "transfers",
        {
            "from_facility": sender.pk,
            "receiving_facility": receiver.pk,
            "acuity": "icu",
            "requested": 1,
        },
    )
    response = post(client, keys, "transfers/1/teleport", {})
    assert response.status_code == 400 and "unknown move" in response.json()["detail"][0]
    assert post(client, keys, "transfers/9/accept", {}).status_code == 404


def test_a_time_out_of_any_plausible_year_names_its_field(client, keys, sites):
    response = post(
        client,
        keys,
        "community-queue",
        {"recipient": "CN:421100", "acuity": "icu", "waiting": 1, "at": "0001-01-01T00:00:00"},
    )
    assert response.status_code == 400 and "at" in response.json()["detail"][0]
