"""Who is on duty: deployments and the staff a team counts for."""

import datetime
from decimal import Decimal

from pairaid.operations.models import Deployment
from pairaid.registry.models import ResourceType


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


def staff_counting_for(deployment: Deployment, resource: ResourceType) -> Decimal:
    """Members of a team who count for a resource: all personnel for the generic
    `medical_staff`, else those of that profession."""
    members = deployment.team.members.all()
    if resource.code == "medical_staff":
        return Decimal(sum(m.count for m in members))
    return Decimal(sum(m.count for m in members if m.resource_type_id == resource.pk))
