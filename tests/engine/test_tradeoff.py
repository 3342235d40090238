"""The fairness / churn trade-off curve ("keep existing links, fill the gaps")."""

from __future__ import annotations

from pairaid.engine import Donor, Policy, Problem, Recipient, churn_tradeoff, tradeoff_curve


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


def _spread_problem() -> Problem:
    """Six recipients of equal need; the existing plan piles five donors on the first."""
    donors = [Donor(f"D{i}", capacity={"n": 10}) for i in range(6)]
    recipients = [Recipient(f"R{i}", need={"n": 10}) for i in range(6)]
    existing = {(f"D{i}", "R0") for i in range(5)} | {("D5", "R1")}
    return Problem(donors=donors, recipients=recipients, policy=Policy(existing_plan=existing))


def test_churn_tradeoff_finds_the_smallest_budget_keeping_most_of_the_fairness() -> None:
    # Every recipient needs a donor: no plan exists until four donors have moved from R0 to
    # the four recipients without one (churn 8), and that plan already covers everyone.
    tradeoff = churn_tradeoff(_spread_problem(), seconds=20)

    assert tradeoff.best == 1.0 and tradeoff.exact
    assert tradeoff.budget == 8
    by_budget = {point.churn_budget: point.min_coverage for point in tradeoff.points}
    assert by_budget[8] == 1.0
    assert all(by_budget[b] is None for b in by_budget if b < 8)
    budgets = [point.churn_budget for point in tradeoff.points]
    assert budgets == sorted(budgets)


def test_churn_tradeoff_keeps_to_its_cap_on_points() -> None:
    tradeoff = churn_tradeoff(_spread_problem(), max_points=2, seconds=20)

    assert len(tradeoff.points) == 2 and not tradeoff.exact
    assert tradeoff.budget is not None
    reached = {p.churn_budget: p.min_coverage for p in tradeoff.points}[tradeoff.budget]
    assert reached is not None and reached >= 0.9 * (tradeoff.best or 0)
