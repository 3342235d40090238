"""Kernel search: at national scale, first solve the model restricted to the promising pairs.

With tens of thousands of eligible pairs the full fairness model's branch and bound makes no
headway within a minute: measured on `generate(1000, 800, density=0.1)` (80,000 pairs), 60 s of
HiGHS on the full model never improved on the greedy plan (0.053), while the model restricted
to each recipient's 30 most useful donors was solved to optimality in 16 s (0.087). Most pairs
cannot matter to a fair plan: a donor with a tiny share of a recipient's need is never chosen
while a better one is free. So the kernel keeps, for each recipient, its most useful donors,
for each donor its most useful recipients, and every pair a plan must be able to use (required,
existing, the warm start); the plan found there warm-starts the full model, which keeps the
proof: the bound reported is always the full model's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from pairaid.engine.instance import (
    FAIRNESS_OBJECTIVES,
    Assignment,
    Objective,
    PairKey,
    Problem,
)

MIN_PAIRS = 5_000
"""Below this many eligible pairs the full model is solved directly (Hubei size: 304)."""
PER_RECIPIENT = 30
"""Donors kept per recipient. Measured at 1000×800: 8 and 16 kept too few (optimum of the
restricted model 0.072), 30 gave 0.087 proven in 16 s, 60 could not be solved in 120 s."""
PER_DONOR = 3
"""Recipients kept per donor, so that every donor that must serve someone still can."""
MOST_KEPT = 0.5
"""A kernel keeping more than this share of the pairs is barely smaller than the full model, and
is skipped: at 300×250 (k = 20, U = 4, seed 4) it kept 7,516 of 7,953 pairs and its branch and
bound took 29 s of 60 for a plan the threshold tests on the full model beat in 3 s."""
SUBSET_SIZE = 20
"""Recipients of the bottleneck subproblem (`bottleneck_subproblem`): at 1000×800 the lowest 10
already gave the optimum as bound (0.9 s), 20 took 1.7 s, 80 took 6.3 s (same bound)."""


def applies(problem: Problem, pairs: Sequence[PairKey]) -> bool:
    """Whether to search a kernel first: large models whose first level is a fairness one."""
    if len(pairs) < MIN_PAIRS or not problem.objectives:
        return False
    return problem.objectives[0].name in FAIRNESS_OBJECTIVES


def kernel_pairs(
    problem: Problem, pairs: Sequence[PairKey], warm_start: Iterable[Assignment]
) -> frozenset[PairKey]:
    """The pairs of the restricted model (a subset of `pairs`)."""
    score = {key: problem.usefulness(*key) for key in pairs}
    order = {key: number for number, key in enumerate(pairs)}  # ties: the problem's own order
    keep: set[PairKey] = set()
    for side, limit in ((1, PER_RECIPIENT), (0, PER_DONOR)):
        for members in _group(pairs, side).values():
            ranked = sorted(members, key=lambda key: (-score[key], order[key]))
            keep.update(ranked[:limit])
    policy = problem.policy
    eligible = set(pairs)
    keep |= {a.key for a in warm_start} & eligible
    keep |= (policy.required_pairs | policy.existing_plan) & eligible
    return frozenset(keep)


def _group(pairs: Sequence[PairKey], side: int) -> dict[str, list[PairKey]]:
    """Pairs by donor (side 0) or by recipient (side 1)."""
    groups: dict[str, list[PairKey]] = {}
    for key in pairs:
        groups.setdefault(key[side], []).append(key)
    return groups


def restricted(problem: Problem, pairs: Sequence[PairKey], keep: frozenset[PairKey]) -> Problem:
    """The same problem with every eligible pair outside the kernel forbidden."""
    dropped = frozenset(key for key in pairs if key not in keep)
    policy = replace(problem.policy, forbidden_pairs=problem.policy.forbidden_pairs | dropped)
    return replace(problem, policy=policy)


def reach_bound(problem: Problem, pairs: Sequence[PairKey]) -> float | None:
    """A bound on the minimum coverage that costs one pass over the pairs: no recipient can get
    more than its U strongest possible donors give in each resource (U = its maximum degree),
    whatever the others get. Weaker than the relaxation, but always there: the fallback when the
    relaxation does not finish in its share of the time. It is 0 where the donors cannot make a
    link to every recipient with a need (e.g. 3 whole donors for 4 recipients): one of them gets
    nothing, which the threshold tests cannot prove (a test just above 0 is within the solver's
    row tolerance of a plan at 0)."""
    reach = reach_by_recipient(problem, pairs)
    if not reach:
        return None
    return 0.0 if _most_links(problem, pairs, reach.keys()) < len(reach) else min(reach.values())


def _most_links(problem: Problem, pairs: Sequence[PairKey], needy: Iterable[str]) -> int:
    """The most links the donors can make to the recipients in `needy`, each donor within its
    maximum degree."""
    wanted = set(needy)
    eligible: dict[str, int] = {}
    for donor, recipient in pairs:
        if recipient in wanted:
            eligible[donor] = eligible.get(donor, 0) + 1
    most = problem.policy.donor_degree.maximum
    return sum(count if most is None else min(count, most) for count in eligible.values())


def reach_by_recipient(problem: Problem, pairs: Sequence[PairKey]) -> dict[str, float]:
    """Each recipient with a need: the coverage its U strongest possible donors would give it."""
    maximum = problem.policy.recipient_degree.maximum
    offers: dict[tuple[str, str], list[float]] = {}
    for donor, taker in pairs:
        for resource, quantity in problem.donor_by_id[donor].capacity.items():
            offers.setdefault((taker, resource), []).append(quantity)
    reach: dict[str, float] = {}
    for recipient in problem.recipients:
        for resource, need in recipient.need.items():
            if need <= 0:
                continue
            best = sorted(offers.get((recipient.id, resource), []), reverse=True)[:maximum]
            share = sum(best) / need
            reach[recipient.id] = min(share, reach.get(recipient.id, share))
            if problem.saturation is not None:
                reach[recipient.id] = min(reach[recipient.id], problem.saturation)
    return reach


def bottleneck_subproblem(problem: Problem, pairs: Sequence[PairKey], size: int) -> Problem:
    """The problem cut down to the `size` recipients with the lowest reach and the donors that
    may serve them, each donor free to serve none of them: a relaxation, so its max-min optimum
    bounds the whole problem's (any plan of the whole, cut down, is a plan of the part).

    At national scale the minimum is decided by a few recipients with large needs competing for
    the same strong donors; the linear relaxation cannot see that (it splits the donors), an
    exact solve of those few can. At 1000×800 the 10 lowest-reach recipients alone give 0.1413,
    the whole problem's optimum, where the relaxation gives 0.2310 (measured)."""
    reach = reach_by_recipient(problem, pairs)
    order = {r.id: n for n, r in enumerate(problem.recipients)}
    kept = set(sorted(reach, key=lambda r: (reach[r], order[r]))[:size])
    inside = [key for key in pairs if key[1] in kept]
    donors = {donor for donor, _ in inside}
    inside_set = frozenset(inside)
    policy = problem.policy
    relaxed = replace(
        policy,
        donor_degree=replace(policy.donor_degree, minimum=0),
        absorption={r: limit for r, limit in policy.absorption.items() if r in kept},
        required_pairs=policy.required_pairs & inside_set,
        existing_plan=policy.existing_plan & inside_set,
        forbidden_pairs=frozenset(),
        listed_pairs_only=True,
        max_travel_hours=None,
    )
    listed = {key: problem.pair_data(*key) for key in inside}
    return replace(
        problem,
        donors=[d for d in problem.donors if d.id in donors],
        recipients=[r for r in problem.recipients if r.id in kept],
        pairs=[replace(data, donor=key[0], recipient=key[1]) for key, data in listed.items()],
        policy=relaxed,
        objectives=(Objective("max_min_coverage"),),
    )
