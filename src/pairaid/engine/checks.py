"""Checks before solving: every input error at once, then cheap proofs of infeasibility.

`check_problem` finds values a coordinator must fix (each with a path into the problem), the
engine's published limits (`engine.LIMITS`) among them;
`prove_infeasible` finds policies no plan can meet, by counting and flow (Hall) arguments, and
names the donors and recipients involved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from pairaid.engine.eligibility import eligible_pairs, exclusion_reason
from pairaid.engine.flow import FlowNetwork
from pairaid.engine.instance import BACKEND_NAMES, OBJECTIVE_NAMES, PairKey, Problem
from pairaid.engine.limits import LIMITS
from pairaid.engine.messages import Message, message

_MAX_NAMED = 8  # name at most this many regions in one message


def check_problem(problem: Problem) -> list[Message]:
    """Every input error of the problem, each with a path like `donors[3].capacity.icu_nurse`."""
    errors: list[Message] = []
    errors += _check_ids(problem)
    errors += _check_quantities(problem)
    errors += _check_pairs(problem)
    errors += _check_policy(problem)
    errors += _check_objectives(problem)
    errors += _check_options(problem)
    return errors


def _check_ids(problem: Problem) -> list[Message]:
    errors: list[Message] = []
    sides = (
        ("donors", [donor.id for donor in problem.donors]),
        ("recipients", [recipient.id for recipient in problem.recipients]),
    )
    for side, ids in sides:
        first: dict[str, str] = {}
        for index, region in enumerate(ids):
            path = f"{side}[{index}].id"
            if not region:
                errors.append(message("required", path=path))
            elif region in first:
                errors.append(message("duplicate_id", path=path, id=region, first=first[region]))
            else:
                first[region] = path
    return errors


def _number_errors(
    value: float, path: str, *, minimum: float | None = 0.0, strict: bool = False
) -> list[Message]:
    if not math.isfinite(value):
        return [message("wrong_type", path=path, expected="a finite number", got=str(value))]
    if minimum is not None and strict and value <= minimum:
        return [message("not_positive", path=path, value=_show(value))]
    if minimum is not None and value < minimum:
        return [message("too_small", path=path, minimum=_show(minimum), value=_show(value))]
    return []


def _show(value: float) -> str:
    return f"{value:g}"


def _check_mapping(values: Mapping[str, float], path: str, minimum: float | None) -> list[Message]:
    errors: list[Message] = []
    for name, value in values.items():
        errors += _number_errors(value, f"{path}.{name}", minimum=minimum)
    return errors


def _check_quantities(problem: Problem) -> list[Message]:
    errors: list[Message] = []
    for index, donor in enumerate(problem.donors):
        errors += _check_mapping(donor.capacity, f"donors[{index}].capacity", 0.0)
        errors += _check_mapping(donor.strength, f"donors[{index}].strength", None)
    for index, recipient in enumerate(problem.recipients):
        errors += _check_mapping(recipient.need, f"recipients[{index}].need", 0.0)
    if problem.saturation is not None:
        errors += _number_errors(problem.saturation, "saturation", strict=True)
    return errors


def _check_pairs(problem: Problem) -> list[Message]:
    errors: list[Message] = []
    seen: dict[PairKey, str] = {}
    for index, pair in enumerate(problem.pairs):
        path = f"pairs[{index}]"
        errors += _check_ids_known(problem, pair.donor, pair.recipient, path)
        if pair.key in seen:
            errors.append(
                message(
                    "duplicate_id",
                    path=path,
                    id=f"{pair.donor}-{pair.recipient}",
                    first=seen[pair.key],
                )
            )
        seen.setdefault(pair.key, path)
        for name in ("travel_hours", "travel_km", "load"):
            value = getattr(pair, name)
            if value is not None:
                errors += _number_errors(value, f"{path}.{name}")
        if pair.cost is not None:
            errors += _number_errors(pair.cost, f"{path}.cost", minimum=None)
    return errors


def _check_ids_known(problem: Problem, donor: str, recipient: str, path: str) -> list[Message]:
    errors: list[Message] = []
    if donor not in problem.donor_by_id:
        errors.append(message("unknown_donor", path=f"{path}.donor", id=donor))
    if recipient not in problem.recipient_by_id:
        errors.append(message("unknown_recipient", path=f"{path}.recipient", id=recipient))
    return errors


def _check_policy(problem: Problem) -> list[Message]:
    policy = problem.policy
    errors: list[Message] = []
    for name, degree in (
        ("donor_degree", policy.donor_degree),
        ("recipient_degree", policy.recipient_degree),
    ):
        path = f"policy.{name}"
        if degree.minimum < 0:
            errors.append(message("too_small", path=f"{path}.min", minimum=0, value=degree.minimum))
        if degree.maximum is not None and degree.maximum < degree.minimum:
            errors.append(
                message("degree_range", path=path, minimum=degree.minimum, maximum=degree.maximum)
            )
    for recipient, value in policy.absorption.items():
        path = f"policy.absorption.{recipient}"
        if recipient not in problem.recipient_by_id:
            errors.append(message("unknown_recipient", path=path, id=recipient))
        errors += _number_errors(value, path)
    for name, pairs in (
        ("required_pairs", policy.required_pairs),
        ("forbidden_pairs", policy.forbidden_pairs),
        ("existing_plan", policy.existing_plan),
    ):
        for donor, recipient in sorted(pairs):
            errors += _check_ids_known(
                problem, donor, recipient, f"policy.{name}[{donor},{recipient}]"
            )
    for donor, recipient in sorted(policy.required_pairs & policy.forbidden_pairs):
        errors.append(
            message("required_and_forbidden", path="policy", donor=donor, recipient=recipient)
        )
    if policy.max_travel_hours is not None:
        errors += _number_errors(policy.max_travel_hours, "policy.max_travel_hours")
    if policy.churn_budget is not None and policy.churn_budget < 0:
        errors.append(
            message("too_small", path="policy.churn_budget", minimum=0, value=policy.churn_budget)
        )
    return errors


def _check_objectives(problem: Problem) -> list[Message]:
    errors: list[Message] = []
    if not problem.objectives:
        errors.append(message("required", path="objectives"))
    for index, objective in enumerate(problem.objectives):
        path = f"objectives[{index}]"
        if objective.name not in OBJECTIVE_NAMES:
            errors.append(
                message(
                    "unknown_objective",
                    path=path,
                    name=objective.name,
                    expected=", ".join(OBJECTIVE_NAMES),
                )
            )
        if objective.levels < 1:
            errors.append(
                message("too_small", path=f"{path}.levels", minimum=1, value=objective.levels)
            )
        most = LIMITS.max_leximin_levels(len(problem.recipients))
        if objective.name == "leximin" and objective.levels > most:
            errors.append(
                message(
                    "too_many_levels", path=f"{path}.levels", maximum=most, value=objective.levels
                )
            )
        field = {"min_travel": "travel_hours", "min_cost": "cost"}.get(objective.name)
        if field is not None and not _ids_broken(problem):
            errors += _missing_pair_field(problem, objective.name, field, path)
    return errors


def _ids_broken(problem: Problem) -> bool:
    return len(problem.donor_by_id) != len(problem.donors) or len(problem.recipient_by_id) != len(
        problem.recipients
    )


def _missing_pair_field(problem: Problem, objective: str, field: str, path: str) -> list[Message]:
    missing = [
        key for key in eligible_pairs(problem) if getattr(problem.pair_data(*key), field) is None
    ]
    if not missing:
        return []
    donor, recipient = missing[0]
    return [
        message(
            "missing_pair_data",
            path=path,
            objective=objective,
            field=field,
            count=len(missing),
            donor=donor,
            recipient=recipient,
        )
    ]


def _check_options(problem: Problem) -> list[Message]:
    options = problem.options
    errors: list[Message] = []
    if options.backend not in BACKEND_NAMES:
        errors.append(
            message(
                "wrong_type",
                path="options.backend",
                expected="one of " + ", ".join(BACKEND_NAMES),
                got=repr(options.backend),
            )
        )
    limit = options.time_limit_seconds
    if limit is not None:
        errors += _number_errors(limit, "options.time_limit_seconds", strict=True)
        if math.isfinite(limit) and limit > LIMITS.max_time_limit_seconds:
            errors.append(
                message(
                    "too_large",
                    path="options.time_limit_seconds",
                    maximum=_show(LIMITS.max_time_limit_seconds),
                    value=_show(limit),
                )
            )
    if not 0 <= options.seed < 2**31:
        errors.append(message("too_small", path="options.seed", minimum=0, value=options.seed))
    return errors


# --- infeasibility proofs -------------------------------------------------------------------


def prove_infeasible(problem: Problem) -> list[Message]:
    """Reasons no plan can meet the policy, found cheaply; empty when none was found.

    Assumes `check_problem` found no errors.
    """
    proofs = _required_pair_proofs(problem)
    proofs += _isolated_proofs(problem)
    if not proofs:
        proofs += _hall_recipients(problem)
    if not proofs:
        proofs += _hall_donors(problem)
    if not proofs:
        proofs += _absorption_proofs(problem)
    return proofs


def _neighbours(problem: Problem) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Eligible recipients of each donor, and eligible donors of each recipient, respecting
    absorption when a single donor's load alone is too much."""
    by_donor: dict[str, list[str]] = {donor.id: [] for donor in problem.donors}
    by_recipient: dict[str, list[str]] = {recipient.id: [] for recipient in problem.recipients}
    for donor, recipient in eligible_pairs(problem):
        absorption = problem.policy.absorption.get(recipient)
        if absorption is not None and problem.load(donor, recipient) > absorption:
            continue
        by_donor[donor].append(recipient)
        by_recipient[recipient].append(donor)
    return by_donor, by_recipient


