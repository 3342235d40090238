"""Use cases on pairings: create one by hand, check a programme's pairings against its rules."""

import datetime
from decimal import Decimal

from django.db import transaction

from pairaid.errors import Problem, ValidationFailed
from pairaid.pairing import levels
from pairaid.pairing.models import AllocationLine, Pairing
from pairaid.pairing.rules import RuleViolation, degree_violations
from pairaid.programmes.models import Participant, Programme
from pairaid.refusals import ZERO_OR_MORE
from pairaid.registry.models import Region, ResourceType, Source


def _participant(programme: Programme, region: Region, role: str) -> Participant | None:
    return Participant.objects.filter(programme=programme, region=region, role=role).first()


def live_pairs(programme: Programme) -> list[tuple[str, str]]:
    """(donor, recipient) region references of the open pairings (in force or due to start) of
    the programme's own level: its degree rules count these, not the child pairings inside
    them (Guangdong keeps its 2 recipients however many towns its cities take)."""
    rows = (
        Pairing.objects.filter(programme=programme)
        .top_level()
        .open()
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
    parent: Pairing | None = None,
) -> Pairing:
    """Pair a donor with a recipient, refusing what DESIGN.md §2 forbids (every reason named).
    With a `parent`, the pairing sits inside it and must keep the nesting rule (`levels`)."""
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
    valid_from = valid_from or programme.current_date()
    if parent is not None:
        nesting = levels.pairing_problems(
            programme_id=programme.pk,
            donor=donor_participant,
            recipient=recipient_participant,
            valid_from=valid_from,
            valid_to=valid_to or parent.valid_to,
            parent=parent,
        )
        if nesting:
            raise ValidationFailed([Problem(message, column=f) for f, message in nesting])
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
        valid_from=valid_from,
        # A child ends when its parent ends (unless it is told to end earlier).
        valid_to=valid_to or (parent.valid_to if parent else None),
        rationale=rationale,
        source=source,
        parent=parent,
    )
    if parent is not None:
        return pairing  # the degree rules are about the programme's own level
    # The new link counts against the rules as if it were in force.
    pairs = [*live_pairs(programme), (donor.reference, recipient.reference)]
    violations = [
        v
        for v in degree_violations(
            pairs,
            max_donors_per_recipient=programme.max_donors_per_recipient,
            max_recipients_per_donor=programme.max_recipients_per_donor,
        )
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
        raise ValidationFailed([Problem(str(ZERO_OR_MORE), column="quantity")])
    return AllocationLine.objects.create(
        pairing=pairing,
        resource_type=resource_type,
        quantity=quantity,
        date=date or pairing.programme.current_date(),
        source=source,
        certainty=certainty,
    )


SPLIT_SOURCE_KEY = "pairaid-leximin-split"


def _split_source() -> Source:
    source, _ = Source.objects.get_or_create(
        key=SPLIT_SOURCE_KEY,
        defaults={
            "title": "Split of a donor's capacity among its recipients, computed by PairAid",
            "kind": Source.Kind.DERIVED,
            "method": "leximin split of the plan in force: the split whose sorted "
            "coverage vector is lexicographically largest, over the plan's own pairs, "
            "in whole people",
        },
    )
    return source


@transaction.atomic
def fill_missing_splits(*, programme: Programme, on: datetime.date | None = None) -> int:
    """Store, once, the derived split of pairings in force that have no allocation lines, so no
    page has to re-solve it (DESIGN.md §2). Returns the number of lines written."""
    from pairaid import engine
    from pairaid.pairing import translate

    build = translate.build_problem(programme, on=on)
    plan = translate.current_plan(programme, build)
    if not plan or all(a.allocation is not None for a in plan):
        return 0
    evaluation = engine.evaluate(build.problem, plan)
    in_force = {
        (translate.engine_id(p.donor), translate.engine_id(p.recipient)): p
        for p in translate.live_pairings(programme, build.on)
    }
    resources = {r.code: r for r in ResourceType.objects.all()}
    source = _split_source()
    missing = {a.key for a in plan if a.allocation is None}
    written = 0
    for assignment in evaluation.assignments:
        if assignment.key not in missing:
            continue
        for code, quantity in (assignment.allocation or {}).items():
            AllocationLine.objects.update_or_create(
                pairing=in_force[assignment.key],
                resource_type=resources[code],
                date=build.on,
                defaults={
                    "quantity": Decimal(str(round(quantity, 4))),
                    "source": source,
                    "certainty": "derived",
                },
            )
            written += 1
    return written
