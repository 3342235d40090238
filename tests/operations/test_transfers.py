"""Transfers: the state machine with its refusals, occupancy accounting and the community queue,
through the services (the pages and the API call the same)."""

import datetime
import zoneinfo

import pytest
from tests.operations.helpers import participant

from pairaid.accounts import services as account_services
from pairaid.accounts.models import User
from pairaid.errors import Conflict, Forbidden, ValidationFailed
from pairaid.operations.models import BedMovement, Facility, Transfer
from pairaid.operations.queries import transfers as transfer_queries
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.services import transfers as transfer_services
from pairaid.registry.models import Region

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 12) -> datetime.datetime:
    return datetime.datetime(2020, 2, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def xiaogan_officer(people):  # type: ignore[no-untyped-def]
    user = User.objects.create_user("xena_xiaogan", "x@example.org", "a-long-password-1")
    account_services.grant(
        user=user,
        programme=participant("421100").programme,
        role="recipient_officer",
        region=Region.objects.get(code="420900"),
    )
    return user


@pytest.fixture
def sites(hubei):  # type: ignore[no-untyped-def]
    """Two Huanggang hospitals and one in Xiaogan, each reported at 09:00 on 12 February."""

    def hospital(code: str, name: str) -> Facility:
        made = facility_services.register_facility(recipient=participant(code), name=name)
        facility_services.record_snapshot(
            facility=made,
            reported_at=at(9),
            beds={"icu": {"open": 10, "occupied": 6}, "general": {"open": 100, "occupied": 90}},
        )
        return made

    return {
        "sender": hospital("421100", "Huanggang Central"),
        "receiver": hospital("421100", "Dabie Mountain"),
        "xiaogan": hospital("420900", "Xiaogan Central"),
    }


def icu_now(facility: Facility) -> transfer_queries.BedsNow:
    return transfer_queries.beds_now(facility, "icu")


def request(sites, people, to="receiver", count=3):  # type: ignore[no-untyped-def]
    return transfer_services.request_transfer(
        origin=sites["sender"],
        receiving_facility=sites[to],
        acuity="icu",
        requested=count,
        reference="HG-0212-A",
        user=people["recipient"],
        at=at(9, 30),
    )


def move(transfer, name, user, hour=10, **kwargs):  # type: ignore[no-untyped-def]
    return transfer_services.move(transfer=transfer, name=name, user=user, at=at(hour), **kwargs)


def test_a_transfer_within_a_region_from_request_to_arrival(sites, people):
    officer = people["recipient"]
    transfer = request(sites, people)
    assert transfer.number == 1 and transfer.status == "requested"
    move(transfer, "accept", officer, count=2)
    assert icu_now(sites["receiver"]).reserved == 2 and icu_now(sites["receiver"]).free == 2
    move(transfer, "arrange_transport", officer)
    move(transfer, "set_off", officer, hour=11)
    assert icu_now(sites["sender"]).occupied == 6 - 2
    move(transfer, "arrive", officer, hour=12)
    transfer.refresh_from_db()
    assert transfer.status == "arrived" and transfer.accepted == 2
    receiver = icu_now(sites["receiver"])
    assert (receiver.occupied, receiver.reserved, receiver.free) == (8, 0, 2)
    assert receiver.as_of == at(12)
    history = list(transfer.events.values_list("status_from", "status_to", "count", "by"))
    assert history == [
        ("", "requested", 3, officer.pk),
        ("requested", "accepted", 2, officer.pk),
        ("accepted", "transport_arranged", None, officer.pk),
        ("transport_arranged", "in_transit", 2, officer.pk),
        ("in_transit", "arrived", 2, officer.pk),
    ]


def test_numbers_are_per_programme(sites, people):
    assert [request(sites, people).number for _ in range(3)] == [1, 2, 3]


def test_a_cross_region_transfer_waits_for_the_coordinators_approval(
    sites, people, xiaogan_officer
):
    transfer = request(sites, people, to="xiaogan")
    with pytest.raises(Conflict, match="the coordinator approves it before"):
        move(transfer, "accept", xiaogan_officer)
    with pytest.raises(Forbidden):
        move(transfer, "approve", people["recipient"])
    move(transfer, "approve", people["coordinator"])
    move(transfer, "accept", xiaogan_officer)
    assert Transfer.objects.get().status == "accepted"


def test_a_transfer_within_a_region_needs_no_approval(sites, people):
    with pytest.raises(Conflict, match="needs no approval"):
        move(request(sites, people), "approve", people["coordinator"])


def test_acting_for_another_facilitys_region_is_refused(sites, people, xiaogan_officer):
    transfer = request(sites, people)
    with pytest.raises(Forbidden):
        move(transfer, "accept", xiaogan_officer)
    with pytest.raises(Forbidden):
        move(transfer, "cancel", xiaogan_officer)
    with pytest.raises(Forbidden):
        transfer_services.request_transfer(
            origin=sites["sender"],
            receiving_facility=sites["xiaogan"],
            acuity="icu",
            requested=1,
            user=xiaogan_officer,
        )
    assert Transfer.objects.get().status == "requested"


def test_arriving_without_transport_is_refused(sites, people):
    transfer = request(sites, people)
    move(transfer, "accept", people["recipient"])
    with pytest.raises(Conflict, match="cannot arrive before transport is arranged"):
        move(transfer, "arrive", people["recipient"])
    move(transfer, "arrange_transport", people["recipient"])
    with pytest.raises(Conflict, match="in transit"):
        move(transfer, "arrive", people["recipient"])
    assert not BedMovement.objects.exists()


def test_accepting_more_than_requested_is_refused(sites, people):
    transfer = request(sites, people, count=3)
    with pytest.raises(ValidationFailed, match="at most the 3 patients requested") as refused:
        move(transfer, "accept", people["recipient"], count=4)
    assert refused.value.problems[0].column == "count"


def test_accepting_beyond_free_beds_needs_a_surge_reason(sites, people):
    transfer = request(sites, people, count=5)  # the receiver has 4 ICU beds free
    with pytest.raises(ValidationFailed, match="surge override") as refused:
        move(transfer, "accept", people["recipient"])
    assert refused.value.problems[0].column == "reason"
    move(transfer, "accept", people["recipient"], reason="two beds opened in the corridor")
    transfer.refresh_from_db()
    assert transfer.surge_reason == "two beds opened in the corridor"
    assert icu_now(sites["receiver"]).free == -1 and icu_now(sites["receiver"]).over_capacity


def test_a_decline_states_its_reason(sites, people):
    transfer = request(sites, people)
    with pytest.raises(ValidationFailed, match="reason"):
        move(transfer, "decline", people["recipient"])
    move(transfer, "decline", people["recipient"], reason="no ICU nurses tonight")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decline_reason) == ("declined", "no ICU nurses tonight")
    with pytest.raises(Conflict, match="declined"):
        move(transfer, "cancel", people["recipient"])


