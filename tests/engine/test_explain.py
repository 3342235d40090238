"""Explanations: why each pair, what binds the worst-off, best swaps, price of fairness."""

from __future__ import annotations

from pairaid.engine import (
    DegreeRange,
    Donor,
    Objective,
    PairData,
    Policy,
    Problem,
    Recipient,
    evaluate,
    plan_from_pairs,
    solve,
)
from pairaid.engine.explain import explain


def _problem(**changes: object) -> Problem:
    problem = Problem(
        donors=[
            Donor("A", capacity={"nurse": 50}),
            Donor("B", capacity={"nurse": 30}),
            Donor("C", capacity={"nurse": 20}),
        ],
        recipients=[Recipient("X", need={"nurse": 50}), Recipient("Y", need={"nurse": 50})],
        pairs=[
            PairData(d, r, travel_hours=h, cost=h)
            for d, r, h in [
                ("A", "X", 1),
                ("A", "Y", 9),
                ("B", "X", 2),
                ("B", "Y", 3),
                ("C", "X", 12),
                ("C", "Y", 2),
            ]
        ],
        policy=Policy(recipient_degree=DegreeRange(1, 2), max_travel_hours=10),
    )
    return problem.__class__(**{**problem.__dict__, **changes})


def _codes(messages: list) -> list[str]:  # type: ignore[type-arg]
    return [m.code for m in messages]


def test_worst_off_recipient_names_its_scarce_resource_donors_and_limits() -> None:
    problem = _problem()
    evaluation = evaluate(problem, plan_from_pairs([("A", "X"), ("B", "Y"), ("C", "Y")]))

    messages = explain(problem, evaluation)

    worst = next(m for m in messages if m.code == "worst_off")
    assert worst.args["recipient"] == "X"  # both fully covered: the tie goes by id
    assert (worst.args["resource"], worst.args["donors"]) == ("nurse", "A (50)")
    limits = [m.text for m in messages if m.code == "worst_off_limit"]
    assert limits == ["X: donors it may not have: C (12 h of travel, above the limit of 10 h)"]


def test_worst_off_at_its_donor_limit_says_so() -> None:
    problem = _problem()
    evaluation = evaluate(problem, plan_from_pairs([("A", "Y"), ("B", "X"), ("C", "X")]))

    messages = explain(problem, evaluation)

    assert next(m for m in messages if m.code == "worst_off").args["recipient"] == "X"
    limits = [m.text for m in messages if m.code == "worst_off_limit"]
    assert "X: has the most donors allowed (2)" in limits


def test_best_single_swap_is_found_for_a_poor_plan() -> None:
    problem = _problem()
    # Y gets only C (20 of 50): moving B to Y raises the minimum coverage.
    evaluation = evaluate(problem, plan_from_pairs([("A", "X"), ("B", "X"), ("C", "Y")]))

    messages = explain(problem, evaluation)

    swap = next(m for m in messages if m.code == "best_swap" and m.args["recipient"] == "Y")
    assert swap.args["change"] == {"kind": "move", "donor": "B", "source": "X", "target": "Y"}
    assert "best single change is to move B from X to Y" in swap.text
    assert (swap.args["before"], swap.args["after"]) == ("0.4", "1")


def test_each_pair_gets_its_contribution_and_next_best_alternative() -> None:
    problem = _problem()
    evaluation = evaluate(problem, plan_from_pairs([("A", "X"), ("B", "Y"), ("C", "Y")]))

    messages = [m for m in explain(problem, evaluation) if m.code == "pair_contribution"]

    assert [(m.args["donor"], m.args["recipient"]) for m in messages] == [
        ("A", "X"),
        ("B", "Y"),
        ("C", "Y"),
    ]
    assert messages[0].args["share"] == "100.0%"
    assert messages[1].args["next_best"]["recipient"] == "X"  # data, not words
    assert "next best: X" in messages[1].text


def test_optimal_plan_has_no_improving_swap() -> None:
    result = solve(_problem())

    codes = _codes(list(result.explanations))

    assert "worst_off" in codes
    assert (
        "best_swap" not in codes
    )  # a single change cannot beat a proven optimum's leximin order at level 1


def test_price_of_fairness_compares_with_the_cost_plan() -> None:
    problem = _problem(objectives=[Objective("max_min_coverage"), Objective("min_cost")])

    result = solve(problem, price_of_fairness=True)

    price = next(m for m in result.explanations if m.code == "price_of_fairness")
    assert price.args["objective"] == "min_cost"
    assert float(price.args["extra"]) >= 0
