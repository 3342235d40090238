"""The pairing model (DESIGN.md §4) as a solver-neutral `LinearModel`.

One small `_add_*` function per constraint family. `x[d, r]` is 1 when donor d serves
recipient r. A donor that may serve one recipient gives it its whole capacity; a donor that may
serve several splits its capacity through allocation variables, and the split is part of the
solution. Coverage `c[r] <= min(saturation, Σ a[d, r, k] / need[r, k])` for each resource k is
written as `need · c - Σ a <= 0` so that integer data stays integer for CP-SAT.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pairaid.engine.eligibility import eligible_pairs
from pairaid.engine.instance import FAIRNESS_OBJECTIVES, ObjectiveLevel, PairKey, Problem
from pairaid.engine.model import LinearExpression, LinearModel

COVERAGE_SCALE = 10_000
"""Integer steps per unit of coverage for integer-only solvers (CP-SAT): precision 1e-4."""


@dataclass(frozen=True)
class OrderedSumColumns:
    """The columns one ordered-sum level added: its threshold `t` and, for k > 1, each
    coverage column's shortfall `d = max(0, t - c)`, so a plan's values can be extended to them
    (`lexicographic.extend_hint`) without reading column names."""

    k: int
    threshold: int
    shortfalls: tuple[tuple[int, int], ...] = ()
    """(coverage column, shortfall column) pairs."""


@dataclass
class PairingModel:
    problem: Problem
    model: LinearModel
    pairs: tuple[PairKey, ...]
    assign: dict[PairKey, int]
    allocation: dict[tuple[PairKey, str], LinearExpression]
    coverage: dict[str, int]
    split_donors: frozenset[str]
    levels: dict[str, tuple[LinearExpression, bool]] = field(default_factory=dict)
    plan_columns: int = 0
    """Columns that describe a plan (pairs, allocations, coverage); levels add theirs after."""
    ordered_sums: list[OrderedSumColumns] = field(default_factory=list)

    def level(self, name: str) -> tuple[LinearExpression, bool]:
        """The expression of one lexicographic level and whether it is maximised."""
        if name not in self.levels:
            level = self.problem.objective_level(name)
            self.levels[name] = _level_expression(self, level), level.maximised
        return self.levels[name]

    def hold(self, name: str, value: float, tolerance: float = 1e-6) -> None:
        """Keep a solved level at its achieved value (relative tolerance) for later levels."""
        expression, maximize = self.level(name)
        slack = tolerance * abs(value) + 1e-9  # the absolute part absorbs round-off at 0
        if maximize:
            self.model.add_expression_row(expression, lower=value - slack)
        else:
            self.model.add_expression_row(expression, upper=value + slack)


def build_model(problem: Problem) -> PairingModel:
    """The model of a checked problem, without any objective level yet."""
    pairs = eligible_pairs(problem)
    model = LinearModel()
    required = problem.policy.required_pairs
    assign = {
        key: model.add_variable(
            f"x[{key[0]},{key[1]}]", 1.0 if key in required else 0.0, 1.0, integer=True
        )
        for key in pairs
    }
    maximum = problem.policy.donor_degree.maximum
    split_donors = frozenset(donor.id for donor in problem.donors if maximum is None or maximum > 1)
    pairing = PairingModel(problem, model, pairs, assign, {}, {}, split_donors)
    _add_degrees(pairing)
    _add_absorption(pairing)
    _add_churn_budget(pairing)
    if any(o.name in FAIRNESS_OBJECTIVES for o in problem.objectives):
        _add_allocation(pairing)
        _add_coverage(pairing)
    pairing.plan_columns = model.size
    return pairing


def _add_degrees(pairing: PairingModel) -> None:
    policy = pairing.problem.policy
    by_donor: dict[str, list[int]] = {d.id: [] for d in pairing.problem.donors}
    by_recipient: dict[str, list[int]] = {r.id: [] for r in pairing.problem.recipients}
    for (donor, recipient), variable in pairing.assign.items():
        by_donor[donor].append(variable)
        by_recipient[recipient].append(variable)
    for groups, degree in (
        (by_donor, policy.donor_degree),
        (by_recipient, policy.recipient_degree),
    ):
        upper = math.inf if degree.maximum is None else degree.maximum
        for variables in groups.values():
            if degree.minimum > 0 or upper < len(variables):
                pairing.model.add_row([(v, 1.0) for v in variables], degree.minimum, upper)


def _add_absorption(pairing: PairingModel) -> None:
    problem = pairing.problem
    absorption = problem.policy.absorption
    terms: dict[str, list[tuple[int, float]]] = {recipient: [] for recipient in absorption}
    for (donor, recipient), variable in pairing.assign.items():
        if recipient in terms:
            terms[recipient].append((variable, problem.load(donor, recipient)))
    for recipient, limit in absorption.items():
        pairing.model.add_row(terms[recipient], upper=limit)


def churn_expression(pairing: PairingModel) -> LinearExpression:
    """Pairs added plus pairs removed against the existing plan (moving one donor counts 2)."""
    existing = pairing.problem.policy.existing_plan
    expression = LinearExpression(constant=float(len(existing)))
    for key, variable in pairing.assign.items():
        expression.add(variable, -1.0 if key in existing else 1.0)
    return expression


def _add_churn_budget(pairing: PairingModel) -> None:
    budget = pairing.problem.policy.churn_budget
    if budget is not None:
        pairing.model.add_expression_row(churn_expression(pairing), upper=float(budget))


def _add_allocation(pairing: PairingModel) -> None:
    problem = pairing.problem
    needed = {(r.id, k) for r in problem.recipients for k, q in r.need.items() if q > 0}
    for key, variable in pairing.assign.items():
        donor = problem.donor_by_id[key[0]]
        for resource, capacity in donor.capacity.items():
            if capacity <= 0 or (key[1], resource) not in needed:
                continue
            expression = LinearExpression()
            if donor.id in pairing.split_donors:
                quantity = pairing.model.add_variable(
                    f"a[{key[0]},{key[1]},{resource}]",
                    0.0,
                    capacity,
                    integer=resource in problem.integer_resources,
                )
                # a donor gives only to recipients it serves
                pairing.model.add_row([(quantity, 1.0), (variable, -capacity)], upper=0.0)
                expression.add(quantity, 1.0)
            else:
                expression.add(variable, capacity)
            pairing.allocation[(key, resource)] = expression
    _add_capacity(pairing)


def _add_capacity(pairing: PairingModel) -> None:
    totals: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for ((donor, _), resource), expression in pairing.allocation.items():
        if donor in pairing.split_donors:
            totals.setdefault((donor, resource), []).extend(expression.terms.items())
    for (donor, resource), terms in totals.items():
        capacity = pairing.problem.donor_by_id[donor].capacity[resource]
        pairing.model.add_row(terms, upper=capacity)


def _add_coverage(pairing: PairingModel) -> None:
    problem = pairing.problem
    donors_of: dict[str, list[PairKey]] = {r.id: [] for r in problem.recipients}
    for key in pairing.pairs:
        donors_of[key[1]].append(key)
    for recipient in problem.recipients:
        if not recipient.has_need:
            continue
        upper = _coverage_upper_bound(problem, recipient.id, donors_of[recipient.id])
        coverage = pairing.model.add_variable(
            f"c[{recipient.id}]", 0.0, upper, scale=COVERAGE_SCALE
        )
        pairing.coverage[recipient.id] = coverage
        for resource, need in recipient.need.items():
            if need <= 0:
                continue
            terms = [(coverage, need)]
            for key in donors_of[recipient.id]:
                if (key, resource) in pairing.allocation:
                    terms += [(v, -c) for v, c in pairing.allocation[(key, resource)].terms.items()]
            pairing.model.add_row(terms, upper=0.0)


def _coverage_upper_bound(problem: Problem, recipient: str, pairs: list[PairKey]) -> float:
    need = problem.recipient_by_id[recipient].need
    reachable = min(
        sum(problem.donor_by_id[donor].capacity.get(resource, 0.0) for donor, _ in pairs) / quantity
        for resource, quantity in need.items()
        if quantity > 0
    )
    return reachable if problem.saturation is None else min(problem.saturation, reachable)


def _level_expression(pairing: PairingModel, level: ObjectiveLevel) -> LinearExpression:
    if level.measure == "ordered_coverage":
        return _ordered_sum(pairing, level.k)
    if level.measure == "churn":
        return churn_expression(pairing)
    expression = LinearExpression()
    for key, variable in pairing.assign.items():
        # the measure names the pair's field: travel_hours or cost
        expression.add(variable, getattr(pairing.problem.pair_data(*key), level.measure) or 0.0)
    return expression


def _ordered_sum(pairing: PairingModel, k: int) -> LinearExpression:
    """The sum of the k smallest coverages (Ogryczak–Śliwiński): max k·t - Σ d[r] with
    d[r] >= t - c[r], d[r] >= 0. Exact for the integer model, unlike fixing bottlenecks."""
    model = pairing.model
    coverages = list(pairing.coverage.values())
    k = min(k, len(coverages))
    if k == 0:
        return LinearExpression()
    top = max(model.upper[c] for c in coverages)
    threshold = model.add_variable(f"t[{k}]", 0.0, top, scale=COVERAGE_SCALE)
    expression = LinearExpression()
    expression.add(threshold, float(k))
    if k == 1:
        for coverage in coverages:
            model.add_row([(threshold, 1.0), (coverage, -1.0)], upper=0.0)
        pairing.ordered_sums.append(OrderedSumColumns(k, threshold))
        return expression
    shortfalls = []
    for coverage in coverages:
        shortfall = model.add_variable(f"d[{k},{coverage}]", 0.0, top, scale=COVERAGE_SCALE)
        model.add_row([(shortfall, 1.0), (threshold, -1.0), (coverage, 1.0)], lower=0.0)
        expression.add(shortfall, -1.0)
        shortfalls.append((coverage, shortfall))
    pairing.ordered_sums.append(OrderedSumColumns(k, threshold, tuple(shortfalls)))
    return expression
