"""Use cases on pairings: create one by hand, check a programme's pairings against its rules."""

import datetime
from decimal import Decimal

from django.db import transaction

from pairaid.errors import Problem, ValidationFailed
from pairaid.pairing.models import AllocationLine, Pairing
from pairaid.pairing.rules import RuleViolation, degree_violations
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import Region, ResourceType, Source


def _participant(programme: Programme, region: Region, role: str) -> Participant | None:
    return Participant.objects.filter(programme=programme, region=region, role=role).first()


def live_pairs(programme: Programme) -> list[tuple[str, str]]:
    """(donor, recipient) region references of the pairings that have not ended."""
    rows = (
        Pairing.objects.filter(programme=programme)
        .exclude(status=Pairing.Status.ENDED)
        .select_related("donor__region__parent", "recipient__region__parent")
    )
    return [(p.donor.region.reference, p.recipient.region.reference) for p in rows]


def rule_violations(*, programme: Programme) -> list[RuleViolation]:
    """Every breach of the programme's degree rules by its pairings that have not ended."""
    return degree_violations(
        live_pairs(programme),
        max_donors_per_recipient=programme.max_donors_per_recipient,
        max_recipients_per_donor=programme.max_recipients_per_donor,
    )


@transaction.atomic
def create_pairing(
    *,
    programme: Programme,
    donor: Region,
    recipient: Region,
    status: str = Pairing.Status.PROPOSED,
    origin: str = Pairing.Origin.MANUAL,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    rationale: str = "",
    source: Source | None = None,
) -> Pairing:
    """Pair a donor with a recipient, refusing what DESIGN.md §2 forbids (every reason named)."""
    problems: list[Problem] = []
    if donor.pk == recipient.pk:
        problems.append(Problem(f"a region cannot be paired with itself ({donor.name_en})"))
    donor_participant = _participant(programme, donor, Participant.Role.DONOR)
    recipient_participant = _participant(programme, recipient, Participant.Role.RECIPIENT)
    if donor_participant is None:
        problems.append(
            Problem(f"{donor.name_en} is not a donor of {programme.slug}", column="donor")
        )
    if recipient_participant is None:
        problems.append(
            Problem(
                f"{recipient.name_en} is not a recipient of {programme.slug}", column="recipient"
            )
        )
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(Problem(f"valid_to {valid_to} is before valid_from {valid_from}"))
    if problems:
        raise ValidationFailed(problems)
    assert donor_participant is not None and recipient_participant is not None
    duplicate = (
        Pairing.objects.filter(
            programme=programme, donor=donor_participant, recipient=recipient_participant
        )
        .exclude(status=Pairing.Status.ENDED)
        .exists()
    )
    if duplicate:
        raise ValidationFailed(
            [
                Problem(
                    f"{donor.name_en} is already paired with {recipient.name_en} "
                    f"in {programme.slug}"
                )
            ]
        )
    pairing = Pairing.objects.create(
        programme=programme,
        donor=donor_participant,
        recipient=recipient_participant,
        status=status,
        origin=origin,
        valid_from=valid_from or programme.current_date(),
        valid_to=valid_to,
        rationale=rationale,
        source=source,
    )
    violations = [
        v
        for v in rule_violations(programme=programme)
        if v.region in (donor.reference, recipient.reference)
    ]
    if violations:
        # Raising inside the atomic block rolls the new pairing back.
        raise ValidationFailed([Problem(str(v)) for v in violations])
    return pairing


@transaction.atomic
def add_allocation(
    *,
    pairing: Pairing,
    resource_type: ResourceType,
    quantity: Decimal,
    date: datetime.date | None = None,
    source: Source,
    certainty: str = "verified",
) -> AllocationLine:
    if quantity < 0:
        raise ValidationFailed(
            [Problem(f"quantity must be >= 0, got {quantity}", column="quantity")]
        )
    return AllocationLine.objects.create(
        pairing=pairing,
        resource_type=resource_type,
        quantity=quantity,
        date=date or pairing.programme.current_date(),
        source=source,
        certainty=certainty,
    )
