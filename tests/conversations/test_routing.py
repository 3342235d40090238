"""Each kind of event reaches exactly the users whose role and region it concerns, through the
domain service that makes the change (one transaction), and no one out of scope."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import translation
from tests.operations.helpers import offer, participant, resource

from pairaid.conversations import links, routing, texts, watch
from pairaid.conversations.models import Event, Notification
from pairaid.operations.models import Discrepancy, Request, Shipment
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services
from pairaid.operations.services import transfers as transfer_services
from pairaid.pairing import notices

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2020, 2, 12, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def told(kind: str) -> set[str]:
    """The usernames the latest event of a kind reached."""
    event = Event.objects.filter(kind=kind).latest("pk")
    return set(
        Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    )


def raise_request(cast):  # type: ignore[no-untyped-def]
    return request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(1000))],
        user=cast["recipient"],
    )


def pledge_and_ship(cast):  # type: ignore[no-untyped-def]
    line = raise_request(cast).lines.get()
    pledge = request_services.pledge(
        line=line, donor=participant("370000"), quantity=Decimal(1000), user=cast["donor"]
    )
    return pledge, request_services.dispatch(pledge=pledge, quantity=Decimal(1000))


def test_a_request_reaches_the_donors_paired_with_its_recipient(cast):
    raise_request(cast)
    # Shandong and Hunan are Huanggang's donors; Jiangxi is Suizhou's; the raiser is not told
    # of their own request; coordinators and observers are not told of routine steps.
    assert told(Event.Kind.REQUEST_RAISED) == {"dan_shandong", "hugo_hunan"}


def test_a_pledge_and_a_dispatch_reach_the_recipient(cast):
    pledge_and_ship(cast)
    assert told(Event.Kind.PLEDGE_MADE) == {"rita_huanggang"}
    assert told(Event.Kind.GOODS_DISPATCHED) == {"rita_huanggang"}


def test_a_receipt_reaches_the_donor_and_one_with_a_discrepancy_stands_out(cast):
    _, shipment = pledge_and_ship(cast)
    request_services.confirm_receipt(shipment=shipment, received_quantity=Decimal(1000))
    event = Event.objects.get(kind=Event.Kind.GOODS_RECEIVED)
    assert told(Event.Kind.GOODS_RECEIVED) == {"dan_shandong"} and not event.stands_out

    pledge = request_services.pledge(
        line=shipment.pledge.line,
        donor=participant("370000"),
        quantity=Decimal(10),
        user=cast["donor"],
        note="ten more",
    )
    short = request_services.dispatch(pledge=pledge, quantity=Decimal(10))
    request_services.confirm_receipt(shipment=short, received_quantity=Decimal(7))
    assert Discrepancy.objects.filter(shipment=short).exists()
    latest = Event.objects.filter(kind=Event.Kind.GOODS_RECEIVED).latest("pk")
    assert latest.stands_out
    # Something went missing: the coordinators are told too.
    assert told(Event.Kind.GOODS_RECEIVED) == {"dan_shandong", "carol_coordinator"}


def test_a_teams_arrival_reaches_its_donor(cast):
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong 1st", members={resource("icu_nurse"): 10}
    )
    deployment = team_services.deploy(team=team, recipient=participant("421100"))
    team_services.dispatch_team(deployment=deployment)
    team_services.confirm_arrival(deployment=deployment)
    assert told(Event.Kind.TEAM_ARRIVED) == {"dan_shandong"}


@pytest.fixture
def hospitals(hubei):  # type: ignore[no-untyped-def]
    def hospital(code: str, name: str):  # type: ignore[no-untyped-def]
        made = facility_services.register_facility(recipient=participant(code), name=name)
        facility_services.record_snapshot(
            facility=made, reported_at=AT, beds={"icu": {"open": 10, "occupied": 2}}
        )
        return made

    return {
        "sender": hospital("421100", "Huanggang Central"),
        "receiver": hospital("421100", "Dabie Mountain"),
        "suizhou": hospital("421300", "Suizhou Central"),
    }


def transfer_to(cast, hospitals, to):  # type: ignore[no-untyped-def]
    return transfer_services.request_transfer(
        origin=hospitals["sender"],
        receiving_facility=hospitals[to],
        acuity="icu",
        requested=2,
        user=cast["recipient"],
        at=AT,
    )


def test_a_transfer_within_a_region_asks_the_receiving_side_and_answers_the_sender(cast, hospitals):
    transfer = transfer_to(cast, hospitals, "receiver")
    # Huanggang sends to Huanggang: its own officer receives, and is the actor, so nobody else.
    assert told(Event.Kind.TRANSFER_REQUESTED) == set()
    transfer_services.move(
        transfer=transfer, name="decline", user=cast["coordinator"], reason="full", at=AT
    )
    assert told(Event.Kind.TRANSFER_DECLINED) == {"rita_huanggang"}


def test_a_cross_region_transfer_goes_to_the_coordinators_then_the_receiving_side(cast, hospitals):
    transfer = transfer_to(cast, hospitals, "suizhou")
    assert told(Event.Kind.TRANSFER_AWAITING_APPROVAL) == {"carol_coordinator"}
    assert not Event.objects.filter(kind=Event.Kind.TRANSFER_REQUESTED).exists()
    transfer_services.move(transfer=transfer, name="approve", user=cast["coordinator"], at=AT)
    assert told(Event.Kind.TRANSFER_REQUESTED) == {"sue_suizhou"}
    transfer_services.move(transfer=transfer, name="accept", user=cast["suizhou"], at=AT)
    assert told(Event.Kind.TRANSFER_ACCEPTED) == {"rita_huanggang"}


def test_an_offer_reaches_the_recipients_paired_with_its_donor(cast):
    offer("370000")
    assert told(Event.Kind.OFFER_MADE) == {"rita_huanggang"}


def test_a_published_notice_reaches_every_member(cast):
    notices.publish(programme=participant("421100").programme, user=cast["coordinator"])
    assert told(Event.Kind.NOTICE_PUBLISHED) == {
        "dan_shandong",
        "rita_huanggang",
        "olga_observer",
        "hugo_hunan",
        "jack_jiangxi",
        "sue_suizhou",
    }


def test_a_finished_and_an_approved_run_reach_the_coordinators_and_the_pairs_officers(
    cast, unapproved_run
):
    from pairaid.pairing import runs

    assert told(Event.Kind.PLAN_RUN_FINISHED) == {"carol_coordinator"}
    runs.approve(run=unapproved_run, user=None)
    reached = told(Event.Kind.PAIRING_APPROVED)
    assert {"carol_coordinator", "dan_shandong", "rita_huanggang"} <= reached
    assert "olga_observer" not in reached and "oscar_wenchuan" not in reached


def told_of(kind: str, subject) -> set[str]:  # type: ignore[no-untyped-def]
    """The usernames the events of a kind about one object reached."""
    return set(
        Notification.objects.filter(event__kind=kind, event__subject_id=subject.pk).values_list(
            "recipient__username", flat=True
        )
    )


# After the programme's 12:00 reporting deadline of its date (2020-02-12).
AFTER_DEADLINE = AT.replace(hour=13)


def test_the_watch_tells_a_facilitys_side_of_its_overdue_report_and_its_red_beds_once(
    cast, hospitals
):
    hubei = hospitals["sender"].programme
    silent = facility_services.register_facility(recipient=participant("421100"), name="Silent")
    full = facility_services.register_facility(recipient=participant("421100"), name="Full")
    facility_services.record_snapshot(
        facility=full, reported_at=AT, beds={"icu": {"open": 10, "occupied": 10}}
    )
    before = AT.replace(hour=11, minute=59)  # yesterday's deadline is the latest: not today's
    watch.facility_reports_overdue(hubei, before)
    assert told_of(Event.Kind.FACILITY_REPORT_OVERDUE, silent) == {"rita_huanggang"}  # 02-11
    watch.facility_reports_overdue(hubei, AFTER_DEADLINE)
    watch.facility_reports_overdue(hubei, AFTER_DEADLINE)  # once per facility and day
    overdue = Event.objects.filter(kind=Event.Kind.FACILITY_REPORT_OVERDUE, subject_id=silent.pk)
    assert overdue.count() == 2 and not overdue.filter(subject_id=full.pk).exists()
    assert watch.occupancy_red(hubei, AFTER_DEADLINE) >= 1
    assert watch.occupancy_red(hubei, AFTER_DEADLINE) == 0
    # the coordinators too: they move patients across regions
    assert told_of(Event.Kind.OCCUPANCY_RED, full) == {"rita_huanggang", "carol_coordinator"}
    assert told_of(Event.Kind.OCCUPANCY_RED, hospitals["sender"]) == set()  # 2 of 10: green


def test_the_watch_tells_a_teams_donor_of_its_overdue_report(cast):
    hubei = participant("421100").programme
    team = team_services.register_team(
        donor=participant("370000"), name="Shandong 1st", members={resource("icu_nurse"): 10}
    )
    deployment = team_services.deploy(team=team, recipient=participant("421100"))
    team_services.dispatch_team(deployment=deployment)
    team_services.confirm_arrival(deployment=deployment, on=AT.date() - datetime.timedelta(1))
    assert watch.team_reports_overdue(hubei, AFTER_DEADLINE) == 1
    assert watch.team_reports_overdue(hubei, AFTER_DEADLINE) == 0
    assert told_of(Event.Kind.TEAM_REPORT_OVERDUE, deployment) == {"dan_shandong"}


def test_a_gap_over_the_coordinators_threshold_tells_them_and_the_paired_donors(cast):
    from pairaid.programmes import services as programme_services

    hubei = participant("421100").programme
    assert watch.gaps_over_threshold(hubei, AFTER_DEADLINE) == 0  # no threshold set: no alert
    programme_services.set_alerts(programme=hubei, escalate_after_hours=24, gap_alert_percent=50)
    raise_request(cast)  # 1000 masks, nothing pledged: the whole need is a gap
    assert watch.gaps_over_threshold(hubei, AFTER_DEADLINE) >= 1
    assert watch.gaps_over_threshold(hubei, AFTER_DEADLINE) == 0  # once per gap and day
    masks = Event.objects.get(
        kind=Event.Kind.GAP_OVER_THRESHOLD,
        subject_id=participant("421100").pk,
        args__resource="n95_mask",
    )
    assert masks.args["percent"] == 100 and masks.args["threshold"] == 50
    assert told_of(Event.Kind.GAP_OVER_THRESHOLD, participant("421100")) == {
        "carol_coordinator",
        "dan_shandong",
        "hugo_hunan",
    }


def test_an_open_request_near_its_expiry_tells_its_pair_once_in_their_language(cast):
    hubei = participant("421100").programme
    today = hubei.current_date()

    def expiring_in(days: int, status: str = Request.Status.OPEN) -> Request:
        request = raise_request(cast)
        Request.objects.filter(pk=request.pk).update(
            expires_on=today + datetime.timedelta(days), status=status
        )
        request.refresh_from_db()
        return request

    due = expiring_in(7)  # the window's last day
    later = expiring_in(8)  # not yet
    expiring_in(-1)  # already expired
    expiring_in(3, Request.Status.CLOSED)  # (withdrawn alike: only open requests expire)
    pledge, shipment = pledge_and_ship(cast)  # fulfilled: everything it asked for arrived
    request_services.confirm_receipt(shipment=shipment, received_quantity=Decimal(1000))
    Request.objects.filter(pk=pledge.line.request_id).update(expires_on=today)

    assert watch.requests_expiring(hubei, AT) == 1
    assert watch.requests_expiring(hubei, AFTER_DEADLINE) == 0  # once, not per check
    # the recipient renews it (no actor: the watch speaks), its paired donors pledge while it
    # lasts; the unrelated pair (Jiangxi, Suizhou) and the observer are not told
    assert told(Event.Kind.REQUEST_EXPIRING) == {"rita_huanggang", "dan_shandong", "hugo_hunan"}
    hubei.programme_date = today + datetime.timedelta(1)
    hubei.save(update_fields=["programme_date"])
    # the next day: only the one now 7 days from expiry, not the one already told (once per
    # request, not per day)
    assert watch.requests_expiring(hubei, AT) == 1
    told_requests = Event.objects.filter(kind=Event.Kind.REQUEST_EXPIRING)
    assert sorted(told_requests.values_list("subject_id", flat=True)) == [due.pk, later.pk]
    event = told_requests.get(subject_id=due.pk)
    named = texts.regions([event])
    with translation.override("zh-hans"):
        assert texts.summary(event, named) == (
            f"黄冈市 的需求申请 {due.number} 将于 {due.expires_on.isoformat()} 到期"
        )
    assert texts.summary(event, named).startswith(f"Request {due.number} of Huanggang")
    assert links.of_event(event).endswith(f"/requests/#request-{due.number}")


def test_every_kind_has_one_route_and_one_summary():
    assert set(routing.ROUTES) == set(Event.Kind.values) == set(texts.SUMMARIES)


def test_an_event_is_undone_with_the_change_that_failed(cast):
    """The event is written in the service's transaction: a refused change leaves none."""
    with pytest.raises(Exception, match="at least one line"):
        request_services.raise_request(recipient=participant("421100"), lines=[], user=None)
    assert not Event.objects.exists() and not Shipment.objects.exists()
