"""Who each kind of event reaches: one function per kind, from the event's object to the ids of
the users whose role and region it concerns. The actor is never told of their own act
(`services.record` takes them out), and only members of the event's programme are reached.

Routes read the object as it stands when the event is recorded, inside the same transaction as
the change that caused it.
"""

from collections.abc import Callable
from typing import Any

from pairaid.accounts.models import Membership
from pairaid.assessment.models import Review
from pairaid.conversations import audiences
from pairaid.conversations.models import Event, Message, Thread
from pairaid.operations.models import (
    Deployment,
    Facility,
    Offer,
    Pledge,
    Request,
    Shipment,
    Transfer,
)
from pairaid.pairing.models import Pairing, PairingNotice, PlanRun
from pairaid.programmes.models import Participant
from pairaid.situation.models import SituationReport, Subscription

Role = Membership.Role
Kind = Event.Kind


def _paired_regions(participant: Participant, *, as_role: str) -> set[int]:
    """The regions of the participants paired with `participant` in a pairing in force or due
    (its donors when `as_role` is donor, its recipients otherwise)."""
    pairings = Pairing.objects.filter(programme=participant.programme_id).open()
    if as_role == Participant.Role.DONOR:
        rows = pairings.filter(recipient=participant).values_list("donor__region_id", flat=True)
    else:
        rows = pairings.filter(donor=participant).values_list("recipient__region_id", flat=True)
    return set(rows)


def request_raised(request: Request) -> set[int]:
    """The donors paired with the recipient that asks."""
    donors = _paired_regions(request.recipient, as_role=Participant.Role.DONOR)
    return audiences.officers(request.programme, Role.DONOR_OFFICER, donors)


def _recipients_officers(recipient: Participant) -> set[int]:
    return audiences.officers(recipient.programme, Role.RECIPIENT_OFFICER, [recipient.region_id])


def request_expiring(request: Request) -> set[int]:
    """The request's pair: the recipient that asks (theirs to renew) and the donors paired with
    it (theirs to pledge while it lasts)."""
    return request_raised(request) | _recipients_officers(request.recipient)


def _donors_officers(donor: Participant) -> set[int]:
    return audiences.officers(donor.programme, Role.DONOR_OFFICER, [donor.region_id])


def pledge_made(pledge: Pledge) -> set[int]:
    """The recipient whose request was pledged against."""
    return _recipients_officers(pledge.line.request.recipient)


def goods_dispatched(shipment: Shipment) -> set[int]:
    """The recipient the goods travel to."""
    return _recipients_officers(shipment.pledge.line.request.recipient)


def goods_received(shipment: Shipment) -> set[int]:
    """The donor that sent them; the coordinators too when something was missing or damaged."""
    told = _donors_officers(shipment.pledge.donor)
    if shipment.discrepancies.exists():
        told |= audiences.coordinators(shipment.pledge.donor.programme)
    return told


def team_arrived(deployment: Deployment) -> set[int]:
    """The donor whose team the recipient confirmed on duty."""
    return _donors_officers(deployment.team.donor)


def _side(transfer: Transfer, *, receiving: bool) -> set[int]:
    """The officers of one side of a transfer: its facility's, and its region's recipient
    officers (a community queue's side is its region alone)."""
    facility = transfer.receiving_facility if receiving else transfer.sending_facility
    region_id = facility.recipient.region_id if facility else transfer.sending.region_id
    return audiences.members(
        transfer.programme,
        roles=[Role.RECIPIENT_OFFICER],
        region_ids=[region_id],
        facility_ids=[facility.pk] if facility else [],
    )


def transfer_requested(transfer: Transfer) -> set[int]:
    """The receiving side, which accepts or declines."""
    return _side(transfer, receiving=True)


def transfer_awaiting_approval(transfer: Transfer) -> set[int]:
    """The coordinators, who approve a transfer across regions before the receiving side
    decides."""
    return audiences.coordinators(transfer.programme)


def transfer_decided(transfer: Transfer) -> set[int]:
    """The sending side, told of the receiving side's answer."""
    return _side(transfer, receiving=False)


def offer_made(offer: Offer) -> set[int]:
    """The recipients paired with the donor that offers: theirs to take."""
    recipients = _paired_regions(offer.donor, as_role=Participant.Role.RECIPIENT)
    return audiences.officers(offer.programme, Role.RECIPIENT_OFFICER, recipients)


def plan_run_finished(run: PlanRun) -> set[int]:
    """The coordinators (who approve runs) and whoever started it."""
    told = audiences.coordinators(run.programme)
    starter = {run.created_by_id} if run.created_by_id is not None else set()
    return told | (starter & audiences.everyone(run.programme))


def pairing_approved(run: PlanRun) -> set[int]:
    """The coordinators, and the officers of every region in the plan now in force (started or
    kept by the approval, whose split may have changed) or in a pairing it ended."""
    pairings = Pairing.objects.filter(programme=run.programme_id).open() | Pairing.objects.filter(
        superseded_by=run
    )
    donors = set(pairings.values_list("donor__region_id", flat=True))
    recipients = set(pairings.values_list("recipient__region_id", flat=True))
    programme = run.programme
    return (
        audiences.coordinators(programme)
        | audiences.officers(programme, Role.DONOR_OFFICER, donors)
        | audiences.officers(programme, Role.RECIPIENT_OFFICER, recipients)
    )


