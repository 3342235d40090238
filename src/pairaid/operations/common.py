"""Helpers that both sides of operations share (the use cases in `services/`, the reads in
`queries/`): the resource kinds that take different routes through the ledger, and the rule that
aid follows the pairing."""

from decimal import Decimal

from django.utils.translation import gettext

from pairaid.errors import Problem
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType

ZERO = Decimal(0)


def is_personnel(resource: ResourceType) -> bool:
    """Staff: fulfilled by team deployments, not shipments."""
    return resource.kind == ResourceType.Kind.PERSONNEL


def is_funds(resource: ResourceType) -> bool:
    """Money: fulfilled by disbursements, not shipments."""
    return resource.kind == ResourceType.Kind.FUNDS


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
        % {"donor": donor.region.name_en, "recipient": recipient.region.name_en},
        column=column,
    )
