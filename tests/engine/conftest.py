"""Shared fixtures and builders for the engine tests (run with `-p no:django`)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pairaid.engine import DegreeRange, Donor, Objective, PairData, Policy, Problem, Recipient

REPO_ROOT = Path(__file__).resolve().parents[2]
# Published GAP instances carried with the project (tests/data/gap/README.md: source, licence).
GAP = REPO_ROOT / "tests" / "data" / "gap"


@pytest.fixture(scope="session")
def gap_dir() -> Path:
    assert (GAP / "known_values.csv").is_file(), f"GAP instances missing at {GAP}"
    return GAP


def random_problem(
    seed: int,
    *,
    donors: int = 4,
    recipients: int = 3,
    resources: int = 1,
    objectives: tuple[Objective, ...] = (Objective("max_min_coverage"),),
    donor_max: int | None = 1,
    recipient_max: int | None = None,
    recipient_min: int = 1,
    forbid: int = 1,
    travel_limit: bool = False,
    existing: bool = False,
    churn_budget: int | None = None,
) -> Problem:
    """A small random instance with integer data (so the CP model is exact)."""
    rng = random.Random(seed)
    kinds = [f"k{n}" for n in range(resources)]
    donor_list = [
        Donor(
            f"d{i}",
            capacity={k: rng.randint(1, 9) for k in kinds},
            strength={"gdp": rng.randint(1, 50)},
        )
        for i in range(donors)
    ]
    recipient_list = [
        Recipient(f"r{j}", need={k: rng.randint(1, 12) for k in kinds}) for j in range(recipients)
    ]
    pairs = [
        PairData(d.id, r.id, travel_hours=float(rng.randint(1, 10)), cost=float(rng.randint(1, 20)))
        for d in donor_list
        for r in recipient_list
    ]
    keys = [p.key for p in pairs]
    forbidden = set(rng.sample(keys, min(forbid, len(keys))))
    existing_plan = (
        {(d.id, rng.choice(recipient_list).id) for d in donor_list} if existing else set()
    )
    policy = Policy(
        donor_degree=DegreeRange(1, donor_max),
        recipient_degree=DegreeRange(recipient_min, recipient_max),
        forbidden_pairs=frozenset(forbidden),
        max_travel_hours=8.0 if travel_limit else None,
        existing_plan=frozenset(existing_plan),
        churn_budget=churn_budget,
    )
    return Problem(
        donors=donor_list,
        recipients=recipient_list,
        pairs=pairs,
        policy=policy,
        objectives=objectives,
    )


def random_gap(seed: int, donors: int, recipients: int, fewest: int = 0) -> Problem:
    """A small random generalised assignment problem: whole donors, costs, absorption limits."""
    chance = random.Random(seed)
    return Problem(
        donors=[Donor(f"d{i}", capacity={}) for i in range(donors)],
        recipients=[Recipient(f"r{j}", need={}) for j in range(recipients)],
        pairs=[
            PairData(f"d{i}", f"r{j}", cost=chance.randint(1, 30), load=chance.randint(1, 9))
            for i in range(donors)
            for j in range(recipients)
        ],
        policy=Policy(
            recipient_degree=DegreeRange(fewest, None),
            absorption={f"r{j}": chance.randint(5, 20) for j in range(recipients)},
        ),
        objectives=(Objective("min_cost"),),
    )
