"""Who is on duty: deployments and the staff a team counts for."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from pairaid.operations.common import ZERO
from pairaid.operations.models import Deployment
from pairaid.pairing import levels
from pairaid.programmes.models import Programme
from pairaid.registry.models import ResourceType


def on_duty(deployment: Deployment, on: datetime.date) -> bool:
    """Whether the team counts as staff on duty at the recipient on a date."""
    return dates_on_duty(
        deployment.arrived_on,
        deployment.ended_on,
        deployment.planned_end,
        on,
        successor_arrived=lambda: any(
            d.arrived_on is not None for d in deployment.replaced_by.all()
        ),
    )


def dates_on_duty(
    arrived_on: datetime.date | None,
    ended_on: datetime.date | None,
    planned_end: datetime.date | None,
    on: datetime.date,
    *,
    successor_arrived: Callable[[], bool],
) -> bool:
    """`on_duty` from a deployment's dates, for reads that fetch them as plain rows; whether a
    successor has arrived is asked only where it matters."""
    if arrived_on is None or arrived_on > on:
        return False
    if ended_on is not None:
        return on < ended_on
    # A rotated team stays until the overlap after its successor's arrival has passed.
    if planned_end is not None and successor_arrived():
        return on < planned_end
    return True


def staff_counting_for(deployment: Deployment, resource: ResourceType) -> Decimal:
    """Members of a team who count for a resource: all personnel for the generic
    `medical_staff`, else those of that profession."""
    members = deployment.team.members.all()
    if resource.code == "medical_staff":
        return Decimal(sum(m.count for m in members))
    return Decimal(sum(m.count for m in members if m.resource_type_id == resource.pk))


STAFF_KINDS = ("deployed", "on_duty")


def staff_by_pairing(programme: Programme, on: datetime.date) -> list[levels.FamilyRow]:
    """The teams' staff by pairing as of a date: those that arrived (deployed) and those on
    duty, each parent's with its child pairings' added (`levels.family_rows`): Zhuhai's team in
    Mianchi counts in its own row and once in Guangdong → Wenchuan's. A team sent to a recipient
    its donor is not paired with belongs to no pairing and is left out of this view."""
    pairing_of = levels.pairing_of_pairs(programme.pk)
    own: dict[int, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(STAFF_KINDS, ZERO))
    arrived = (
        Deployment.objects.filter(team__programme=programme, arrived_on__lte=on)
        .select_related("team")
        .prefetch_related("team__members", "replaced_by")
    )
    for deployment in arrived:
        pairing = pairing_of.get((deployment.team.donor_id, deployment.recipient_id))
        if pairing is None:
            continue
        staff = Decimal(sum(m.count for m in deployment.team.members.all()))
        own[pairing]["deployed"] += staff
        if on_duty(deployment, on):
            own[pairing]["on_duty"] += staff
    return levels.family_rows(programme.pk, own, STAFF_KINDS)