def notice_published(notice: PairingNotice) -> set[int]:
    """A published notice is the programme's public act: every member."""
    return audiences.everyone(notice.programme)


def mention(message: Message) -> set[int]:
    """The users named in the message (each one checked able to read it when it was posted)."""
    return set(message.mentions.values_list("pk", flat=True))


def message(message: Message) -> set[int]:
    """Those whose thread it is: a pair's officers and the coordinators; every member for an
    announcement; for an object's thread, whoever has written in it. Those it mentions are
    told by the mention instead."""
    thread = message.thread
    if thread.kind in (Thread.Kind.PAIR, Thread.Kind.ANNOUNCEMENTS):
        told = audiences.readers(thread)
    else:
        told = set(
            thread.messages.exclude(author=None).values_list("author_id", flat=True)
        ) & audiences.readers(thread)
    return told - mention(message)


def situation_report_issued(report: SituationReport) -> set[int]:
    """The coordinators, and the members who subscribe to the programme's reports (a former
    member's subscription reaches no one)."""
    programme = report.programme
    subscribers = set(
        Subscription.objects.filter(programme=programme).values_list("user_id", flat=True)
    )
    return audiences.coordinators(programme) | (subscribers & audiences.everyone(programme))


def _facility_side(facility: Facility) -> set[int]:
    """Those who report a facility's beds: its own officers, and its region's recipient
    officers."""
    return audiences.members(
        facility.programme,
        roles=[Role.RECIPIENT_OFFICER],
        region_ids=[facility.recipient.region_id],
        facility_ids=[facility.pk],
    )


def facility_report_overdue(facility: Facility) -> set[int]:
    """Those who report its beds: theirs to file."""
    return _facility_side(facility)


def occupancy_red(facility: Facility) -> set[int]:
    """Those who report its beds, and the coordinators, who move patients across regions."""
    return _facility_side(facility) | audiences.coordinators(facility.programme)


def team_report_overdue(deployment: Deployment) -> set[int]:
    """The officers of the donor whose team owes the report."""
    return _donors_officers(deployment.team.donor)


def gap_over_threshold(recipient: Participant) -> set[int]:
    """The coordinators, who set the threshold, and the donors paired with the recipient, who
    would fill the gap."""
    donors = _paired_regions(recipient, as_role=Participant.Role.DONOR)
    return audiences.coordinators(recipient.programme) | audiences.officers(
        recipient.programme, Role.DONOR_OFFICER, donors
    )


def escalated(event: Event) -> set[int]:
    """The coordinators of the programme of an actionable event nobody acknowledged."""
    return audiences.coordinators(event.programme)


def assessment_step(review: Review) -> set[int]:
    """Whoever takes the step the review awaits: the donor's officers (self-assessment), the
    recipient's (opinion), the cross-checker's officers of either side (cross-check; the
    coordinators while none is assigned), the coordinators (final score, publication)."""
    from pairaid.assessment import services as assessment_services

    name = assessment_services.awaited_step(review)
    step = assessment_services.STEPS[name] if name else None
    region_id = assessment_services.side_region(review, step) if step else None
    programme = review.assessment.programme
    if step is None or region_id is None:
        return audiences.coordinators(programme)
    if step.side == "cross_checker":
        return audiences.officers(programme, Role.DONOR_OFFICER, [region_id]) | (
            audiences.officers(programme, Role.RECIPIENT_OFFICER, [region_id])
        )
    role = Role.DONOR_OFFICER if step.side == "donor" else Role.RECIPIENT_OFFICER
    return audiences.officers(programme, role, [region_id])


ROUTES: dict[str, Callable[[Any], set[int]]] = {
    Kind.PAIRING_APPROVED: pairing_approved,
    Kind.NOTICE_PUBLISHED: notice_published,
    Kind.REQUEST_RAISED: request_raised,
    Kind.REQUEST_EXPIRING: request_expiring,
    Kind.PLEDGE_MADE: pledge_made,
    Kind.GOODS_DISPATCHED: goods_dispatched,
    Kind.TEAM_ARRIVED: team_arrived,
    Kind.GOODS_RECEIVED: goods_received,
    Kind.TRANSFER_REQUESTED: transfer_requested,
    Kind.TRANSFER_AWAITING_APPROVAL: transfer_awaiting_approval,
    Kind.TRANSFER_ACCEPTED: transfer_decided,
    Kind.TRANSFER_DECLINED: transfer_decided,
    Kind.OFFER_MADE: offer_made,
    Kind.PLAN_RUN_FINISHED: plan_run_finished,
    Kind.MENTION: mention,
    Kind.MESSAGE: message,
    Kind.SITUATION_REPORT_ISSUED: situation_report_issued,
    Kind.FACILITY_REPORT_OVERDUE: facility_report_overdue,
    Kind.OCCUPANCY_RED: occupancy_red,
    Kind.TEAM_REPORT_OVERDUE: team_report_overdue,
    Kind.GAP_OVER_THRESHOLD: gap_over_threshold,
    Kind.ESCALATED: escalated,
    Kind.ASSESSMENT_STEP_DUE: assessment_step,
    Kind.ASSESSMENT_STEP_OVERDUE: assessment_step,
}