def _required_pair_proofs(problem: Problem) -> list[Message]:
    policy = problem.policy
    proofs: list[Message] = []
    for donor, recipient in sorted(policy.required_pairs):
        reason = exclusion_reason(problem, donor, recipient)
        if reason is not None:
            proofs.append(
                message("required_ineligible", donor=donor, recipient=recipient, reason=reason)
            )
    for side, index, degree in (
        ("donor", 0, policy.donor_degree),
        ("recipient", 1, policy.recipient_degree),
    ):
        if degree.maximum is None:
            continue
        counts: dict[str, int] = {}
        for pair in policy.required_pairs:
            counts[pair[index]] = counts.get(pair[index], 0) + 1
        for region, count in sorted(counts.items()):
            if count > degree.maximum:
                proofs.append(
                    message(
                        "required_over_degree",
                        side=side,
                        id=region,
                        count=count,
                        maximum=degree.maximum,
                    )
                )
    return proofs


def _isolated_proofs(problem: Problem) -> list[Message]:
    by_donor, by_recipient = _neighbours(problem)
    proofs: list[Message] = []
    needed = problem.policy.recipient_degree.minimum
    for recipient in problem.recipients:
        if needed > 0 and not by_recipient[recipient.id]:
            reason = _why_unreachable(problem, recipient.id)
            proofs.append(
                message(
                    "recipient_unreachable", recipient=recipient.id, needed=needed, reason=reason
                )
            )
    needed = problem.policy.donor_degree.minimum
    for donor in problem.donors:
        if needed > 0 and not by_donor[donor.id]:
            reason = _why_unplaceable(problem, donor.id)
            proofs.append(
                message("donor_unplaceable", donor=donor.id, needed=needed, reason=reason)
            )
    return proofs


