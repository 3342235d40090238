"""Use cases of the programme's operations: the state machines of the one ledger (requests →
pledges → shipments → receipts; staff through deployments; funds through disbursements), teams
and rotations. Each use case is one transaction; history records who and when."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext

from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.operations.models import (
    Deployment,
    Disbursement,
    Discrepancy,
    Facility,
    FundCommitment,
    Pledge,
    Request,
    RequestLine,
    Shipment,
    Team,
    TeamMember,
)
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType

ZERO = Decimal(0)


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _expiry(on: datetime.date) -> datetime.date:
    return on + datetime.timedelta(days=settings.PAIRAID_REQUEST_EXPIRY_DAYS)


@dataclass(frozen=True)
class LineIn:
    resource_type: ResourceType
    quantity: Decimal
    priority: str = RequestLine.Priority.NORMAL
    needed_by: datetime.date | None = None


@transaction.atomic
def raise_request(
    *,
    recipient: Participant,
    lines: Sequence[LineIn],
    user: Any,
    note: str = "",
    on: datetime.date | None = None,
) -> Request:
    """A recipient asks for resources; business dates default to the programme date."""
    programme = recipient.programme
    problems = []
    if recipient.role != Participant.Role.RECIPIENT:
        problems.append(
            Problem(
                gettext("%(recipient)s is not a recipient")
                % {"recipient": recipient.region.name_en},
                column="recipient",
            )
        )
    if not lines:
        problems.append(Problem(gettext("a request needs at least one line"), column="lines"))
    problems += [
        Problem(
            gettext("lines[%(i)s].quantity: must be > 0, got %(quantity)s")
            % {"i": i, "quantity": line.quantity},
            column="quantity",
        )
        for i, line in enumerate(lines)
        if line.quantity <= 0
    ]
    if problems:
        raise ValidationFailed(problems)
    raised_on = on or programme.current_date()
    number = (
        Request.objects.filter(programme=programme).aggregate(top=Max("number"))["top"] or 0
    ) + 1
    request = Request.objects.create(
        programme=programme,
        recipient=recipient,
        number=number,
        raised_on=raised_on,
        expires_on=_expiry(raised_on),
        note=note,
        raised_by=_user(user),
    )
    for line in lines:
        RequestLine.objects.create(
            request=request,
            resource_type=line.resource_type,
            quantity=line.quantity,
            priority=line.priority,
            needed_by=line.needed_by,
        )
    return request


def is_expired(request: Request, on: datetime.date) -> bool:
    return request.status == Request.Status.OPEN and request.expires_on < on


@transaction.atomic
def renew_request(*, request: Request, on: datetime.date | None = None) -> Request:
    if request.status != Request.Status.OPEN:
        raise Conflict(
            gettext("request %(number)s is %(status)s; only open requests are renewed")
            % {"number": request.number, "status": request.status}
        )
    request.expires_on = _expiry(on or request.programme.current_date())
    request.save(update_fields=["expires_on"])
    return request


def pledged(line: RequestLine) -> Decimal:
    total = line.pledges.filter(status=Pledge.Status.PLEDGED).aggregate(total=Sum("quantity"))[
        "total"
    ]
    return total or ZERO


@transaction.atomic
def pledge(
    *,
    line: RequestLine,
    donor: Participant,
    quantity: Decimal,
    user: Any,
    note: str = "",
    on: datetime.date | None = None,
) -> Pledge:
    """A donor pledges against an open request line; beyond the line only with a note."""
    line = (
        RequestLine.objects.select_for_update().select_related("request__programme").get(pk=line.pk)
    )
    request = line.request
    today = on or request.programme.current_date()
    if request.status != Request.Status.OPEN or is_expired(request, today):
        state = "expired" if is_expired(request, today) else request.status
        raise Conflict(
            gettext("request %(number)s is %(state)s; it takes no pledges")
            % {"number": request.number, "state": state}
        )
    problems = []
    if donor.role != Participant.Role.DONOR or donor.programme_id != request.programme_id:
        problems.append(
            Problem(
                gettext("%(donor)s is not a donor of this programme")
                % {"donor": donor.region.name_en},
                column="donor",
            )
        )
    if quantity <= 0:
        problems.append(
            Problem(gettext("must be > 0, got %(value)s") % {"value": quantity}, column="quantity")
        )
    remaining = line.quantity - pledged(line)
    if quantity > remaining and not note.strip():
        problems.append(
            Problem(
                gettext(
                    "pledging %(quantity)s goes beyond what the line still needs (%(remaining)s); "
                    "say why in a note"
                )
                % {"quantity": quantity, "remaining": remaining},
                column="note",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    return Pledge.objects.create(
        line=line,
        donor=donor,
        quantity=quantity,
        pledged_on=today,
        note=note,
        pledged_by=_user(user),
    )


def _is_personnel(resource: ResourceType) -> bool:
    return resource.kind == ResourceType.Kind.PERSONNEL


def _is_funds(resource: ResourceType) -> bool:
    return resource.kind == ResourceType.Kind.FUNDS


@transaction.atomic
def dispatch(
    *,
    pledge: Pledge,
    quantity: Decimal,
    on: datetime.date | None = None,
    reference: str = "",
    value_cny: Decimal | None = None,
) -> Shipment:
    """Goods leave the donor against a pledge (staff move through deployments, funds through
    disbursements)."""
    pledge = (
        Pledge.objects.select_for_update()
        .select_related("line__resource_type", "line__request__programme")
        .get(pk=pledge.pk)
    )
    if pledge.status != Pledge.Status.PLEDGED:
        raise Conflict(gettext("a cancelled pledge is not dispatched"))
    if _is_personnel(pledge.line.resource_type):
        raise Conflict(gettext("staff are dispatched as a team deployment, not a shipment"))
    if _is_funds(pledge.line.resource_type):
        raise Conflict(gettext("funds are disbursed against the pledge, not shipped"))
    sent = pledge.shipments.aggregate(total=Sum("quantity"))["total"] or ZERO
    if quantity <= 0 or sent + quantity > pledge.quantity:
        raise ValidationFailed(
            [
                Problem(
                    gettext(
                        "dispatch 0 < quantity <= %(value)s (pledged %(quantity)s, sent %(sent)s)"
                    )
                    % {"value": pledge.quantity - sent, "quantity": pledge.quantity, "sent": sent},
                    column="quantity",
                )
            ]
        )
    return Shipment.objects.create(
        pledge=pledge,
        quantity=quantity,
        dispatched_on=on or pledge.line.request.programme.current_date(),
        reference=reference,
        value_cny=value_cny,
    )


@transaction.atomic
def mark_in_transit(*, shipment: Shipment) -> Shipment:
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status != Shipment.Status.DISPATCHED:
        raise Conflict(
            gettext("a shipment that is %(status)s cannot go in transit")
            % {"status": shipment.status}
        )
    shipment.status = Shipment.Status.IN_TRANSIT
    shipment.save(update_fields=["status"])
    return shipment


@dataclass(frozen=True)
class DiscrepancyIn:
    kind: str
    quantity: Decimal
    note: str = ""


@transaction.atomic
def confirm_receipt(
    *,
    shipment: Shipment,
    received_quantity: Decimal,
    discrepancies: Sequence[DiscrepancyIn] = (),
    on: datetime.date | None = None,
) -> Shipment:
    """The recipient confirms what actually arrived; any shortfall is kept as a discrepancy."""
    shipment = (
        Shipment.objects.select_for_update()
        .select_related("pledge__line__request__programme")
        .get(pk=shipment.pk)
    )
    if shipment.status == Shipment.Status.RECEIVED:
        raise Conflict(
            gettext("this shipment was already received; a received shipment is not edited")
        )
    if received_quantity < 0:
        raise ValidationFailed(
            [
                Problem(
                    gettext("must be >= 0, got %(value)s") % {"value": received_quantity},
                    column="received_quantity",
                )
            ]
        )
    shipment.status = Shipment.Status.RECEIVED
    shipment.received_on = on or shipment.pledge.line.request.programme.current_date()
    shipment.received_quantity = received_quantity
    shipment.save(update_fields=["status", "received_on", "received_quantity"])
    recorded = list(discrepancies)
    shortfall = shipment.quantity - received_quantity
    if shortfall > 0 and not recorded:
        recorded.append(DiscrepancyIn(Discrepancy.Kind.SHORT, shortfall, "recorded at receipt"))
    for item in recorded:
        Discrepancy.objects.create(
            shipment=shipment, kind=item.kind, quantity=item.quantity, note=item.note
        )
    return shipment


# Teams and deployments: staff move through the ledger as teams (DESIGN.md §2).


@transaction.atomic
def register_team(
    *,
    donor: Participant,
    name: str,
    members: dict[ResourceType, int],
    emt_type: str = Team.EmtType.OTHER,
    leader: str = "",
    home_institution: str = "",
) -> Team:
    problems = []
    if donor.role != Participant.Role.DONOR:
        problems.append(
            Problem(
                gettext("%(donor)s is not a donor") % {"donor": donor.region.name_en},
                column="donor",
            )
        )
    problems += [
        Problem(
            gettext("%(code)s is not a profession (personnel)") % {"code": resource.code},
            column="members",
        )
        for resource in members
        if not _is_personnel(resource)
    ]
    if not members or sum(members.values()) <= 0:
        problems.append(Problem(gettext("a team needs members"), column="members"))
    if problems:
        raise ValidationFailed(problems)
    team = Team.objects.create(
        programme=donor.programme,
        donor=donor,
        name=name,
        emt_type=emt_type,
        leader=leader,
        home_institution=home_institution,
    )
    for resource, count in members.items():
        TeamMember.objects.create(team=team, resource_type=resource, count=count)
    return team


@transaction.atomic
def deploy(
    *,
    team: Team,
    recipient: Participant,
    facility: Facility | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    pledge: Pledge | None = None,
    replaces: Deployment | None = None,
    overlap_days: int = 0,
) -> Deployment:
    """Plan a team's deployment to a recipient (facility); a rotation names the one it replaces."""
    programme = team.programme
    problems = []
    if recipient.role != Participant.Role.RECIPIENT or recipient.programme_id != programme.pk:
        problems.append(
            Problem(
                gettext("%(recipient)s is not a recipient of this programme")
                % {"recipient": recipient.region.name_en},
                column="recipient",
            )
        )
    if facility is not None and facility.recipient_id != recipient.pk:
        problems.append(
            Problem(
                gettext("%(facility)s is not in %(recipient)s")
                % {"facility": facility.name, "recipient": recipient.region.name_en},
                column="facility",
            )
        )
    if pledge is not None and not _is_personnel(pledge.line.resource_type):
        problems.append(
            Problem(
                gettext("a deployment fulfils a staff pledge, not a goods or funds one"),
                column="pledge",
            )
        )
    if replaces is not None and replaces.recipient_id != recipient.pk:
        problems.append(
            Problem(
                gettext("a rotation replaces a deployment at the same recipient"), column="replaces"
            )
        )
    start = start or programme.current_date()
    if end is not None and end < start:
        problems.append(
            Problem(
                gettext("ends (%(end)s) before it starts (%(start)s)")
                % {"end": end, "start": start},
                column="end",
            )
        )
    busy = team.deployments.exclude(status__in=[Deployment.Status.ENDED])
    if replaces is not None:
        busy = busy.exclude(pk=replaces.pk)
    if busy.exists():
        problems.append(
            Problem(
                gettext("%(team)s is already deployed or planned elsewhere") % {"team": team.name},
                column="team",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    return Deployment.objects.create(
        team=team,
        recipient=recipient,
        facility=facility,
        pledge=pledge,
        planned_start=start,
        planned_end=end,
        replaces=replaces,
        overlap_days=overlap_days,
    )


def _move(
    deployment: Deployment, expected: str, target: str, date_field: str, on: datetime.date | None
) -> Deployment:
    deployment = (
        Deployment.objects.select_for_update()
        .select_related("team__programme")
        .get(pk=deployment.pk)
    )
    if deployment.status != expected:
        raise Conflict(
            gettext("a deployment that is %(status)s cannot become %(target)s")
            % {"status": deployment.status, "target": target}
        )
    deployment.status = target
    setattr(deployment, date_field, on or deployment.team.programme.current_date())
    deployment.save(update_fields=["status", date_field])
    return deployment


@transaction.atomic
def dispatch_team(*, deployment: Deployment, on: datetime.date | None = None) -> Deployment:
    """The team leaves: in transit."""
    return _move(
        deployment, Deployment.Status.PLANNED, Deployment.Status.DISPATCHED, "dispatched_on", on
    )


@transaction.atomic
def confirm_arrival(*, deployment: Deployment, on: datetime.date | None = None) -> Deployment:
    """The recipient confirms the team arrived: received, on duty. A rotation's predecessor is
    set to end after the overlap."""
    arrived = _move(
        deployment, Deployment.Status.DISPATCHED, Deployment.Status.ARRIVED, "arrived_on", on
    )
    previous = arrived.replaces
    if previous is not None and previous.status == Deployment.Status.ARRIVED:
        assert arrived.arrived_on is not None
        previous.planned_end = arrived.arrived_on + datetime.timedelta(days=arrived.overlap_days)
        previous.save(update_fields=["planned_end"])
    return arrived


@transaction.atomic
def end_deployment(*, deployment: Deployment, on: datetime.date | None = None) -> Deployment:
    return _move(deployment, Deployment.Status.ARRIVED, Deployment.Status.ENDED, "ended_on", on)


def on_duty(deployment: Deployment, on: datetime.date) -> bool:
    """Whether the team counts as staff on duty at the recipient on a date."""
    if deployment.arrived_on is None or deployment.arrived_on > on:
        return False
    if deployment.ended_on is not None:
        return on < deployment.ended_on
    # A rotated team stays until the overlap after its successor's arrival has passed.
    successor_arrived = any(d.arrived_on is not None for d in deployment.replaced_by.all())
    if successor_arrived and deployment.planned_end is not None:
        return on < deployment.planned_end
    return True


# Facilities, contacts and daily reports.


@transaction.atomic
def register_facility(
    *,
    recipient: Participant,
    name: str,
    kind: str = "hospital",
    beds: int | None = None,
    icu_beds: int | None = None,
) -> Facility:
    if recipient.role != Participant.Role.RECIPIENT:
        raise ValidationFailed(
            [
                Problem(
                    gettext("%(recipient)s is not a recipient")
                    % {"recipient": recipient.region.name_en},
                    column="recipient",
                )
            ]
        )
    if Facility.objects.filter(recipient=recipient, name=name).exists():
        raise ValidationFailed(
            [
                Problem(
                    gettext("%(name)s is already registered in %(recipient)s")
                    % {"name": name, "recipient": recipient.region.name_en},
                    column="name",
                )
            ]
        )
    return Facility.objects.create(
        programme=recipient.programme,
        recipient=recipient,
        name=name,
        kind=kind,
        beds=beds,
        icu_beds=icu_beds,
    )


@transaction.atomic
def record_snapshot(
    *, facility: Facility, on: datetime.date | None = None, **counts: int | None
) -> Any:
    from pairaid.operations.models import FacilitySnapshot

    allowed = {"beds_available", "beds_occupied", "icu_available", "icu_occupied"}
    unknown = set(counts) - allowed
    if unknown:
        raise ValidationFailed(
            [
                Problem(gettext("unknown count %(name)s") % {"name": repr(name)}, column=name)
                for name in sorted(unknown)
            ]
        )
    snapshot, _ = FacilitySnapshot.objects.update_or_create(
        facility=facility, date=on or facility.programme.current_date(), defaults=counts
    )
    return snapshot


@transaction.atomic
def add_contact(
    *,
    programme: Programme,
    name: str,
    role: str,
    phone: str = "",
    email: str = "",
    participant: Participant | None = None,
    team: Team | None = None,
    facility: Facility | None = None,
) -> Any:
    from pairaid.operations.models import Contact

    if sum(x is not None for x in (participant, team, facility)) != 1:
        raise ValidationFailed(
            [Problem(gettext("a contact belongs to one participant, team or facility"))]
        )
    return Contact.objects.create(
        programme=programme,
        participant=participant,
        team=team,
        facility=facility,
        name=name,
        role=role,
        phone=phone,
        email=email,
    )


REPORT_FIELDS = (
    "patients_seen",
    "admitted",
    "severe",
    "critical",
    "recovered",
    "deaths",
    "staff_on_duty",
)


@transaction.atomic
def file_report(
    *, team: Team, on: datetime.date | None = None, shortages: str = "", **figures: int
) -> Any:
    """A team's daily report; filing again for the same day replaces it."""
    from pairaid.operations.models import DailyReport

    problems = [
        Problem(gettext("unknown figure %(name)s") % {"name": repr(name)}, column=name)
        for name in figures
        if name not in REPORT_FIELDS
    ]
    problems += [
        Problem(gettext("must be >= 0, got %(value)s") % {"value": value}, column=name)
        for name, value in figures.items()
        if value < 0
    ]
    if problems:
        raise ValidationFailed(problems)
    report, _ = DailyReport.objects.update_or_create(
        team=team,
        date=on or team.programme.current_date(),
        defaults={**figures, "shortages": shortages},
    )
    return report


# Funds: commitments per pair and year, and disbursements against them (IATI's terms: pledge →
# commitment → disbursement). A disbursement is in transit until the recipient confirms it.

CENT = Decimal("0.01")


@transaction.atomic
def commit_funds(
    *,
    donor: Participant,
    recipient: Participant,
    year: int,
    amount: Decimal,
    kind: str = FundCommitment.Kind.CASH,
    description: str = "",
) -> FundCommitment:
    from pairaid.pairing.models import Pairing

    problems = []
    if donor.role != Participant.Role.DONOR or recipient.role != Participant.Role.RECIPIENT:
        problems.append(Problem(gettext("a commitment goes from a donor to a recipient")))
    if amount <= 0:
        problems.append(
            Problem(gettext("must be > 0, got %(value)s") % {"value": amount}, column="amount")
        )
    if not Pairing.objects.filter(
        programme=donor.programme, donor=donor, recipient=recipient
    ).exists():
        problems.append(
            Problem(
                gettext("%(donor)s is not paired with %(recipient)s")
                % {"donor": donor.region.name_en, "recipient": recipient.region.name_en},
                column="recipient",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    return FundCommitment.objects.create(
        programme=donor.programme,
        donor=donor,
        recipient=recipient,
        year=year,
        amount=amount,
        kind=kind,
        description=description,
    )


def _disbursed(commitment: FundCommitment) -> Decimal:
    return commitment.disbursements.aggregate(total=Sum("amount"))["total"] or ZERO


def _amount_problem(amount: Decimal, limit: Decimal, message: str) -> list[Problem]:
    """A disbursement is positive, in whole cents and within what is left (`limit`)."""
    if 0 < amount <= limit and amount == amount.quantize(CENT):
        return []
    return [Problem(message, column="amount")]


@transaction.atomic
def disburse(
    *,
    commitment: FundCommitment,
    amount: Decimal,
    on: datetime.date | None = None,
    reference: str = "",
) -> Disbursement:
    """Money (or in-kind value) actually transferred; never beyond what was committed."""
    commitment = FundCommitment.objects.select_for_update().get(pk=commitment.pk)
    paid = _disbursed(commitment)
    problems = _amount_problem(
        amount,
        commitment.amount - paid,
        gettext("0 < amount <= %(value)s (committed %(amount)s, disbursed %(paid)s)")
        % {"value": commitment.amount - paid, "amount": commitment.amount, "paid": paid},
    )
    if problems:
        raise ValidationFailed(problems)
    return Disbursement.objects.create(
        commitment=commitment,
        amount=amount,
        date=on or commitment.programme.current_date(),
        reference=reference,
    )


def _commitment_covering(pledge: Pledge, year: int, amount: Decimal) -> FundCommitment:
    """The pair's cash commitment of the year, created or raised so that it covers `amount` more.

    The pledge, made against the recipient's request, is the donor's promise: disbursing on it
    commits the money if no commitment of that pair and year has room for it (the raise is kept
    in the commitment's history)."""
    request = pledge.line.request
    commitment = (
        FundCommitment.objects.select_for_update()
        .filter(
            programme=request.programme,
            donor=pledge.donor,
            recipient=request.recipient,
            year=year,
            kind=FundCommitment.Kind.CASH,
        )
        .order_by("pk")
        .first()
    )
    if commitment is None:
        return FundCommitment.objects.create(
            programme=request.programme,
            donor=pledge.donor,
            recipient=request.recipient,
            year=year,
            kind=FundCommitment.Kind.CASH,
            amount=amount,
            description="covers funds pledged against requests",
        )
    paid = _disbursed(commitment)
    if paid + amount > commitment.amount:
        commitment.amount = paid + amount
        commitment.save(update_fields=["amount"])
    return commitment


def _currency_problems(pledge: Pledge) -> list[Problem]:
    unit = pledge.line.resource_type.unit
    currency = pledge.line.request.programme.currency
    if unit and currency and unit.upper() != currency.upper():
        return [
            Problem(
                gettext(
                    "the line asks for %(unit)s but the programme's currency is %(currency)s; "
                    "disbursements are in the programme's currency"
                )
                % {"unit": unit, "currency": currency},
                column="pledge",
            )
        ]
    return []


@transaction.atomic
def disburse_pledge(
    *,
    pledge: Pledge,
    amount: Decimal,
    on: datetime.date | None = None,
    reference: str = "",
) -> Disbursement:
    """Money leaves the donor against a funds pledge: in transit until the recipient confirms.
    Never beyond the pledge (as a shipment never goes beyond its pledge)."""
    pledge = (
        Pledge.objects.select_for_update()
        .select_related("donor", "line__resource_type", "line__request__programme")
        .get(pk=pledge.pk)
    )
    if pledge.status != Pledge.Status.PLEDGED:
        raise Conflict(gettext("a cancelled pledge is not disbursed"))
    if not _is_funds(pledge.line.resource_type):
        raise Conflict(
            gettext("only a funds pledge is disbursed; goods are shipped and staff deployed")
        )
    paid = pledge.disbursements.aggregate(total=Sum("amount"))["total"] or ZERO
    problems = _currency_problems(pledge) + _amount_problem(
        amount,
        pledge.quantity - paid,
        gettext(
            "disburse 0 < amount <= %(value)s in whole cents "
            "(pledged %(pledged)s, disbursed %(paid)s)"
        )
        % {"value": pledge.quantity - paid, "pledged": pledge.quantity, "paid": paid},
    )
    if problems:
        raise ValidationFailed(problems)
    day = on or pledge.line.request.programme.current_date()
    return Disbursement.objects.create(
        commitment=_commitment_covering(pledge, day.year, amount),
        pledge=pledge,
        amount=amount,
        date=day,
        reference=reference,
    )


@transaction.atomic
def confirm_disbursement(
    *,
    disbursement: Disbursement,
    received_amount: Decimal,
    note: str = "",
    on: datetime.date | None = None,
) -> Disbursement:
    """The recipient confirms the money arrived and how much; a shortfall is kept as a
    discrepancy. A confirmed disbursement is not edited again."""
    disbursement = (
        Disbursement.objects.select_for_update()
        .select_related("commitment__programme")
        .get(pk=disbursement.pk)
    )
    if disbursement.status == Disbursement.Status.RECEIVED:
        raise Conflict(
            gettext(
                "this disbursement was already confirmed; a confirmed disbursement is not edited"
            )
        )
    day = on or disbursement.commitment.programme.current_date()
    problems = []
    if not 0 <= received_amount <= disbursement.amount:
        problems.append(
            Problem(
                gettext("0 <= received amount <= %(amount)s (what was disbursed), got %(value)s")
                % {"amount": disbursement.amount, "value": received_amount},
                column="received_amount",
            )
        )
    if day < disbursement.date:
        problems.append(
            Problem(
                gettext("received on %(day)s, before it was disbursed on %(date)s")
                % {"day": day, "date": disbursement.date},
                column="received_on",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    disbursement.status = Disbursement.Status.RECEIVED
    disbursement.received_on = day
    disbursement.received_amount = received_amount
    disbursement.save(update_fields=["status", "received_on", "received_amount"])
    shortfall = disbursement.amount - received_amount
    if shortfall > 0:
        Discrepancy.objects.create(
            disbursement=disbursement,
            kind=Discrepancy.Kind.SHORT,
            quantity=shortfall,
            note=note or "recorded at receipt",
        )
    return disbursement
