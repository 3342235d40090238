"""Stable matching: deferred acceptance from either side, checked against brute force."""

from __future__ import annotations

import itertools
import random

from pairaid.engine.instance import DegreeRange, Donor, Policy, Problem, Recipient
from pairaid.engine.stable import blocking_pairs, stable_match


def problem(donors: int, recipients: int, recipient_max: int = 1) -> Problem:
    return Problem(
        donors=[Donor(f"d{i}", capacity={"staff": 10}) for i in range(donors)],
        recipients=[Recipient(f"r{j}", need={"staff": 10}) for j in range(recipients)],
        policy=Policy(
            donor_degree=DegreeRange(0, 1), recipient_degree=DegreeRange(0, recipient_max)
        ),
    )


def all_matchings(
    donors: list[str], recipients: list[str], recipient_max: int
) -> list[tuple[tuple[str, str], ...]]:
    """Every matching where each donor has at most one recipient and each recipient at most
    `recipient_max` donors."""
    out = []
    for choice in itertools.product([None, *recipients], repeat=len(donors)):
        counts = {r: choice.count(r) for r in recipients}
        if all(c <= recipient_max for c in counts.values()):
            out.append(tuple(sorted((d, r) for d, r in zip(donors, choice, strict=True) if r)))
    return out


def test_the_textbook_case():
    prefs_d = {"d0": ["r0", "r1", "r2"], "d1": ["r1", "r0", "r2"], "d2": ["r0", "r1", "r2"]}
    prefs_r = {"r0": ["d1", "d0", "d2"], "r1": ["d0", "d1", "d2"], "r2": ["d0", "d1", "d2"]}
    found = stable_match(problem(3, 3), donor_preferences=prefs_d, recipient_preferences=prefs_r)
    assert found.pairs == (("d0", "r0"), ("d1", "r1"), ("d2", "r2")) and found.stable
    other = stable_match(
        problem(3, 3),
        proposing="recipients",
        donor_preferences=prefs_d,
        recipient_preferences=prefs_r,
    )
    assert other.pairs == (("d0", "r1"), ("d1", "r0"), ("d2", "r2")) and other.stable


def test_random_instances_against_brute_force():
    rng = random.Random(7)
    for _ in range(60):
        n_d, n_r, quota = rng.randint(1, 4), rng.randint(1, 3), rng.randint(1, 2)
        case = problem(n_d, n_r, quota)
        donors, recipients = [d.id for d in case.donors], [r.id for r in case.recipients]
        prefs_d = {d: rng.sample(recipients, rng.randint(1, n_r)) for d in donors}
        prefs_r = {r: rng.sample(donors, rng.randint(1, n_d)) for r in recipients}
        quota_d, quota_r = dict.fromkeys(donors, 1), dict.fromkeys(recipients, quota)
        stable = [
            m
            for m in all_matchings(donors, recipients, quota)
            if all(r in prefs_d[d] and d in prefs_r[r] for d, r in m)
            and not blocking_pairs(m, prefs_d, prefs_r, quota_d, quota_r)
        ]
        for side in ("donors", "recipients"):
            found = stable_match(
                case, proposing=side, donor_preferences=prefs_d, recipient_preferences=prefs_r
            )
            assert found.stable and found.pairs in stable
        # Donor-proposing is donor-optimal: no stable matching gives any donor a better partner.
        best = stable_match(case, donor_preferences=prefs_d, recipient_preferences=prefs_r)
        mine = dict(best.pairs)
        for m in stable:
            for d, r in m:
                if d in mine:
                    assert prefs_d[d].index(mine[d]) <= prefs_d[d].index(r)
                else:
                    raise AssertionError(
                        f"{d} is unmatched in the donor-optimal matching but matched in {m}"
                    )


def test_blocking_pairs_of_a_hand_typed_plan():
    prefs_d = {"d0": ["r0", "r1"], "d1": ["r0", "r1"]}
    prefs_r = {"r0": ["d0", "d1"], "r1": ["d0", "d1"]}
    quotas = ({"d0": 1, "d1": 1}, {"r0": 1, "r1": 1})
    assert blocking_pairs((("d0", "r1"), ("d1", "r0")), prefs_d, prefs_r, *quotas) == (
        ("d0", "r0"),
    )
    assert blocking_pairs((("d0", "r0"), ("d1", "r1")), prefs_d, prefs_r, *quotas) == ()


def test_derived_preferences_favour_need_and_strength():
    case = Problem(
        donors=[Donor("strong", capacity={"staff": 100}), Donor("weak", capacity={"staff": 10})],
        recipients=[Recipient("needy", need={"staff": 500}), Recipient("less", need={"staff": 50})],
        policy=Policy(donor_degree=DegreeRange(0, 1), recipient_degree=DegreeRange(0, 1)),
    )
    found = stable_match(case)
    assert found.pairs == (("strong", "needy"), ("weak", "less")) and found.stable


def test_blocking_pairs_of_any_plan_under_derived_preferences():
    from pairaid.engine.stable import deferred_acceptance, plan_blocking_pairs

    case = Problem(
        donors=[Donor("strong", capacity={"staff": 100}), Donor("weak", capacity={"staff": 10})],
        recipients=[Recipient("needy", need={"staff": 500}), Recipient("less", need={"staff": 50})],
        policy=Policy(donor_degree=DegreeRange(0, 1), recipient_degree=DegreeRange(0, 1)),
    )
    assert plan_blocking_pairs(case, [("strong", "less"), ("weak", "needy")]) == (
        ("strong", "needy"),
    )
    assert plan_blocking_pairs(case, deferred_acceptance(case, proposing="recipients").pairs) == ()
