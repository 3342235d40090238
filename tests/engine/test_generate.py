"""Synthetic problems: seeded, valid, and nobody without a possible partner."""

from __future__ import annotations

import pytest

from pairaid.engine import check_problem, generate, problem_to_dict, solve


def test_same_seed_same_problem_other_seed_other_problem() -> None:
    assert problem_to_dict(generate(19, 16, seed=3)) == problem_to_dict(generate(19, 16, seed=3))
    assert problem_to_dict(generate(19, 16, seed=3)) != problem_to_dict(generate(19, 16, seed=4))


def test_generated_problem_is_valid_and_everyone_has_a_possible_partner() -> None:
    problem = generate(60, 50, seed=1, density=0.1)

    assert check_problem(problem) == []
    assert (len(problem.donors), len(problem.recipients)) == (60, 50)
    assert {p.donor for p in problem.pairs} == {d.id for d in problem.donors}
    assert {p.recipient for p in problem.pairs} == {r.id for r in problem.recipients}
    assert all(p.travel_hours is not None and p.travel_hours >= 1 for p in problem.pairs)
    # each recipient keeps its nearest 10 % of donors, plus each donor's two nearest recipients
    assert 50 * 6 <= len(problem.pairs) <= 50 * 6 + 60 * 2


def test_hubei_size_instance_solves_to_optimality() -> None:
    result = solve(generate(19, 16, seed=1, density=0.5), deterministic=True)

    assert result.status == "optimal"
    # Proven by a test just above the plan found (engine.threshold): within the hold tolerance.
    assert result.levels[0].gap is not None and result.levels[0].gap <= 1.01e-6
    assert result.levels[0].value == pytest.approx(0.3442622950819672, rel=1e-12)


def test_each_donor_may_serve_its_k_nearest_recipients_and_no_more_when_density_is_zero() -> None:
    problem = generate(40, 30, seed=2, density=0.0, donor_nearest=5, recipient_max=4)

    assert check_problem(problem) == []
    by_donor: dict[str, list[float]] = {}
    for pair in problem.pairs:
        by_donor.setdefault(pair.donor, []).append(pair.travel_km or 0.0)
    # 5 nearest each; a recipient's own 3 nearest donors may add a pair to a donor
    assert all(len(distances) >= 5 for distances in by_donor.values())
    assert 40 * 5 <= len(problem.pairs) <= 40 * 5 + 30 * 3
    assert problem.policy.recipient_degree.maximum == 4
    assert problem.policy.donor_degree.minimum == problem.policy.donor_degree.maximum == 1


def test_the_nearest_recipients_of_a_donor_are_the_ones_it_may_serve() -> None:
    problem = generate(12, 10, seed=4, density=0.0, donor_nearest=3)
    far = generate(12, 10, seed=4, density=0.0, donor_nearest=10)

    distance = {p.key: p.travel_km for p in far.pairs}  # every pair, as donor_nearest = all
    assert len(far.pairs) == 12 * 10
    for donor in problem.donors:
        mine = {p.recipient for p in problem.pairs if p.donor == donor.id}
        ranked = sorted(far.recipients, key=lambda r: distance[(donor.id, r.id)])
        assert {r.id for r in ranked[:3]} <= mine