def _why_unreachable(problem: Problem, recipient: str) -> str:
    reasons = sorted(
        {
            exclusion_reason(problem, donor.id, recipient) or "load above its absorption capacity"
            for donor in problem.donors
        }
    )
    return "; ".join(_short_reason(reason) for reason in reasons) or "there are no donors"


def _why_unplaceable(problem: Problem, donor: str) -> str:
    reasons = sorted(
        {
            exclusion_reason(problem, donor, recipient.id) or "load above absorption capacity"
            for recipient in problem.recipients
        }
    )
    return "; ".join(_short_reason(reason) for reason in reasons) or "there are no recipients"


def _short_reason(reason: str) -> str:
    return "beyond the travel limit" if "travel" in reason else reason


def _hall_recipients(problem: Problem) -> list[Message]:
    """Donors (each at most `max` links) must give every recipient at least `min` links."""
    policy = problem.policy
    if policy.recipient_degree.minimum == 0:
        return []
    _, by_recipient = _neighbours(problem)
    supply = {
        donor.id: _cap(policy.donor_degree.maximum, len(problem.recipients))
        for donor in problem.donors
    }
    demand = {recipient.id: policy.recipient_degree.minimum for recipient in problem.recipients}
    short = _hall_violation(supply, demand, by_recipient)
    if short is None:
        return []
    recipients, donors, needed, available = short
    return [
        message(
            "hall_recipients",
            recipients=_names(recipients),
            donors=_names(donors) or "none",
            needed=needed,
            available=available,
        )
    ]


