"""Independent evaluation of hand-typed plans: violations, coverage and fairness metrics."""

from __future__ import annotations

import pytest

from pairaid.engine import (
    Assignment,
    DegreeRange,
    Donor,
    PairData,
    Policy,
    Problem,
    Recipient,
    evaluate,
    plan_from_pairs,
)
from pairaid.engine.metrics import gini, jain, spearman


def _problem(**policy: object) -> Problem:
    return Problem(
        donors=[
            Donor("A", capacity={"nurse": 30}, strength={"gdp": 9}),
            Donor("B", capacity={"nurse": 10}, strength={"gdp": 5}),
            Donor("C", capacity={"nurse": 20}, strength={"gdp": 1}),
        ],
        recipients=[Recipient("X", need={"nurse": 40}), Recipient("Y", need={"nurse": 20})],
        pairs=[
            PairData("A", "X", travel_hours=2),
            PairData("B", "Y", travel_hours=3),
            PairData("C", "X", travel_hours=9),
        ],
        policy=Policy(**policy),  # type: ignore[arg-type]
        strength_attribute="gdp",
    )


def test_coverage_and_fairness_of_a_hand_typed_plan() -> None:
    problem = _problem(existing_plan={("A", "Y"), ("B", "Y")})

    evaluation = evaluate(problem, plan_from_pairs([("A", "X"), ("B", "Y"), ("C", "X")]))

    assert evaluation.feasible
    assert evaluation.coverage == {"X": 1.0, "Y": 0.5}  # X gets 50 of 40, saturated at 1
    metrics = evaluation.metrics
    assert metrics["min_coverage"] == 0.5
    assert metrics["mean_coverage"] == 0.75
    assert metrics["gini"] == pytest.approx(1 / 6)
    assert metrics["jain"] == pytest.approx(1.5**2 / (2 * 1.25))
    assert metrics["total_travel_hours"] == 14
    assert metrics["churn"] == 3  # A moved (2) and C added (1)
    assert metrics["donors_per_recipient"] == {"X": 2, "Y": 1}
    # needs among pairs: A→X 40, B→Y 20, C→X 40; strengths 9, 5, 1
    assert metrics["spearman_strength_need"] == pytest.approx(spearman([9, 5, 1], [40, 20, 40]))


def test_every_violation_is_named() -> None:
    problem = _problem(
        recipient_degree=DegreeRange(1, 1),
        forbidden_pairs={("C", "X")},
        required_pairs={("B", "X")},
        max_travel_hours=5,
        absorption={"X": 1},
    )

    evaluation = evaluate(problem, plan_from_pairs([("A", "X"), ("C", "X"), ("A", "Y")]))

    codes = sorted(v.code for v in evaluation.violations)
    assert codes == [
        "absorption_exceeded",
        "donor_degree_high",
        "donor_degree_low",
        "forbidden_pair_used",
        "recipient_degree_high",
        "required_pair_missing",
    ]


def test_plan_without_split_gets_its_leximin_split_and_says_so() -> None:
    problem = Problem(
        donors=[Donor("S", capacity={"nurse": 30})],
        recipients=[Recipient("X", need={"nurse": 10}), Recipient("Y", need={"nurse": 40})],
        policy=Policy(donor_degree=DegreeRange(1, 2)),
    )

    evaluation = evaluate(problem, plan_from_pairs([("S", "X"), ("S", "Y")]))

    assert evaluation.split_derived
    assert "split_derived" in [note.code for note in evaluation.notes]
    # max-min: 10t + 40t = 30 → t = 0.6 for both
    assert evaluation.coverage["X"] == pytest.approx(0.6)
    assert evaluation.coverage["Y"] == pytest.approx(0.6)


def test_given_split_is_used_as_is_and_over_capacity_is_named() -> None:
    problem = Problem(
        donors=[Donor("S", capacity={"nurse": 30})],
        recipients=[Recipient("X", need={"nurse": 10}), Recipient("Y", need={"nurse": 40})],
        policy=Policy(donor_degree=DegreeRange(1, 2)),
        integer_resources={"nurse"},
    )
    plan = [Assignment("S", "X", {"nurse": 10}), Assignment("S", "Y", {"nurse": 20.5})]

    evaluation = evaluate(problem, plan)

    assert not evaluation.split_derived
    assert evaluation.coverage == {"X": 1.0, "Y": pytest.approx(20.5 / 40)}
    assert sorted(v.code for v in evaluation.violations) == [
        "fractional_allocation",
        "over_capacity",
    ]


def test_recipient_without_need_is_left_out_of_fairness() -> None:
    problem = Problem(
        donors=[Donor("A", capacity={"n": 1}), Donor("B", capacity={"n": 1})],
        recipients=[Recipient("X", need={"n": 1}), Recipient("Y")],
    )

    evaluation = evaluate(problem, plan_from_pairs([("A", "X"), ("B", "Y")]))

    assert evaluation.coverage == {"X": 1.0}
    assert "recipient_without_need" in [note.code for note in evaluation.notes]


def test_fairness_statistics() -> None:
    assert gini([1, 1, 1]) == 0
    assert gini([0, 0, 3]) == pytest.approx(2 / 3)
    assert jain([1, 1]) == 1
    assert jain([0, 2]) == 0.5
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1)
    assert spearman([1, 1], [1, 2]) is None
