"""The permission matrix of the transfer actions through the API: every role × every move, with
the status DESIGN.md §7 prescribes and nothing changed when refused. `xiaogan` is the recipient
officer of another region than the transfer's (Huanggang's officer is `recipient`)."""

import pytest
from tests.operations.helpers import call, participant

from pairaid.accounts import services as account_services
from pairaid.accounts import tokens
from pairaid.accounts.models import User
from pairaid.operations.models import BedMovement, Facility, QueueEntry, Transfer
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.services import transfers as transfer_services
from pairaid.registry.models import Region

pytestmark = pytest.mark.django_db

ROLES = ["admin", "coordinator", "donor", "recipient", "xiaogan", "observer", "outsider"]
ROLES += ["anonymous"]


def statuses(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


# Within Huanggang: its officer is both sides. Across regions: Huanggang sends, Xiaogan receives.
HUANGGANG_WRITES = statuses(200, 200, 403, 200, 403, 403, 404, 401)
SENDING_SIDE = HUANGGANG_WRITES
RECEIVING_SIDE = statuses(200, 200, 403, 403, 200, 403, 404, 401)
COORDINATOR = statuses(200, 200, 403, 403, 403, 403, 404, 401)


@pytest.fixture
def cast(people):  # type: ignore[no-untyped-def]
    xiaogan = User.objects.create_user("xena_xiaogan", "x@example.org", "a-long-password-1")
    account_services.grant(
        user=xiaogan,
        programme=participant("421100").programme,
        role="recipient_officer",
        region=Region.objects.get(code="420900"),
    )
    return {**people, "xiaogan": xiaogan}


@pytest.fixture
def keys(cast):  # type: ignore[no-untyped-def]
    return {role: tokens.create(owner=user, name="t")[1] for role, user in cast.items() if user}


@pytest.fixture
def sites(hubei):  # type: ignore[no-untyped-def]
    def hospital(code: str, name: str) -> Facility:
        made = facility_services.register_facility(recipient=participant(code), name=name)
        facility_services.record_snapshot(facility=made, beds={"icu": {"open": 20, "occupied": 5}})
        return made

    return {
        "sender": hospital("421100", "Huanggang Central"),
        "receiver": hospital("421100", "Dabie Mountain"),
        "xiaogan": hospital("420900", "Xiaogan Central"),
    }


def transfer_at(cast, sites, status: str, cross: bool = False) -> Transfer:  # type: ignore[no-untyped-def]
    """A transfer of 2 ICU patients from Huanggang Central, moved (by an administrator) up to
    `status`."""
    admin = cast["admin"]
    made = transfer_services.request_transfer(
        origin=sites["sender"],
        receiving_facility=sites["xiaogan" if cross else "receiver"],
        acuity="icu",
        requested=2,
        user=admin,
    )
    path = (["approve"] if cross else []) + ["accept", "arrange_transport", "set_off"]
    for name in path:
        if made.status == status:
            break
        made = transfer_services.move(transfer=made, name=name, user=admin)
    made.refresh_from_db()
    assert made.status == status
    return made


# move -> the status the transfer must be in for the move to be allowed
BEFORE = {
    "accept": "requested",
    "decline": "requested",
    "arrange_transport": "accepted",
    "set_off": "transport_arranged",
    "arrive": "in_transit",
    "cancel": "requested",
}
BODY = {"decline": {"reason": "no bed"}, "cancel": {"reason": "improved"}}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("move", list(BEFORE))
def test_moves_within_a_region(client, cast, keys, sites, role, move):
    transfer = transfer_at(cast, sites, BEFORE[move])
    response = call(
        client,
        keys,
        role,
        "post",
        f"/api/v1/programmes/hubei-2020/transfers/{transfer.number}/{move}",
        BODY.get(move, {}),
    )
    assert response.status_code == HUANGGANG_WRITES[role], response.content
    transfer.refresh_from_db()
    assert (transfer.status != BEFORE[move]) == (response.status_code == 200)


CROSS = {
    "approve": ("requested", COORDINATOR),
    "accept": ("approved", RECEIVING_SIDE),
    "decline": ("approved", RECEIVING_SIDE),
    "arrange_transport": ("accepted", SENDING_SIDE),
    "set_off": ("transport_arranged", SENDING_SIDE),
    "arrive": ("in_transit", RECEIVING_SIDE),
    "cancel": ("approved", SENDING_SIDE),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("move", list(CROSS))
def test_moves_across_regions(client, cast, keys, sites, role, move):
    before, expected = CROSS[move]
    transfer = transfer_at(cast, sites, before, cross=True)
    events = transfer.events.count()
    response = call(
        client,
        keys,
        role,
        "post",
        f"/api/v1/programmes/hubei-2020/transfers/{transfer.number}/{move}",
        BODY.get(move, {}),
    )
    assert response.status_code == expected[role], response.content
    assert transfer.events.count() - events == (1 if response.status_code == 200 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_requesting_a_transfer(client, keys, sites, role):
    response = call(
        client,
        keys,
        role,
        "post",
        "/api/v1/programmes/hubei-2020/transfers",
        {
            "from_facility": sites["sender"].pk,
            "receiving_facility": sites["xiaogan"].pk,
            "acuity": "icu",
            "requested": 2,
        },
    )
    expected = {**HUANGGANG_WRITES, "admin": 201, "coordinator": 201, "recipient": 201}
    assert response.status_code == expected[role], response.content
    assert Transfer.objects.count() == (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_recording_the_community_queue_and_bed_movements(client, keys, sites, role):
    queue = call(
        client,
        keys,
        role,
        "post",
        "/api/v1/programmes/hubei-2020/community-queue",
        {"recipient": "CN:421100", "acuity": "oxygen", "waiting": 12},
    )
    movement = call(
        client,
        keys,
        role,
        "post",
        f"/api/v1/programmes/hubei-2020/facilities/{sites['receiver'].pk}/movements",
        {"bed_type": "icu", "kind": "admission", "count": 1},
    )
    expected = {**HUANGGANG_WRITES, "admin": 201, "coordinator": 201, "recipient": 201}
    assert queue.status_code == movement.status_code == expected[role], queue.content
    written = 1 if expected[role] == 201 else 0
    assert QueueEntry.objects.count() == BedMovement.objects.count() == written


@pytest.mark.parametrize("role", ROLES)
def test_reading_transfers_and_the_queue(client, keys, sites, cast, role):
    transfer_at(cast, sites, "requested")
    expected = statuses(200, 200, 200, 200, 200, 200, 404, 401)[role]
    for url in ("transfers", "transfers/1", "community-queue"):
        response = call(client, keys, role, "get", f"/api/v1/programmes/hubei-2020/{url}")
        assert response.status_code == expected, url