def test_cancelling_frees_the_reserved_beds(sites, people):
    transfer = request(sites, people)
    move(transfer, "accept", people["recipient"])
    assert icu_now(sites["receiver"]).reserved == 3
    move(transfer, "cancel", people["coordinator"], reason="patients improved")
    assert icu_now(sites["receiver"]).reserved == 0
    with pytest.raises(Conflict):
        move(transfer, "arrange_transport", people["recipient"])


def test_a_move_is_not_dated_before_the_one_it_follows(sites, people):
    transfer = request(sites, people)
    move(transfer, "accept", people["recipient"], hour=11)
    with pytest.raises(ValidationFailed, match="before the transfer's last move") as refused:
        move(transfer, "arrange_transport", people["recipient"], hour=10)
    assert refused.value.problems[0].column == "at"


def test_an_unknown_move_names_the_field(sites, people):
    with pytest.raises(ValidationFailed) as refused:
        move(request(sites, people), "teleport", people["recipient"])
    assert refused.value.problems[0].column == "move"


def test_occupancy_moves_from_the_snapshot_and_a_later_snapshot_resets_it(sites, people):
    receiver = sites["receiver"]  # ICU 6 occupied of 10 at 09:00
    transfer = request(sites, people, count=2)
    move(transfer, "accept", people["recipient"])
    move(transfer, "arrange_transport", people["recipient"])
    move(transfer, "set_off", people["recipient"], hour=10)
    move(transfer, "arrive", people["recipient"], hour=10)
    assert icu_now(receiver).occupied == 8
    transfer_services.record_movement(
        facility=receiver,
        bed_type="icu",
        kind="discharge",
        count=1,
        user=people["recipient"],
        at=at(11),
    )
    assert icu_now(receiver).occupied == 7 and icu_now(receiver).as_of == at(11)
    # The next day's report counts everyone afresh: earlier movements no longer add.
    facility_services.record_snapshot(
        facility=receiver, reported_at=at(9, day=13), beds={"icu": {"open": 12, "occupied": 5}}
    )
    now = icu_now(receiver)
    assert (now.open, now.occupied, now.free, now.as_of) == (12, 5, 7, at(9, day=13))


