"""Gaps per recipient and resource: the need (figure or requests, whichever is larger) against
what was received (goods shipped or accepted as sent ahead, funds) and is in transit, or on duty
(staff)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from operator import contains

from django.db.models import Count, Q, Sum

from pairaid.operations.common import ZERO
from pairaid.operations.models import Deployment, PushDelivery, Shipment, TeamMember
from pairaid.operations.queries.funds import cash_flows
from pairaid.operations.queries.requests import requested_as_of
from pairaid.operations.queries.teams import dates_on_duty
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
    received, in_transit = _shipped(programme, on)
    for key, amount, arrived in cash_flows(programme, on):
        (received if arrived else in_transit)[key] += amount
    staff = _staff_on_duty(programme, on)
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


Totals = dict[tuple[int, str], Decimal]  # per (recipient, resource code)


def _shipped(programme: Programme, on: datetime.date) -> tuple[Totals, Totals]:
    """Goods received by the date and still in transit, per recipient and resource, summed by
    the database (a national programme ships thousands of times). Goods sent ahead (push
    deliveries) count as received once the recipient accepted them."""
    arrived = Q(status=Shipment.Status.RECEIVED, received_on__isnull=False, received_on__lte=on)
    received: Totals = defaultdict(Decimal)
    in_transit: Totals = defaultdict(Decimal)
    totals = (
        Shipment.objects.filter(pledge__line__request__programme=programme, dispatched_on__lte=on)
        .order_by()
        .values_list("pledge__line__request__recipient_id", "pledge__line__resource_type__code")
        .annotate(
            arrived=Sum("received_quantity", filter=arrived),
            arriving=Sum("quantity", filter=~arrived),
            # Whether any received shipment counted (its quantity may be unknown: then zero).
            arrivals=Count("pk", filter=arrived),
            departures=Count("pk", filter=~arrived),
        )
    )
    for recipient, resource, got, coming, arrivals, departures in totals:
        key = (recipient, resource)
        if arrivals:
            received[key] += ZERO if got is None else got
        if departures:
            in_transit[key] += coming
    pushed = (
        PushDelivery.objects.filter(
            programme=programme, status=PushDelivery.Status.ACCEPTED, accepted_on__lte=on
        )
        .order_by()
        .values_list("recipient_id", "resource_type__code")
        .annotate(accepted=Sum("quantity"))
    )
    for recipient, resource, accepted in pushed:
        received[(recipient, resource)] += accepted
    return received, in_transit


def _staff_on_duty(programme: Programme, on: datetime.date) -> Totals:
    """Staff on duty per recipient: each profession, and all of them as `medical_staff`."""
    members: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for team, resource, count in TeamMember.objects.filter(team__programme=programme).values_list(
        "team_id", "resource_type__code", "count"
    ):
        members[team].append((resource, count))
    deployments = Deployment.objects.filter(recipient__programme=programme)
    # Deployments whose successor has arrived (their team stays until the planned end).
    relieved = set(
        Deployment.objects.filter(replaces__in=deployments, arrived_on__isnull=False).values_list(
            "replaces_id", flat=True
        )
    )
    rows = deployments.order_by().values_list(
        "pk", "team_id", "recipient_id", "arrived_on", "ended_on", "planned_end"
    )
    staff: Totals = defaultdict(Decimal)
    for pk, team, recipient, arrived_on, ended_on, planned_end in rows:
        if not dates_on_duty(
            arrived_on, ended_on, planned_end, on, successor_arrived=partial(contains, relieved, pk)
        ):
            continue
        for resource, count in members[team]:
            staff[(recipient, resource)] += count
            staff[(recipient, "medical_staff")] += count
    return staff
