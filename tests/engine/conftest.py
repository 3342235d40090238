"""Shared fixtures and builders for the engine tests (run with `-p no:django`)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from pairaid.engine import DegreeRange, Donor, Objective, PairData, Policy, Problem, Recipient
from pairaid.engine.instance import PairKey

Planted = frozenset[PairKey]
"""A plan planted in a generated problem: each donor's one recipient."""

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


def planted_problem(seed: int, **options: object) -> tuple[Problem, Planted]:
    """`random_problem(seed, **options)` with a feasible plan planted in it: its policy is drawn
    as usual, then loosened just enough for the plan to keep it (the plan's pairs are not
    forbidden, each recipient's degree range holds the plan's donors, the travel limit and the
    churn budget let the plan through; leximin has at most one level per recipient). Every
    problem drawn is then feasible, so a property test asserts on each."""
    problem = random_problem(seed, **options)  # type: ignore[arg-type]
    return plant(problem, random.Random(seed))


def plant(problem: Problem, chance: random.Random) -> tuple[Problem, Planted]:
    """The problem loosened so that a plan drawn by `chance` is feasible, and that plan."""
    recipients = [r.id for r in problem.recipients]
    donors = [d.id for d in problem.donors]
    chance.shuffle(recipients)
    # Deal the first donors one to each recipient, so that every recipient has one if it can.
    plan = frozenset(
        (donor, recipients[n] if n < len(recipients) else chance.choice(recipients))
        for n, donor in enumerate(donors)
    )
    policy = problem.policy
    counts = [sum(1 for _, r in plan if r == recipient) for recipient in recipients]
    degree = policy.recipient_degree
    fewest = min(degree.minimum, min(counts))
    most = None if degree.maximum is None else max(degree.maximum, max(counts))
    travel = policy.max_travel_hours
    if travel is not None:
        travel = max([travel] + [problem.pair_data(*key).travel_hours or 0.0 for key in plan])
    budget = policy.churn_budget
    if budget is not None:
        budget = max(budget, len(plan ^ policy.existing_plan))
    loosened = replace(
        policy,
        recipient_degree=DegreeRange(fewest, most),
        forbidden_pairs=policy.forbidden_pairs - plan,
        max_travel_hours=travel,
        churn_budget=budget,
    )
    objectives = fit_levels(problem.objectives, len(problem.recipients))
    return replace(problem, policy=loosened, objectives=objectives), plan


def fit_levels(objectives: Sequence[Objective], recipients: int) -> tuple[Objective, ...]:
    """The objectives with leximin cut to one level per recipient (`engine.LIMITS`)."""
    return tuple(
        replace(o, levels=min(o.levels, recipients)) if o.name == "leximin" else o
        for o in objectives
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


def planted_gap(
    seed: int, donors: int, recipients: int, fewest: int = 0
) -> tuple[Problem, dict[str, str]]:
    """`random_gap` with a feasible plan planted in it: each recipient's absorption limit raised
    to the load the plan puts on it, and the plan (each donor's recipient). With `fewest` the
    first donors are dealt one to each recipient."""
    problem = random_gap(seed, donors, recipients, fewest)
    chance = random.Random(seed)
    ids = [r.id for r in problem.recipients]
    plan = {
        d.id: ids[n] if n < len(ids) and fewest else chance.choice(ids)
        for n, d in enumerate(problem.donors)
    }
    load = dict.fromkeys(ids, 0.0)
    for donor, recipient in plan.items():
        load[recipient] += problem.load(donor, recipient)
    absorption = {r: max(limit, load[r]) for r, limit in problem.policy.absorption.items()}
    return replace(problem, policy=replace(problem.policy, absorption=absorption)), plan
