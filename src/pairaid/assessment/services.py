"""The annual assessment's use cases, each one transaction, each checked against the user's
standing (accounts.permissions): the coordinator defines the assessment and assigns the
cross-checkers; each review then goes through `STEPS`, the cycle written once — the donor's
self-assessment, the recipient's opinion, the third participant's cross-check, the
coordinator's final score, publication. A step out of turn is a Conflict (409), by the wrong
side Forbidden (403). History keeps who and when (django-simple-history)."""

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.assessment.models import (
    SCORE_MAX,
    Assessment,
    Criterion,
    Evidence,
    Review,
    Score,
    StepEntry,
)
from pairaid.errors import Conflict, Problem, ValidationFailed
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Participant, Programme
from pairaid.projects.models import Expenditure, Project, ResultIndicator
from pairaid.validation import created, fits

State = Review.State


@dataclass(frozen=True)
class Step:
    awaited: str  # the review's state in which the step is open
    then: str  # the state it leaves the review in
    action: Action  # whose standing the step needs
    side: str  # whose region acts: "donor", "recipient", "cross_checker" or "" (coordinators)
    scored: bool  # whether the step scores each criterion
    due_field: str  # the assessment's deadline for it ("" for none)
    label: Any


# The review's cycle, written once: the pages, the API, the reminders and the tests read it.
STEPS: dict[str, Step] = {
    "self_assessment": Step(State.SELF_ASSESSMENT, State.OPINION, Action.SELF_ASSESS, "donor",
                            True, "self_assessment_due", gettext_lazy("self-assessment")),
    "opinion": Step(State.OPINION, State.CROSS_CHECK, Action.GIVE_OPINION, "recipient", True,
                    "opinion_due", gettext_lazy("recipient's opinion")),
    "cross_check": Step(State.CROSS_CHECK, State.FINAL, Action.CROSS_CHECK, "cross_checker",
                        True, "cross_check_due", gettext_lazy("cross-check")),
    "final": Step(State.FINAL, State.PUBLICATION, Action.MANAGE_ASSESSMENT, "", True,
                  "final_due", gettext_lazy("final score")),
    "publication": Step(State.PUBLICATION, State.PUBLISHED, Action.MANAGE_ASSESSMENT, "", False,
                        "", gettext_lazy("publication")),
}  # fmt: skip
AWAITING = {step.awaited: name for name, step in STEPS.items()}  # state -> the step it awaits
DEADLINES = [step.due_field for step in STEPS.values() if step.due_field]  # in the cycle's order


@dataclass(frozen=True)
class CriterionIn:
    code: str
    name: str
    weight: Decimal


def side_region(review: Review, step: Step) -> int | None:
    """The region whose officer takes the step (None: the coordinators')."""
    if step.side == "donor":
        return int(review.pairing.donor.region_id)
    if step.side == "recipient":
        return int(review.pairing.recipient.region_id)
    if step.side == "cross_checker" and review.cross_checker is not None:
        return int(review.cross_checker.region_id)
    return None


def awaited_step(review: Review) -> str | None:
    """The name of the step the review awaits (None once published)."""
    return AWAITING.get(review.state)


def may_take(user: Any, review: Review, name: str) -> bool:
    """Whether the step is open now and the user's side may take it: the pages offer these."""
    step = STEPS[name]
    if review.state != step.awaited:
        return False
    return permissions.can(
        user, step.action, review.assessment.programme, side_region(review, step)
    )


def weighted_score(values: dict[int, Decimal], criteria: Iterable[Criterion]) -> Decimal:
    """Σ weight × score ÷ Σ weight over the criteria (scores 0–100), to two decimals."""
    criteria = list(criteria)
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    total = sum((c.weight * values[c.pk] for c in criteria), Decimal(0))
    return (total / total_weight).quantize(Decimal("0.01"))


