"""The matcher against a brute-force oracle, and its rules one by one."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.matching_oracle import best_objectives, reachable

from pairaid.engine.matching import (
    MatchingProblem,
    MatchingResult,
    match,
    matching_from_dict,
    objectives,
)

ITEMS = ["mask", "gown"]
DONORS = ["d0", "d1"]
RECIPIENTS = ["r0", "r1", "r2"]


@st.composite
def tiny_documents(draw: st.DrawFn) -> dict[str, Any]:
    """At most three lots and three needs, with one planted shipment: lot 0 may ship to need 0
    (same item, a distance, a pair), so every example fills something and the comparison with
    the oracle is never vacuous."""
    lots = [
        {
            "id": f"l{i}",
            "donor": draw(st.sampled_from(DONORS)),
            "item": draw(st.sampled_from(ITEMS)),
            "quantity": draw(st.integers(1, 9)),
            "max_shipments": draw(st.integers(1, 2)),
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    needs = []
    for i in range(draw(st.integers(1, 3))):
        quantity = draw(st.integers(1, 9))
        needs.append(
            {
                "id": f"n{i}",
                "recipient": draw(st.sampled_from(RECIPIENTS)),
                "item": draw(st.sampled_from(ITEMS)),
                "quantity": quantity,
                "pledged": draw(st.integers(0, quantity)),
            }
        )
    distances = [
        {"donor": d, "recipient": r, "km": draw(st.integers(1, 9))}
        for d in DONORS
        for r in RECIPIENTS
        if draw(st.booleans())
    ]
    pairs = [[d, r] for d in DONORS for r in RECIPIENTS if draw(st.booleans())]
    # The planted shipment: lot 0 → need 0.
    needs[0]["item"] = lots[0]["item"]
    needs[0]["pledged"] = min(needs[0]["pledged"], needs[0]["quantity"] - 1)
    planted = (lots[0]["donor"], needs[0]["recipient"])
    if planted not in {(d["donor"], d["recipient"]) for d in distances}:
        distances.append({"donor": planted[0], "recipient": planted[1], "km": 5})
    if list(planted) not in pairs:
        pairs.append(list(planted))
    return {
        "kind": "matching",
        "lots": lots,
        "needs": needs,
        "distances": distances,
        "follow_pairing": draw(st.booleans()),
        "pairs": pairs,
    }


def assert_rules_kept(problem: MatchingProblem, result: MatchingResult) -> None:
    lots = {lot.id: lot for lot in problem.lots}
    needs = {need.id: need for need in problem.needs}
    shipped: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for s in result.shipments:
        lot, need = lots[s.lot], needs[s.need]
        assert lot.item == need.item == s.item, "item match"
        assert (s.donor, s.recipient) in problem.distances, "a distance"
        assert problem.distances[s.donor, s.recipient] == s.km
        if problem.follow_pairing:
            assert (s.donor, s.recipient) in problem.pairs, "pairing rule"
        assert s.quantity > 0
        shipped[s.lot] += s.quantity
        filled[s.need] += s.quantity
        count[s.lot] += 1
    for lot in problem.lots:
        assert shipped[lot.id] <= lot.quantity * (1 + 1e-9)
        assert count[lot.id] <= lot.max_shipments, "shipment cap"
    for need in problem.needs:
        assert filled[need.id] <= need.open * (1 + 1e-9) + 1e-12, "pledged netting"


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_documents())
def test_matches_brute_force_on_every_level(document: dict[str, Any]) -> None:
    problem = matching_from_dict(document)

    result = match(problem)
    expected = best_objectives(problem)
    found = objectives(problem, result.shipments)

    assert result.status == "optimal"
    assert_rules_kept(problem, result)
    assert expected.quantity_filled > 0  # the planted shipment
    assert close(found.worst_fill_share, expected.worst_fill_share)
    assert close(found.quantity_filled, expected.quantity_filled)
    assert close(found.km_weighted, expected.km_weighted)
    values = [level.value for level in result.levels]
    assert close(values[0], expected.worst_fill_share)
    assert close(values[1], expected.quantity_filled)
    assert close(values[2], expected.km_weighted)


def document(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "matching",
        "lots": [{"id": "l0", "donor": "d0", "item": "mask", "quantity": 100}],
        "needs": [{"id": "n0", "recipient": "r0", "item": "mask", "quantity": 60}],
        "distances": [{"donor": "d0", "recipient": "r0", "km": 10}],
    }
    return base | changes


def codes(result: MatchingResult) -> list[str]:
    return [m.code for m in result.explanations]


def test_only_the_same_item_ships() -> None:
    result = match(
        matching_from_dict(
            document(needs=[{"id": "n0", "recipient": "r0", "item": "gown", "quantity": 60}])
        )
    )

    assert result.shipments == []
    assert result.levels[0].value is None  # no recipient is counted
    assert "nothing_no_offer" in codes(result)


def test_pairing_rule_blocks_unpaired_donors_only_when_followed() -> None:
    free = match(matching_from_dict(document(pairs=[["d9", "r0"]])))
    paired = match(matching_from_dict(document(follow_pairing=True, pairs=[["d9", "r0"]])))

    assert [s.quantity for s in free.shipments] == [60]
    assert paired.shipments == []
    assert "nothing_not_paired" in codes(paired)


def test_missing_distance_means_not_reachable_and_says_so() -> None:
    result = match(matching_from_dict(document(distances=[])))

    assert result.shipments == []
    assert {"nothing_no_distance", "missing_distances"} <= set(codes(result))


def test_pledged_quantity_is_netted() -> None:
    needs = [{"id": "n0", "recipient": "r0", "item": "mask", "quantity": 60, "pledged": 45}]

    result = match(matching_from_dict(document(needs=needs)))

    assert [s.quantity for s in result.shipments] == [pytest.approx(15)]
    assert result.levels[0].value == pytest.approx(1.0)


def test_shipment_cap_keeps_a_lot_whole_and_the_worst_off_first() -> None:
    # One lot of 100, capped at one shipment: it goes whole to one of two recipients; with a cap
    # of two it is shared so that both get the same share.
    needs = [
        {"id": "n0", "recipient": "r0", "item": "mask", "quantity": 100},
        {"id": "n1", "recipient": "r1", "item": "mask", "quantity": 100},
    ]
    distances = [
        {"donor": "d0", "recipient": "r0", "km": 10},
        {"donor": "d0", "recipient": "r1", "km": 20},
    ]
    capped = match(matching_from_dict(document(needs=needs, distances=distances)))
    lots = [{"id": "l0", "donor": "d0", "item": "mask", "quantity": 100, "max_shipments": 2}]
    shared = match(matching_from_dict(document(needs=needs, distances=distances, lots=lots)))

    assert [(s.need, s.quantity) for s in capped.shipments] == [("n0", pytest.approx(100))]
    assert capped.levels[0].value == pytest.approx(0.0)
    assert "nothing_lots_used" in codes(capped)
    assert sorted(s.quantity for s in shared.shipments) == [pytest.approx(50, rel=1e-5)] * 2
    assert shared.levels[0].value == pytest.approx(0.5)


def test_fill_share_is_a_mean_over_lines_not_a_sum_of_units() -> None:
    # r0 asks for 1,000 masks and 2 ventilators; one ventilator is worth half its share.
    lots = [
        {"id": "masks", "donor": "d0", "item": "mask", "quantity": 1000},
        {"id": "vents", "donor": "d0", "item": "ventilator", "quantity": 1},
    ]
    needs = [
        {"id": "n0", "recipient": "r0", "item": "mask", "quantity": 1000},
        {"id": "n1", "recipient": "r0", "item": "ventilator", "quantity": 2},
    ]

    result = match(matching_from_dict(document(lots=lots, needs=needs)))

    assert result.levels[0].value == pytest.approx(0.75)
    assert result.metrics["mean_fill_share"] == pytest.approx(0.75)


def test_nearest_keeps_only_the_closest_lots() -> None:
    lots = [
        {"id": "far", "donor": "d1", "item": "mask", "quantity": 100},
        {"id": "near", "donor": "d0", "item": "mask", "quantity": 10},
    ]
    distances = [
        {"donor": "d0", "recipient": "r0", "km": 10},
        {"donor": "d1", "recipient": "r0", "km": 900},
    ]

    result = match(
        matching_from_dict(document(lots=lots, distances=distances, options={"nearest": 1}))
    )

    assert [(s.lot, s.quantity) for s in result.shipments] == [("near", pytest.approx(10))]
    assert "nearest_kept" in codes(result)


def test_time_limit_gives_a_feasible_matching_with_bounds() -> None:
    # Many capped lots over many needs: a MIP that the tiny limit stops.
    lots = [
        {
            "id": f"l{i}",
            "donor": f"d{i % 7}",
            "item": "mask",
            "quantity": 37 + i,
            "max_shipments": 2,
        }
        for i in range(60)
    ]
    needs = [
        {"id": f"n{j}", "recipient": f"r{j}", "item": "mask", "quantity": 50 + (j * 13) % 40}
        for j in range(80)
    ]
    distances = [
        {"donor": f"d{d}", "recipient": f"r{j}", "km": 1 + (d * 31 + j * 17) % 97}
        for d in range(7)
        for j in range(80)
    ]
    problem = matching_from_dict(document(lots=lots, needs=needs, distances=distances))

    result = match(problem, time_limit_seconds=0.05)

    assert_rules_kept(problem, result)
    stopped = [level for level in result.levels if level.status != "optimal"]
    assert result.status == ("optimal" if not stopped else "feasible")
    assert stopped, "the limit stops this MIP"
    for level in stopped:
        # A stopped level keeps its best value; a bound, when HiGHS proved one, is no lower.
        if level.status == "feasible":
            assert level.value is not None
            assert level.bound is None or level.bound >= level.value - 1e-9


def test_reachable_pairs_of_the_oracle_are_the_matchers_arcs() -> None:
    from pairaid.engine.matching import arcs

    problem = matching_from_dict(document(follow_pairing=True, pairs=[["d0", "r0"]]))

    assert [(a.lot, a.need, a.km) for a in arcs(problem)] == reachable(problem)


def test_more_recipients_than_lots_can_reach_proves_the_worst_share_zero() -> None:
    # Two lots of one shipment each cannot reach three recipients: someone gets nothing.
    lots = [
        {"id": f"l{i}", "donor": "d0", "item": "mask", "quantity": 100, "max_shipments": 1}
        for i in range(2)
    ]
    needs = [
        {"id": f"n{j}", "recipient": f"r{j}", "item": "mask", "quantity": 10} for j in range(3)
    ]
    distances = [{"donor": "d0", "recipient": f"r{j}", "km": 10 + j} for j in range(3)]

    result = match(matching_from_dict(document(lots=lots, needs=needs, distances=distances)))

    worst, quantity, _ = result.levels
    assert (worst.value, worst.bound, worst.status) == (0.0, 0.0, "optimal")
    assert quantity.status == "optimal" and quantity.value == pytest.approx(20)
    assert result.status == "optimal"
    spared = next(m for m in result.explanations if m.code == "nobody_spared")
    assert dict(spared.args) == {"recipients": 3, "lots": 2, "reach": 2}


def test_a_run_stopped_before_any_level_ships_the_nearest_first_rule() -> None:
    # Each lot ships once; nearest first, A (1 km from r0) fills r0, and B goes on to r1.
    lots = [
        {"id": "A", "donor": "dA", "item": "mask", "quantity": 10, "max_shipments": 1},
        {"id": "B", "donor": "dB", "item": "mask", "quantity": 10, "max_shipments": 1},
    ]
    needs = [
        {"id": "n0", "recipient": "r0", "item": "mask", "quantity": 8},
        {"id": "n1", "recipient": "r1", "item": "mask", "quantity": 8},
    ]
    distances = [
        {"donor": "dA", "recipient": "r0", "km": 1},
        {"donor": "dB", "recipient": "r0", "km": 2},
        {"donor": "dA", "recipient": "r1", "km": 5},
        {"donor": "dB", "recipient": "r1", "km": 9},
    ]
    problem = matching_from_dict(document(lots=lots, needs=needs, distances=distances))

    result = match(problem, time_limit_seconds=0.0)

    assert result.status == "feasible"
    assert [level.status for level in result.levels] == ["not_reached"] * 3
    assert sorted((s.lot, s.need, s.quantity) for s in result.shipments) == [
        ("A", "n0", pytest.approx(8)),
        ("B", "n1", pytest.approx(8)),
    ]
    assert_rules_kept(problem, result)
    assert "start_plan" in codes(result)
    # Given time, the solver keeps both recipients filled and cuts the distance: B to r0.
    solved = match(problem)
    assert solved.status == "optimal"
    assert sorted((s.lot, s.need) for s in solved.shipments) == [("A", "n1"), ("B", "n0")]
