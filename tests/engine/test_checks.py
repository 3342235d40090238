"""Checks before solving: every input error at once, and cheap infeasibility proofs."""

from __future__ import annotations

from pairaid.engine import (
    DegreeRange,
    Donor,
    Objective,
    PairData,
    Policy,
    Problem,
    Recipient,
    solve,
)
from pairaid.engine.checks import check_problem, prove_infeasible


def test_every_value_error_is_reported_at_once_with_its_path() -> None:
    problem = Problem(
        donors=[
            Donor("A", capacity={"icu_nurse": 5}),
            Donor("B"),
            Donor("A"),
            Donor("D", capacity={"icu_nurse": -5}),
        ],
        recipients=[Recipient("X", need={"icu_nurse": 3})],
        pairs=[PairData("A", "Z", travel_hours=-1)],
        policy=Policy(recipient_degree=DegreeRange(3, 2)),
        objectives=[Objective("max_fun")],
    )

    texts = [error.text for error in check_problem(problem)]

    assert "donors[3].capacity.icu_nurse: must be >= 0, got -5" in texts
    assert "donors[2].id: duplicate id 'A' (first at donors[0].id)" in texts
    assert "pairs[0].recipient: unknown recipient 'Z'" in texts
    assert "pairs[0].travel_hours: must be >= 0, got -1" in texts
    assert "policy.recipient_degree: min 3 is above max 2" in texts
    assert any(text.startswith("objectives[0]: unknown objective 'max_fun'") for text in texts)
    result = solve(problem)
    assert result.status == "invalid"
    assert result.exit_code == 2
    assert len(result.errors) == len(texts)


def test_min_travel_needs_travel_times() -> None:
    problem = Problem(
        donors=[Donor("A", capacity={"n": 1})],
        recipients=[Recipient("X", need={"n": 1})],
        objectives=[Objective("min_travel")],
    )

    (error,) = check_problem(problem)

    assert error.code == "missing_pair_data"


def test_hall_argument_names_recipients_that_share_one_donor() -> None:
    # A and B can only be reached by X within the travel limit, and X may serve one recipient.
    pairs = [PairData("X", r, travel_hours=1) for r in ("A", "B", "C")]
    pairs += [PairData("Y", r, travel_hours=1 if r == "C" else 20) for r in ("A", "B", "C")]
    problem = Problem(
        donors=[Donor("X", capacity={"n": 1}), Donor("Y", capacity={"n": 1})],
        recipients=[Recipient(r, need={"n": 1}) for r in ("A", "B", "C")],
        pairs=pairs,
        policy=Policy(max_travel_hours=10),
    )

    (proof,) = prove_infeasible(problem)

    assert proof.code == "hall_recipients"
    assert proof.args["recipients"] == "A, B"
    assert proof.args["donors"] == "X"
    assert (proof.args["needed"], proof.args["available"]) == (2, 1)
    result = solve(problem)
    assert result.status == "infeasible"
    assert result.exit_code == 1


def test_unreachable_recipient_says_why() -> None:
    problem = Problem(
        donors=[Donor("X", capacity={"n": 1})],
        recipients=[Recipient("A", need={"n": 1})],
        policy=Policy(forbidden_pairs={("X", "A")}, donor_degree=DegreeRange(0, 1)),
    )

    (proof,) = prove_infeasible(problem)

    assert proof.code == "recipient_unreachable"
    assert "forbidden" in proof.text


def test_required_pairs_beyond_donor_degree_are_infeasible() -> None:
    problem = Problem(
        donors=[Donor("X", capacity={"n": 1})],
        recipients=[Recipient("A", need={"n": 1}), Recipient("B", need={"n": 1})],
        policy=Policy(
            required_pairs={("X", "A"), ("X", "B")}, recipient_degree=DegreeRange(0, None)
        ),
    )

    assert [p.code for p in prove_infeasible(problem)] == ["required_over_degree"]


def test_donors_that_cannot_all_be_placed_are_named() -> None:
    problem = Problem(
        donors=[Donor(d, capacity={"n": 1}) for d in ("P", "Q", "R")],
        recipients=[Recipient("A", need={"n": 1})],
        policy=Policy(recipient_degree=DegreeRange(1, 2)),
    )

    (proof,) = prove_infeasible(problem)

    assert proof.code == "hall_donors"
    assert (proof.args["needed"], proof.args["available"]) == (3, 2)


def test_feasible_problem_has_no_proof() -> None:
    problem = Problem(
        donors=[Donor("X", capacity={"n": 1}), Donor("Y", capacity={"n": 2})],
        recipients=[Recipient("A", need={"n": 1}), Recipient("B", need={"n": 1})],
    )

    assert check_problem(problem) == []
    assert prove_infeasible(problem) == []
