"""Nothing a donor offers is left at home: unallocated capacity goes to its own recipients."""

from __future__ import annotations

import pytest

from pairaid.engine import (
    Assignment,
    DegreeRange,
    Donor,
    Objective,
    Policy,
    Problem,
    Recipient,
    evaluate,
    solve,
)
from pairaid.engine.split import assign_the_rest


def _problem(**changes: object) -> Problem:
    base: dict[str, object] = {
        "donors": [Donor("D", capacity={"doctor": 100, "nurse": 30})],
        "recipients": [
            Recipient("X", need={"doctor": 10, "nurse": 10}),
            Recipient("Y", need={"doctor": 20, "nurse": 20}),
        ],
        "policy": Policy(donor_degree=DegreeRange(1, 2)),
        "integer_resources": frozenset({"doctor", "nurse"}),
    }
    base.update(changes)
    return Problem(**base)  # type: ignore[arg-type]


def test_the_rest_fills_the_lowest_share_first_and_keeps_whole_units() -> None:
    problem = _problem()
    plan = [
        Assignment("D", "X", {"doctor": 5, "nurse": 5}),
        Assignment("D", "Y", {"doctor": 10, "nurse": 10}),
    ]

    filled = {a.recipient: a.allocation for a in assign_the_rest(problem, plan)}

    assert filled["X"]["doctor"] + filled["Y"]["doctor"] == 100
    assert filled["X"]["nurse"] + filled["Y"]["nurse"] == 30
    assert all(float(q).is_integer() for a in filled.values() for q in a.values())
    # doctors: equal shares of need, 100 = t·10 + t·20 → t = 3.33: X 33, Y 67 (whole units)
    assert (filled["X"]["doctor"], filled["Y"]["doctor"]) in {(33, 67), (34, 66)}
    before = evaluate(problem, plan).coverage
    after = evaluate(problem, list(assign_the_rest(problem, plan))).coverage
    assert all(after[r] >= before[r] for r in before)


def test_continuous_resources_are_shared_exactly_and_a_full_plan_is_unchanged() -> None:
    problem = _problem(integer_resources=frozenset())
    plan = [Assignment("D", "X", {"doctor": 0, "nurse": 0}), Assignment("D", "Y", {})]

    filled = {a.recipient: a.allocation for a in assign_the_rest(problem, plan)}

    assert filled["X"]["doctor"] == pytest.approx(100 / 3)
    assert filled["Y"]["doctor"] == pytest.approx(200 / 3)
    assert filled["X"]["nurse"] == pytest.approx(10)
    full = assign_the_rest(problem, plan)
    assert assign_the_rest(problem, full) == full


def test_a_max_min_plan_sends_every_unit_and_its_claims_match_the_evaluation() -> None:
    # Saturation 1: each recipient is fully covered with a fraction of D's staff, so the optimum
    # is indifferent to the rest; the plan still sends them.
    problem = _problem(
        donors=[
            Donor("D", capacity={"doctor": 100, "nurse": 100}),
            Donor("E", capacity={"doctor": 1, "nurse": 1}),
        ],
        saturation=1.0,
        objectives=[Objective("leximin", 2)],
    )

    result = solve(problem, deterministic=True)

    assert result.status == "optimal"
    sent = {
        r: sum(p.allocation.get(r, 0) for p in result.pairs if p.donor == "D")
        for r in ("doctor", "nurse")
    }
    assert sent == {"doctor": 100, "nurse": 100}
    evaluation = evaluate(
        problem, [Assignment(p.donor, p.recipient, p.allocation) for p in result.pairs]
    )
    for level in result.levels:
        assert evaluation.level_value(level.name, problem) == pytest.approx(level.value)
