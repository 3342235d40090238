"""Gaps per recipient and resource: the need (figure or requests, whichever is larger) against
what was received and is in transit (goods, funds) or on duty (staff)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from pairaid.operations.common import ZERO
from pairaid.operations.models import Deployment, Shipment
from pairaid.operations.queries.funds import cash_flows
from pairaid.operations.queries.requests import requested_as_of
from pairaid.operations.queries.teams import on_duty
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType


@dataclass
class Gap:
    recipient: Participant
    resource: ResourceType
    need: Decimal
    received: Decimal
    in_transit: Decimal
    on_duty: Decimal
    # What the need is made of: the need figure at the date (None where there is none) and the
    # quantity the recipient's requests ask for; `need` is the larger of the two.
    assessed: Decimal | None = None
    requested: Decimal = ZERO

    @property
    def from_requests(self) -> bool:
        """The recipient's requests ask for more than the need figure (or there is none)."""
        return self.assessed is None or self.requested > self.assessed

    @property
    def gap(self) -> Decimal:
        if self.resource.kind == ResourceType.Kind.PERSONNEL:
            return self.need - self.on_duty
        return self.need - self.received - self.in_transit

    @property
    def over_supplied(self) -> bool:
        return self.gap < 0


def gaps(programme: Programme, on: datetime.date) -> list[Gap]:
    """Need − received − in transit (goods, funds); need − staff on duty (staff); largest first.

    The need is the recipient's need figure at the date or, where its requests ask for more (or
    there is no figure for the resource), what its requests ask for: a request raised for a
    resource nobody assessed is a gap too."""
    needs = programme_services.needs_as_of(programme=programme, on=on)
    assessed = {(k.participant_id, k.resource_code): p.line.quantity for k, p in needs.items()}
    requested = requested_as_of(programme, on)
    recipients = {
        p.pk: p
        for p in programme.participants.filter(role=Participant.Role.RECIPIENT).select_related(
            "region__parent"
        )
    }
    resources = {r.code: r for r in ResourceType.objects.all()}
    received: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    in_transit: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    shipments = Shipment.objects.filter(
        pledge__line__request__programme=programme, dispatched_on__lte=on
    ).select_related("pledge__line__request", "pledge__line__resource_type")
    for shipment in shipments:
        key = (shipment.pledge.line.request.recipient_id, shipment.pledge.line.resource_type.code)
        if (
            shipment.status == Shipment.Status.RECEIVED
            and shipment.received_on
            and shipment.received_on <= on
        ):
            received[key] += shipment.received_quantity or ZERO
        else:
            in_transit[key] += shipment.quantity
    for key, amount, arrived in cash_flows(programme, on):
        (received if arrived else in_transit)[key] += amount
    staff: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    deployments = (
        Deployment.objects.filter(recipient__programme=programme)
        .select_related("team")
        .prefetch_related("team__members__resource_type", "replaced_by")
    )
    for deployment in deployments:
        if not on_duty(deployment, on):
            continue
        for member in deployment.team.members.all():
            staff[(deployment.recipient_id, member.resource_type.code)] += member.count
            staff[(deployment.recipient_id, "medical_staff")] += member.count
    rows = []
    for k in sorted(assessed.keys() | requested.keys()):
        recipient = recipients.get(k[0])
        if recipient is None:
            continue
        figure = assessed.get(k)
        asked = requested.get(k, ZERO)
        rows.append(
            Gap(
                recipient,
                resources[k[1]],
                max(figure or ZERO, asked),
                received[k],
                in_transit[k],
                staff[k],
                assessed=figure,
                requested=asked,
            )
        )
    return sorted(rows, key=lambda g: g.gap, reverse=True)