def pairings_of_year(programme: Programme, year: int) -> list[Pairing]:
    """The programme's pairings of record in force on some day of the year: the donors
    assessed."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return list(
        Pairing.objects.filter(programme=programme)
        .of_record()
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=first))
        .exclude(status=Pairing.Status.ENDED, valid_to__isnull=True)
        .select_related("donor__region", "recipient__region")
        .order_by("donor__region__code", "recipient__region__code", "pk")
    )


def _criteria_problems(criteria: list[CriterionIn]) -> list[Problem]:
    if not criteria:
        return [Problem(gettext("an assessment has at least one criterion"), column="criteria")]
    problems = []
    seen: set[str] = set()
    for index, criterion in enumerate(criteria):
        if criterion.code in seen:
            problems.append(
                Problem(
                    gettext("criterion %(code)s is named twice") % {"code": repr(criterion.code)},
                    column=f"criteria.{index}.code",
                )
            )
        seen.add(criterion.code)
        if criterion.weight <= 0:
            problems.append(
                Problem(gettext("a weight is more than 0"), column=f"criteria.{index}.weight")
            )
    return problems


def _deadline_problems(deadlines: dict[str, datetime.date]) -> list[Problem]:
    problems = [
        Problem(gettext("a date is required"), column=name)
        for name in DEADLINES
        if deadlines.get(name) is None
    ]
    if problems:
        return problems
    for earlier, later in itertools.pairwise(DEADLINES):
        if deadlines[later] < deadlines[earlier]:
            problems.append(
                Problem(
                    gettext("%(later)s comes before %(earlier)s; the steps follow one another")
                    % {"later": later, "earlier": earlier},
                    column=later,
                )
            )
    return problems


@transaction.atomic
def define_assessment(
    *,
    user: Any,
    programme: Programme,
    year: int,
    title: str,
    criteria: list[CriterionIn],
    deadlines: dict[str, datetime.date],
    illustrative: bool = False,
) -> Assessment:
    """The coordinator defines the programme year's assessment, and opens a review for each
    pairing in force that year, awaiting the donor's self-assessment."""
    permissions.check(user, Action.MANAGE_ASSESSMENT, programme)
    problems = _criteria_problems(criteria) + _deadline_problems(deadlines)
    if Assessment.objects.filter(programme=programme, year=year).exists():
        problems.append(
            Problem(
                gettext("%(slug)s already has an assessment of %(year)s")
                % {"slug": programme.slug, "year": year},
                column="year",
            )
        )
    pairings = pairings_of_year(programme, year)
    if not pairings and not problems:
        problems.append(
            Problem(
                gettext("no pairing of %(slug)s was in force in %(year)s: nobody to assess")
                % {"slug": programme.slug, "year": year},
                column="year",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    assessment = created(
        Assessment,
        programme=programme,
        year=year,
        title=title,
        illustrative=illustrative,
        created_by=user if getattr(user, "pk", None) else None,
        **{name: deadlines[name] for name in DEADLINES},
    )
    for criterion in criteria:
        created(
            Criterion,
            assessment=assessment,
            code=criterion.code,
            name=criterion.name,
            weight=criterion.weight,
        )
    for pairing in pairings:
        created(Review, assessment=assessment, pairing=pairing, illustrative=illustrative)
    return assessment


def _locked(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related(
            "assessment__programme",
            "pairing__donor__region",
            "pairing__recipient__region",
            "cross_checker__region",
        )
        .get(pk=review.pk)
    )


@transaction.atomic
def assign_cross_checker(*, user: Any, review: Review, participant: Participant) -> Review:
    """The coordinator names the third participant that cross-checks the review: neither side
    of its pairing, and only until the cross-check is done."""
    review = _locked(review)
    permissions.check(user, Action.MANAGE_ASSESSMENT, review.assessment.programme)
    if review.state not in (State.SELF_ASSESSMENT, State.OPINION, State.CROSS_CHECK):
        raise Conflict(
            gettext("the review is %(state)s; its cross-check is over")
            % {"state": State(review.state).label}
        )
    pairing = review.pairing
    if participant.programme_id != review.assessment.programme_id:
        raise ValidationFailed(
            [Problem(gettext("the participant is not in this programme"), column="participant")]
        )
    if participant.region_id in (pairing.donor.region_id, pairing.recipient.region_id):
        raise ValidationFailed(
            [
                Problem(
                    gettext("a cross-check is by a third participant, not a side of the pairing"),
                    column="participant",
                )
            ]
        )
    review.cross_checker = participant
    review.save(update_fields=["cross_checker"])
    return review


def _score_problems(
    scores: dict[str, Decimal], criteria: list[Criterion], scored: bool
) -> list[Problem]:
    if not scored:
        return [Problem(gettext("publication scores nothing"), column="scores")] if scores else []
    codes = {c.code for c in criteria}
    problems = [
        Problem(
            gettext("unknown criterion %(code)s (expected one of %(codes)s)")
            % {"code": repr(code), "codes": ", ".join(sorted(codes))},
            column=f"scores.{code}",
        )
        for code in scores
        if code not in codes
    ]
    problems += [
        Problem(gettext("a score is required"), column=f"scores.{c.code}")
        for c in criteria
        if c.code not in scores
    ]
    problems += [
        Problem(
            gettext("a score is from 0 to %(max)s") % {"max": SCORE_MAX},
            column=f"scores.{code}",
        )
        for code, value in scores.items()
        if code in codes and not 0 <= value <= SCORE_MAX
    ]
    return problems


def _of_pairing(kind: str, row: int, pairing: Pairing) -> bool:
    """Whether the evidence row exists and is the pairing's own (its project's, or money
    between its donor and recipient)."""
    pair = {"donor_id": pairing.donor_id, "recipient_id": pairing.recipient_id}
    rows = {
        Evidence.Kind.PROJECT: Project.objects.filter(pk=row, pairing=pairing),
        Evidence.Kind.COMMITMENT: FundCommitment.objects.filter(pk=row, **pair),
        Evidence.Kind.DISBURSEMENT: Disbursement.objects.filter(
            pk=row, commitment__donor_id=pairing.donor_id,
            commitment__recipient_id=pairing.recipient_id
        ),
        Evidence.Kind.EXPENDITURE: Expenditure.objects.filter(pk=row, project__pairing=pairing),
        Evidence.Kind.RESULT: ResultIndicator.objects.filter(pk=row, project__pairing=pairing),
    }  # fmt: skip
    return rows[Evidence.Kind(kind)].exists()


def _evidence_problems(evidence: list[tuple[str, int]], pairing: Pairing) -> list[Problem]:
    kinds = {k.value for k in Evidence.Kind}
    problems = []
    for index, (kind, row) in enumerate(evidence):
        column = f"evidence.{index}"
        if kind not in kinds:
            problems.append(
                Problem(
                    gettext("unknown kind of evidence %(kind)s (expected one of %(kinds)s)")
                    % {"kind": repr(kind), "kinds": ", ".join(sorted(kinds))},
                    column=column,
                )
            )
        elif not _of_pairing(kind, row, pairing):
            problems.append(
                Problem(
                    gettext("no %(kind)s %(row)s of this pairing") % {"kind": kind, "row": row},
                    column=column,
                )
            )
    return problems


def unknown_step(name: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                gettext("unknown step %(name)s (expected one of %(steps)s)")
                % {"name": repr(name), "steps": ", ".join(STEPS)},
                column="step",
            )
        ]
    )


