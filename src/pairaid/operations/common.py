"""Helpers that both sides of operations share (the use cases in `services/`, the reads in
`queries/`): the resource kinds that take different routes through the ledger, and the rule that
aid follows the pairing."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext

from pairaid.engine.beds import BED_TYPES
from pairaid.errors import Problem
from pairaid.labels import local_name
from pairaid.programmes.models import Participant
from pairaid.refusals import MORE_THAN_ZERO, ZERO_OR_MORE, whole
from pairaid.registry.models import ResourceType

ZERO = Decimal(0)


def unknown_bed_type(name: str, column: str) -> Problem:
    """The refusal of a name that is not one of the bed types (engine.beds.BED_TYPES)."""
    return Problem(
        gettext("unknown bed type %(name)s (expected one of %(types)s)")
        % {"name": repr(name), "types": ", ".join(BED_TYPES)},
        column=column,
    )


def is_personnel(resource: ResourceType) -> bool:
    """Staff: fulfilled by team deployments, not shipments."""
    return resource.kind == ResourceType.Kind.PERSONNEL


def is_funds(resource: ResourceType) -> bool:
    """Money: fulfilled by disbursements, not shipments."""
    return resource.kind == ResourceType.Kind.FUNDS


def not_goods(resource: ResourceType, column: str) -> Problem | None:
    """Why a resource may not be offered or sent ahead as goods (None where it may): staff go as
    teams and money as disbursements."""
    if is_personnel(resource) or is_funds(resource):
        return Problem(
            gettext("only goods are offered; staff go as teams and funds as disbursements"),
            column=column,
        )
    return None


def outside_the_pairing(donor: Participant, recipient: Participant, column: str) -> Problem | None:
    """Why a donor may not pledge or commit funds to this recipient, or None if it may.

    Aid follows the pairing (DESIGN.md §1): a donor gives to the recipients it is paired with —
    a pairing of record, past or present — unless the programme's rule `pledges_beyond_pairs`
    allows giving to others. One rule for pledges, fund commitments and the commitments a
    disbursement makes."""
    from pairaid.pairing.models import Pairing  # pairing reads operations' coverage; not at import

    if donor.programme.pledges_beyond_pairs:
        return None
    paired = Pairing.objects.of_record().filter(
        programme_id=donor.programme_id, donor=donor, recipient=recipient
    )
    if paired.exists():
        return None
    return Problem(
        gettext(
            "%(donor)s is not paired with %(recipient)s, and in this programme aid follows the "
            "pairing"
        )
        % {"donor": local_name(donor.region), "recipient": local_name(recipient.region)},
        column=column,
    )


def quantity_problems(
    resource: ResourceType, quantity: Decimal, column: str, *, zero: bool = False
) -> list[Problem]:
    """What is wrong with a quantity of a resource that a request, pledge, shipment or receipt
    names: none at all (0 is allowed where `zero`, e.g. nothing arrived), or a fraction of a
    thing counted whole (1.5 masks)."""
    if quantity < 0 or (quantity == 0 and not zero):
        return [Problem(str(ZERO_OR_MORE if zero else MORE_THAN_ZERO), column=column)]
    fraction = whole(resource, quantity)
    return [Problem(fraction, column=column)] if fraction else []


def paired_in_force(programme_id: int, on: datetime.date) -> dict[int, list[int]]:
    """{donor participant id: its recipients' participant ids} of the pairings in force at a
    date, recipients by region code: what the forms offer first, and by default."""
    from pairaid.pairing.models import Pairing  # as in outside_the_pairing

    pairs = (
        Pairing.objects.filter(programme_id=programme_id)
        .in_force(on)
        .order_by("recipient__region__code")
        .values_list("donor_id", "recipient_id")
    )
    paired: dict[int, list[int]] = {}
    for donor_id, recipient_id in pairs:
        paired.setdefault(donor_id, []).append(recipient_id)
    return paired
