"""The annual assessment's cycle (issue 22, item 6): self-assessment with evidence, the
recipient's opinion, a third participant's cross-check, the coordinator's final score and
publication, each dated and attributed; a step out of turn is a Conflict, by the wrong side
Forbidden; scores and evidence are checked."""

import datetime
from decimal import Decimal

import pytest

from pairaid.assessment import queries as assessment_queries
from pairaid.assessment import services as assessment_services
from pairaid.assessment.models import Review
from pairaid.errors import Conflict, Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db
State = Review.State
SCORES = {"organisation": Decimal(80), "funds": Decimal(60), "results": Decimal(90)}


def step(review, user, name, scores=SCORES, **kwargs):  # type: ignore[no-untyped-def]
    return assessment_services.take_step(
        user=user,
        review=review,
        name=name,
        scores=scores if assessment_services.STEPS[name].scored else {},
        **kwargs,
    )


def test_the_cycle_runs_in_turn_each_step_dated_attributed_and_kept(
    people, review, checker, project
):
    user, jiangsu = checker
    assert review.assessment.reviews.count() > 1  # one review per pairing in force in 2020
    step(
        review,
        people["donor"],
        "self_assessment",
        evidence=[("project", project.pk)],
        on=datetime.date(2020, 2, 28),
    )
    step(review, people["recipient"], "opinion", note="the school stands")
    assessment_services.assign_cross_checker(
        user=people["coordinator"], review=review, participant=jiangsu
    )
    step(review, user, "cross_check")
    final = {"organisation": Decimal(70), "funds": Decimal(50), "results": Decimal(100)}
    step(review, people["coordinator"], "final", scores=final)
    step(review, people["coordinator"], "publication")
    review.refresh_from_db()
    # (70×1 + 50×2 + 100×1) ÷ 4
    assert (review.state, review.final_score) == (State.PUBLISHED, Decimal("67.50"))
    entries = assessment_queries.entries(review)
    assert [(e.step, e.by.username) for e in entries] == [
        ("self_assessment", "dan_shandong"),
        ("opinion", "rita_huanggang"),
        ("cross_check", "jin_jiangsu"),
        ("final", "carol_coordinator"),
        ("publication", "carol_coordinator"),
    ]
    assert entries[0].on == datetime.date(2020, 2, 28)
    assert [(e.kind, e.row) for e in entries[0].evidence.all()] == [("project", project.pk)]
    assert review.history.count() == 7  # created, 5 steps, the cross-checker assigned
    published = assessment_queries.published_scores(review.assessment.programme)
    assert published[review.pairing.donor_id].score == Decimal("67.50")


@pytest.mark.parametrize(
    "who, name, refusal",
    [
        ("recipient", "self_assessment", Forbidden),  # the donor's step
        ("observer", "self_assessment", Forbidden),
        ("donor", "opinion", Forbidden),  # the recipient's step, and not yet
        ("recipient", "opinion", Conflict),  # out of turn: the self-assessment comes first
        ("coordinator", "final", Conflict),
        ("donor", "publication", Forbidden),
    ],
)
def test_a_step_by_the_wrong_side_is_forbidden_and_out_of_turn_a_conflict(
    people, review, who, name, refusal
):
    with pytest.raises(refusal):
        step(review, people[who], name)
    review.refresh_from_db()
    assert review.state == State.SELF_ASSESSMENT and not review.entries.exists()


def test_the_cross_check_waits_for_an_assigned_third_participant(people, review, checker):
    user, jiangsu = checker
    step(review, people["donor"], "self_assessment")
    step(review, people["recipient"], "opinion")
    with pytest.raises(Conflict, match="cross-checker"):
        step(review, people["coordinator"], "cross_check")
    with pytest.raises(Forbidden):  # not assigned: Jiangsu's officer has no standing yet
        step(review, user, "cross_check")
    with pytest.raises(ValidationFailed, match="third participant"):
        assessment_services.assign_cross_checker(
            user=people["coordinator"], review=review, participant=review.pairing.donor
        )
    with pytest.raises(Forbidden):
        assessment_services.assign_cross_checker(
            user=people["donor"], review=review, participant=jiangsu
        )


def test_scores_and_evidence_are_checked_naming_each_field(people, review, wenchuan):
    from pairaid.projects.models import Project

    others = Project.objects.exclude(pairing=review.pairing).values_list("pk", flat=True)
    stranger = max([0, *others]) + 1000  # no such project at all
    with pytest.raises(ValidationFailed) as refused:
        step(
            review,
            people["donor"],
            "self_assessment",
            scores={"organisation": Decimal(101), "unknown": Decimal(1)},
            evidence=[("project", stranger), ("rumour", 1)],
        )
    assert {p.column for p in refused.value.problems} == {
        "scores.organisation",
        "scores.unknown",
        "scores.funds",
        "scores.results",
        "evidence.0",
        "evidence.1",
    }
    assert not review.entries.exists()


def test_an_assessment_is_defined_once_a_year_with_deadlines_in_order(people, hubei, assessment):
    from tests.assessment.conftest import CRITERIA, DEADLINES

    with pytest.raises(ValidationFailed) as refused:
        assessment_services.define_assessment(
            user=people["coordinator"],
            programme=hubei,
            year=2020,
            title="again",
            criteria=[*CRITERIA, CRITERIA[0]],
            deadlines={**DEADLINES, "final_due": datetime.date(2020, 1, 1)},
        )
    assert {p.column for p in refused.value.problems} == {"year", "criteria.3.code", "final_due"}
    with pytest.raises(Forbidden):
        assessment_services.define_assessment(
            user=people["donor"],
            programme=hubei,
            year=2021,
            title="mine",
            criteria=CRITERIA,
            deadlines=DEADLINES,
        )