def _refuse_out_of_turn(review: Review, name: str, step: Step) -> None:
    if review.state != step.awaited:
        raise Conflict(
            gettext("the review is %(state)s; its %(step)s is not open")
            % {"state": State(review.state).label, "step": step.label}
        )
    if step.side == "cross_checker" and review.cross_checker is None:
        raise Conflict(gettext("the coordinator has not yet assigned a cross-checker"))


@transaction.atomic
def take_step(
    *,
    user: Any,
    review: Review,
    name: str,
    scores: dict[str, Decimal] | None = None,
    note: str = "",
    evidence: list[tuple[str, int]] | None = None,
    on: datetime.date | None = None,
) -> StepEntry:
    """Take one step of `STEPS` on the programme date unless `on` says when: scored steps score
    every criterion (0–100); the final step's weighted total is the review's score and
    publication makes it public. Refused out of turn (Conflict) or to the wrong side
    (Forbidden)."""
    if name not in STEPS:
        raise unknown_step(name)
    step = STEPS[name]
    review = _locked(review)
    programme = review.assessment.programme
    permissions.check(user, step.action, programme, side_region(review, step))
    _refuse_out_of_turn(review, name, step)
    criteria = list(review.assessment.criteria.all())
    scores, evidence = scores or {}, evidence or []
    problems = _score_problems(scores, criteria, step.scored)
    problems += _evidence_problems(evidence, review.pairing)
    if problems:
        raise ValidationFailed(problems)
    day = on or programme.current_date()
    entry = created(
        StepEntry,
        review=review,
        step=name,
        by=user if getattr(user, "pk", None) else None,
        on=day,
        note=note,
    )
    by_code = {c.code: c for c in criteria}
    for code, value in scores.items():
        created(Score, entry=entry, criterion=by_code[code], value=value)
    for kind, row in evidence:
        created(Evidence, entry=entry, kind=kind, row=row)
    if name == "final":
        review.final_score = weighted_score(
            {by_code[code].pk: value for code, value in scores.items()}, criteria
        )
    if name == "publication":
        review.published_on = day
    review.state = step.then
    fits(review)
    review.save()
    return entry
