"""The fairness / churn trade-off curve ("keep existing links, fill the gaps")."""

from __future__ import annotations

from pairaid.engine import Donor, Policy, Problem, Recipient, tradeoff_curve


def test_curve_rises_with_the_churn_budget_and_respects_it() -> None:
    problem = Problem(
        donors=[Donor(d, capacity={"n": q}) for d, q in [("A", 10), ("B", 10), ("C", 5), ("D", 5)]],
        recipients=[Recipient("X", need={"n": 20}), Recipient("Y", need={"n": 10})],
        # The existing plan sends everyone to X: Y has nothing.
        policy=Policy(existing_plan={("A", "X"), ("B", "X"), ("C", "X"), ("D", "Y")}),
    )

    curve = tradeoff_curve(problem)

    assert [point.churn_budget for point in curve] == [0, 2]
    assert [point.min_coverage for point in curve] == [0.5, 1.0]
    assert all(point.churn is not None and point.churn <= point.churn_budget for point in curve)
