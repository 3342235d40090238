"""Staff are whole people: a plan without a split is measured with its leximin split in whole
units of integer resources, within each donor's capacity, and its coverage is that split's."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.engine import (
    DegreeRange,
    Donor,
    Policy,
    Problem,
    Recipient,
    evaluate,
    plan_from_pairs,
)
from pairaid.engine.split import leximin_split, whole_shares

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_shanxi_sends_whole_people_to_its_three_cities() -> None:
    # Hubei 2020: Shanxi's 469 staff for 438, 261 and 90 cases; the continuous split is
    # 260.3574, 155.1445 and 53.4981 people.
    problem = Problem(
        donors=[Donor("SX", capacity={"staff": 469})],
        recipients=[
            Recipient("XT", need={"staff": 438}),
            Recipient("TM", need={"staff": 261}),
            Recipient("QJ", need={"staff": 90}),
        ],
        policy=Policy(donor_degree=DegreeRange(1, 3)),
        integer_resources=frozenset({"staff"}),
        saturation=None,
    )

    evaluation = evaluate(problem, plan_from_pairs([("SX", "XT"), ("SX", "TM"), ("SX", "QJ")]))

    sent = {a.recipient: a.allocation["staff"] for a in evaluation.assignments if a.allocation}
    assert sent == {"XT": 260.0, "TM": 155.0, "QJ": 54.0}
    assert evaluation.coverage == {"XT": 260 / 438, "TM": 155 / 261, "QJ": 54 / 90}
    assert not evaluation.violations


@given(st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=6), st.data())
def test_whole_shares_are_floors_or_ceilings_summing_to_any_reachable_total(
    exact: list[float], data: st.DataObject
) -> None:
    floors = [math.floor(x + 1e-6) for x in exact]
    total = data.draw(st.integers(sum(floors), sum(floors) + len(exact)))

    shares = whole_shares(exact, total)

    assert sum(shares) == total
    assert all(low <= share <= low + 1 for low, share in zip(floors, shares, strict=True))


# Small plans where donors share their capacity among several recipients.
shared_plans = st.integers(1, 3).flatmap(
    lambda donors: st.tuples(
        st.lists(st.integers(1, 400), min_size=donors, max_size=donors),
        st.lists(st.integers(1, 600), min_size=2, max_size=4),
        st.lists(st.tuples(st.integers(0, donors - 1), st.integers(0, 3)), min_size=2, max_size=8),
        st.booleans(),
    )
)


def _problem(capacities: list[int], needs: list[int], integer: bool, saturated: bool) -> Problem:
    return Problem(
        donors=[Donor(f"D{i}", capacity={"staff": c}) for i, c in enumerate(capacities)],
        recipients=[Recipient(f"R{j}", need={"staff": n}) for j, n in enumerate(needs)],
        policy=Policy(donor_degree=DegreeRange(0, None), recipient_degree=DegreeRange(0, None)),
        integer_resources=frozenset({"staff"}) if integer else frozenset(),
        saturation=1.0 if saturated else None,
    )


@PROPERTY
@given(shared_plans)
def test_the_derived_split_is_whole_within_capacity_and_one_unit_of_the_continuous_split(
    drawn: tuple[list[int], list[int], list[tuple[int, int]], bool],
) -> None:
    capacities, needs, links, saturated = drawn
    pairs = list(dict.fromkeys((f"D{d}", f"R{r % len(needs)}") for d, r in links))
    whole = leximin_split(_problem(capacities, needs, True, saturated), pairs)
    continuous = leximin_split(_problem(capacities, needs, False, saturated), pairs)

    for key in pairs:
        sent = whole[key].get("staff", 0.0)
        assert sent == int(sent) >= 0
        assert abs(sent - continuous[key].get("staff", 0.0)) < 1 + 1e-6
    for d, capacity in enumerate(capacities):
        given_away = [whole[key].get("staff", 0.0) for key in pairs if key[0] == f"D{d}"]
        assert sum(given_away) <= capacity


@PROPERTY
@given(shared_plans)
def test_reported_coverage_is_the_coverage_of_the_whole_split(
    drawn: tuple[list[int], list[int], list[tuple[int, int]], bool],
) -> None:
    capacities, needs, links, saturated = drawn
    problem = _problem(capacities, needs, True, saturated)
    pairs = list(dict.fromkeys((f"D{d}", f"R{r % len(needs)}") for d, r in links))

    evaluation = evaluate(problem, plan_from_pairs(pairs))

    received: dict[str, float] = {}
    for assignment in evaluation.assignments:
        quantity = (assignment.allocation or {}).get("staff", 0.0)
        assert quantity == int(quantity)
        received[assignment.recipient] = received.get(assignment.recipient, 0.0) + quantity
    assert not [v.code for v in evaluation.violations if v.code == "fractional_allocation"]
    for recipient, covered in evaluation.coverage.items():
        ratio = received.get(recipient, 0.0) / needs[int(recipient[1:])]
        assert covered == pytest.approx(min(1.0, ratio) if saturated else ratio)


def test_cli_figures_are_rounded_and_whole_numbers_stay_whole() -> None:
    from pairaid.engine.report import figure

    assert figure(0.25742574257425743) == "0.2574"
    assert figure(0.25742574257425743, 6) == "0.257426"
    assert figure(15618300.0) == "15618300"
    assert figure(15618300.25) == "15618300"
    assert figure(21) == "21"
    assert figure(None) == "-"
    assert figure(True) == "True"