def _hall_donors(problem: Problem) -> list[Message]:
    """Recipients (each at most `max` links) must take every donor's `min` links."""
    policy = problem.policy
    if policy.donor_degree.minimum == 0:
        return []
    by_donor, _ = _neighbours(problem)
    supply = {
        r.id: _cap(policy.recipient_degree.maximum, len(problem.donors)) for r in problem.recipients
    }
    demand = {donor.id: policy.donor_degree.minimum for donor in problem.donors}
    short = _hall_violation(supply, demand, by_donor)
    if short is None:
        return []
    donors, recipients, needed, available = short
    return [
        message(
            "hall_donors",
            donors=_names(donors),
            recipients=_names(recipients) or "none",
            needed=needed,
            available=available,
        )
    ]


def _cap(maximum: int | None, bound: int) -> int:
    return bound if maximum is None else min(maximum, bound)


def _hall_violation(
    supply: Mapping[str, int], demand: Mapping[str, int], suppliers_of: Mapping[str, list[str]]
) -> tuple[list[str], list[str], int, int] | None:
    """Max flow from suppliers (capacity `supply`) over single links to demanders (`demand`).

    When the flow falls short, the demanders on the sink side of a minimum cut form a Hall
    violator: together they need more links than their possible suppliers can give them.
    """
    suppliers, demanders = list(supply), list(demand)
    source, sink = 0, 1 + len(suppliers) + len(demanders)
    node = {name: 1 + i for i, name in enumerate(suppliers)}
    node.update({name: 1 + len(suppliers) + i for i, name in enumerate(demanders)})
    network = FlowNetwork(sink + 1)
    for name in suppliers:
        network.add_edge(source, node[name], supply[name])
    for name in demanders:
        network.add_edge(node[name], sink, demand[name])
        for supplier in suppliers_of[name]:
            network.add_edge(node[supplier], node[name], 1)
    total = sum(demand.values())
    if network.max_flow(source, sink) >= total:
        return None
    source_side = network.reachable(source)
    short = [name for name in demanders if node[name] not in source_side and demand[name] > 0]
    short = _shrink(short, supply, demand, suppliers_of)
    adjacent = _adjacent_links(short, suppliers_of)
    available = sum(min(supply[s], links) for s, links in adjacent.items())
    needed = sum(demand[name] for name in short)
    return short, sorted(adjacent, key=suppliers.index), needed, available


def _adjacent_links(group: list[str], suppliers_of: Mapping[str, list[str]]) -> dict[str, int]:
    links: dict[str, int] = {}
    for name in group:
        for supplier in suppliers_of[name]:
            links[supplier] = links.get(supplier, 0) + 1
    return links


def _shrink(
    group: list[str],
    supply: Mapping[str, int],
    demand: Mapping[str, int],
    suppliers_of: Mapping[str, list[str]],
) -> list[str]:
    """Drop members while the rest still proves infeasibility: a short list is easier to act on."""

    def violated(members: list[str]) -> bool:
        links = _adjacent_links(members, suppliers_of)
        available = sum(min(supply[s], n) for s, n in links.items())
        return sum(demand[m] for m in members) > available

    members = list(group)
    for name in reversed(group):
        rest = [m for m in members if m != name]
        if rest and violated(rest):
            members = rest
    return members


def _names(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(names[:_MAX_NAMED])
    return shown if len(names) <= _MAX_NAMED else f"{shown} and {len(names) - _MAX_NAMED} more"


def _absorption_proofs(problem: Problem) -> list[Message]:
    """If every recipient has an absorption capacity, the donors' smallest loads must fit."""
    policy = problem.policy
    if policy.donor_degree.minimum == 0 or any(
        r.id not in policy.absorption for r in problem.recipients
    ):
        return []
    by_donor, _ = _neighbours(problem)
    needed = sum(
        policy.donor_degree.minimum * min(problem.load(donor.id, r) for r in by_donor[donor.id])
        for donor in problem.donors
        if by_donor[donor.id]
    )
    available = sum(policy.absorption.values())
    if needed <= available + 1e-9:
        return []
    return [message("absorption_total", needed=_show(needed), available=_show(available))]