def test_a_facility_without_a_report_has_unknown_occupancy_and_accepts_only_in_surge(hubei, people):
    unknown = facility_services.register_facility(recipient=participant("421100"), name="New")
    other = facility_services.register_facility(recipient=participant("421100"), name="Old")
    assert icu_now(unknown).occupied is None and icu_now(unknown).free is None
    transfer = transfer_services.request_transfer(
        origin=other, receiving_facility=unknown, acuity="icu", requested=1, user=people["admin"]
    )
    with pytest.raises(ValidationFailed, match="unknown"):
        transfer_services.move(transfer=transfer, name="accept", user=people["recipient"])


def test_by_hand_movements_are_admissions_or_discharges(sites, people):
    with pytest.raises(ValidationFailed) as refused:
        transfer_services.record_movement(
            facility=sites["receiver"],
            bed_type="icu",
            kind="arrival",
            count=1,
            user=people["recipient"],
        )
    assert refused.value.problems[0].column == "kind"
    with pytest.raises(Forbidden):
        transfer_services.record_movement(
            facility=sites["receiver"],
            bed_type="icu",
            kind="admission",
            count=1,
            user=people["donor"],
        )


def test_the_community_queue_is_its_latest_count_less_the_patients_sent_since(sites, people):
    huanggang = participant("421100")
    officer = people["recipient"]
    transfer_services.record_queue(
        recipient=huanggang, acuity="oxygen", waiting=40, user=officer, at=at(8)
    )
    transfer_services.record_queue(
        recipient=huanggang, acuity="oxygen", waiting=30, user=officer, at=at(9)
    )
    from_queue = transfer_services.request_transfer(
        origin=huanggang,
        receiving_facility=sites["receiver"],
        acuity="oxygen",
        requested=12,
        user=officer,
        at=at(9, 30),
    )
    assert from_queue.sending_facility is None
    move(from_queue, "accept", officer, count=10, reason="field beds")
    move(from_queue, "arrange_transport", officer)
    assert transfer_queries.queue_now(huanggang, "oxygen").waiting == 30  # not yet departed
    move(from_queue, "set_off", officer, hour=11)
    queue = transfer_queries.queue_now(huanggang, "oxygen")
    assert (queue.counted, queue.departed, queue.waiting) == (30, 10, 20)
    # A new count at noon already leaves out those who went.
    transfer_services.record_queue(
        recipient=huanggang, acuity="oxygen", waiting=25, user=officer, at=at(12)
    )
    assert transfer_queries.queue_now(huanggang, "oxygen").waiting == 25
    assert not BedMovement.objects.filter(kind="departure").exists()  # a queue has no beds


def test_a_donor_has_no_community_queue(hubei, people):
    with pytest.raises(ValidationFailed) as refused:
        transfer_services.record_queue(
            recipient=participant("370000"), acuity="icu", waiting=3, user=people["admin"]
        )
    assert refused.value.problems[0].column == "recipient"


def test_a_facility_officer_receives_for_its_own_facility_only(sites, people):
    from pairaid.accounts.models import Membership
    from pairaid.errors import Forbidden

    officer = User.objects.create_user("dana_dabie", "d@example.org", "a-long-password-1")
    account_services.grant(
        user=officer,
        programme=sites["receiver"].programme,
        role=Membership.Role.FACILITY_OFFICER,
        facility=sites["receiver"],
    )
    transfer = request(sites, people)
    assert transfer_services.may_move(officer, transfer, "accept")
    move(transfer, "accept", officer, count=1)
    assert icu_now(sites["receiver"]).reserved == 1
    # The sending side is another facility: its transport is not the receiver's officer's.
    assert not transfer_services.may_move(officer, transfer, "arrange_transport")
    with pytest.raises(Forbidden):
        move(transfer, "arrange_transport", officer)
    with pytest.raises(Forbidden):  # nor may it ask to place another facility's patients
        transfer_services.request_transfer(
            origin=sites["sender"],
            receiving_facility=sites["xiaogan"],
            acuity="icu",
            requested=1,
            user=officer,
            at=at(9, 45),
        )
