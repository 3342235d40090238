"""Greedy heuristic: strongest donor to neediest recipient, without stranding anyone."""

from __future__ import annotations

from pairaid.engine import DegreeRange, Donor, Policy, Problem, Recipient, evaluate, greedy_plan


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


def test_existing_links_that_strand_a_recipient_are_extended_or_let_go() -> None:
    # As in hubei-2020: each donor keeps its existing link, which leaves Z without a donor.
    donors = [Donor("A", capacity={"n": 5}), Donor("B", capacity={"n": 5})]
    recipients = [Recipient(r, need={"n": 4}) for r in ("X", "Y", "Z")]
    existing = frozenset({("A", "X"), ("B", "Y")})
    splitting = Problem(
        donors=donors,
        recipients=recipients,
        policy=Policy(donor_degree=DegreeRange(1, 2), existing_plan=existing),
    )
    plan = greedy_plan(splitting)
    assert evaluate(splitting, plan).feasible
    assert existing <= {a.key for a in plan}  # the links are kept; a donor takes Z as well

    whole = Problem(
        donors=[*donors, Donor("C", capacity={"n": 1})],
        recipients=recipients,
        policy=Policy(existing_plan=frozenset({("A", "X"), ("B", "Y"), ("C", "X")})),
    )
    assert evaluate(whole, greedy_plan(whole)).feasible
