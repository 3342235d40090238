"""Greedy heuristic: strongest donor to neediest recipient, without stranding anyone."""

from __future__ import annotations

from pairaid.engine import Donor, Policy, Problem, Recipient, evaluate, greedy_plan


def test_strongest_donor_goes_to_neediest_recipient() -> None:
    problem = Problem(
        donors=[Donor("weak", capacity={"n": 1}), Donor("strong", capacity={"n": 9})],
        recipients=[Recipient("small", need={"n": 2}), Recipient("big", need={"n": 10})],
    )

    plan = greedy_plan(problem)

    assert {(a.donor, a.recipient) for a in plan} == {("strong", "big"), ("weak", "small")}


def test_recipient_with_a_single_possible_donor_is_not_stranded() -> None:
    # Y can only be served by A; a plain greedy pass sends A to the needier X and strands Y.
    problem = Problem(
        donors=[Donor("A", capacity={"n": 9}), Donor("B", capacity={"n": 1})],
        recipients=[Recipient("X", need={"n": 10}), Recipient("Y", need={"n": 2})],
        policy=Policy(forbidden_pairs={("B", "Y")}),
    )

    plan = greedy_plan(problem)

    assert evaluate(problem, plan).feasible
    assert {(a.donor, a.recipient) for a in plan} == {("A", "Y"), ("B", "X")}
