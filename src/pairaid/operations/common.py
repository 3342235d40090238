"""Helpers that both sides of operations share (the use cases in `services/`, the reads in
`queries/`): the resource kinds that take different routes through the ledger."""

from decimal import Decimal

from pairaid.registry.models import ResourceType

ZERO = Decimal(0)


def is_personnel(resource: ResourceType) -> bool:
    """Staff: fulfilled by team deployments, not shipments."""
    return resource.kind == ResourceType.Kind.PERSONNEL


def is_funds(resource: ResourceType) -> bool:
    """Money: fulfilled by disbursements, not shipments."""
    return resource.kind == ResourceType.Kind.FUNDS
