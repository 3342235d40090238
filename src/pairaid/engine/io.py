"""Reading and writing problems: the JSON problem format and OR-Library GAP files.

The JSON reader collects every structural error with its path and still builds what it can, so
that `checks.check_problem` can add the value errors and the user sees them all at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairaid.engine.errors import ProblemInvalid
from pairaid.engine.instance import (
    DegreeRange,
    Donor,
    Objective,
    PairData,
    Policy,
    Problem,
    Recipient,
    SolveOptions,
)
from pairaid.engine.messages import Message, message

SCHEMA_VERSION = 1
_NUMBER = "a number"
PROBLEM_KINDS = ("pairing", "placement", "matching")
"""The kinds of problem a document may be (its `kind` field; absent means pairing), each with
its own JSON Schema: problem.schema.json, placement-problem.schema.json and
matching-problem.schema.json."""


class _Reader:
    """Walks a decoded JSON document, collecting errors instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[Message] = []

    def error(self, code: str, **args: Any) -> None:
        self.errors.append(message(code, **args))

    def obj(self, value: Any, path: str) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.error("wrong_type", path=path, expected="an object", got=_kind(value))
        return {}

    def array(self, value: Any, path: str) -> list[Any]:
        if isinstance(value, list):
            return value
        self.error("wrong_type", path=path, expected="an array", got=_kind(value))
        return []

    def text(self, value: Any, path: str, default: str = "") -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # numeric ids are common in spreadsheets; accept them as text
        self.error("wrong_type", path=path, expected="a string", got=_kind(value))
        return default

    def number(self, value: Any, path: str, default: float = 0.0) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        self.error("wrong_type", path=path, expected=_NUMBER, got=_kind(value))
        return default

    def optional_number(self, value: Any, path: str) -> float | None:
        return None if value is None else self.number(value, path)

    def integer(self, value: Any, path: str, default: int = 0) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        self.error("wrong_type", path=path, expected="an integer", got=_kind(value))
        return default

    def boolean(self, value: Any, path: str, default: bool = False) -> bool:
        if isinstance(value, bool):
            return value
        self.error("wrong_type", path=path, expected="true or false", got=_kind(value))
        return default

    def quantities(self, value: Any, path: str) -> dict[str, float]:
        return {
            str(name): self.number(quantity, f"{path}.{name}")
            for name, quantity in self.obj(value, path).items()
        }

    def pair_list(self, value: Any, path: str) -> list[tuple[str, str]]:
        pairs = []
        for index, item in enumerate(self.array(value, path)):
            item_path = f"{path}[{index}]"
            if isinstance(item, Mapping):
                donor, recipient = item.get("donor"), item.get("recipient")
            elif isinstance(item, list) and len(item) == 2:
                donor, recipient = item
            else:
                self.error(
                    "wrong_type",
                    path=item_path,
                    expected="{donor, recipient} or [donor, recipient]",
                    got=_kind(item),
                )
                continue
            pairs.append(
                (
                    self.text(donor, f"{item_path}.donor"),
                    self.text(recipient, f"{item_path}.recipient"),
                )
            )
        return pairs

    def unique(self, ids: list[str], path: str) -> None:
        """Each id once in the array at `path`; a repeat names where the first one is."""
        first: dict[str, int] = {}
        for index, item in enumerate(ids):
            if item in first:
                self.error(
                    "duplicate_id",
                    path=f"{path}[{index}].id",
                    id=item,
                    first=f"{path}[{first[item]}]",
                )
            first.setdefault(item, index)

    def known_fields(self, document: Mapping[str, Any], path: str, fields: set[str]) -> None:
        for name in document:
            if name not in fields:
                self.error("unknown_field", path=f"{path}.{name}" if path else name)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "an array"
    return "an object"


_TOP_FIELDS = {
    "kind",
    "schema_version",
    "name",
    "donors",
    "recipients",
    "pairs",
    "policy",
    "objectives",
    "saturation",
    "integer_resources",
    "strength_attribute",
    "options",
}
_POLICY_FIELDS = {
    "donor_degree",
    "recipient_degree",
    "absorption",
    "required_pairs",
    "forbidden_pairs",
    "max_travel_hours",
    "existing_plan",
    "churn_budget",
    "listed_pairs_only",
}
_OPTION_FIELDS = {"backend", "time_limit_seconds", "seed", "deterministic"}


def problem_kind(document: Any) -> str:
    """The kind of problem a decoded document states; raises `ProblemInvalid` when unknown."""
    kind = document.get("kind", PROBLEM_KINDS[0]) if isinstance(document, Mapping) else None
    if kind in PROBLEM_KINDS:
        return str(kind)
    raise ProblemInvalid(
        [message("unknown_kind", path="kind", value=kind, expected=", ".join(PROBLEM_KINDS))]
    )


def read_document(path: str | Path) -> Any:
    """A decoded JSON problem file of any kind; raises `ProblemInvalid` when unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProblemInvalid(
            [message("unreadable_file", path=str(path), reason=str(error))]
        ) from error


def problem_from_dict(document: Any) -> Problem:
    """Build a `Problem` from a decoded JSON document; raises `ProblemInvalid` listing every
    structural error (value checks are `checks.check_problem`'s job)."""
    reader = _Reader()
    top = reader.obj(document, "(document)")
    reader.known_fields(top, "", _TOP_FIELDS)
    if top.get("kind", "pairing") != "pairing":
        reader.error("wrong_type", path="kind", expected="'pairing'", got=_kind(top["kind"]))
    for name in ("donors", "recipients"):
        if name not in top:
            reader.error("required", path=name)
    problem = Problem(
        name=reader.text(top.get("name", ""), "name"),
        donors=[
            _donor(reader, item, i)
            for i, item in enumerate(reader.array(top.get("donors", []), "donors"))
        ],
        recipients=[
            _recipient(reader, item, i)
            for i, item in enumerate(reader.array(top.get("recipients", []), "recipients"))
        ],
        pairs=[
            _pair(reader, item, i)
            for i, item in enumerate(reader.array(top.get("pairs", []), "pairs"))
        ],
        policy=_policy(reader, top.get("policy", {})),
        objectives=_objectives(reader, top.get("objectives", ["max_min_coverage"])),
        saturation=reader.optional_number(top.get("saturation", 1.0), "saturation"),
        integer_resources=frozenset(
            reader.text(item, f"integer_resources[{i}]")
            for i, item in enumerate(
                reader.array(top.get("integer_resources", []), "integer_resources")
            )
        ),
        strength_attribute=(
            None
            if top.get("strength_attribute") is None
            else reader.text(top["strength_attribute"], "strength_attribute")
        ),
        options=_options(reader, top.get("options", {})),
    )
    if reader.errors:
        raise ProblemInvalid(reader.errors)
    return problem


def _donor(reader: _Reader, item: Any, index: int) -> Donor:
    path = f"donors[{index}]"
    data = reader.obj(item, path)
    reader.known_fields(data, path, {"id", "name", "capacity", "strength"})
    if "id" not in data:
        reader.error("required", path=f"{path}.id")
    return Donor(
        id=reader.text(data.get("id", ""), f"{path}.id"),
        name=reader.text(data.get("name", ""), f"{path}.name"),
        capacity=reader.quantities(data.get("capacity", {}), f"{path}.capacity"),
        strength=reader.quantities(data.get("strength", {}), f"{path}.strength"),
    )


def _recipient(reader: _Reader, item: Any, index: int) -> Recipient:
    path = f"recipients[{index}]"
    data = reader.obj(item, path)
    reader.known_fields(data, path, {"id", "name", "need"})
    if "id" not in data:
        reader.error("required", path=f"{path}.id")
    return Recipient(
        id=reader.text(data.get("id", ""), f"{path}.id"),
        name=reader.text(data.get("name", ""), f"{path}.name"),
        need=reader.quantities(data.get("need", {}), f"{path}.need"),
    )


def _pair(reader: _Reader, item: Any, index: int) -> PairData:
    path = f"pairs[{index}]"
    data = reader.obj(item, path)
    reader.known_fields(
        data,
        path,
        {"donor", "recipient", "travel_hours", "travel_km", "cost", "load", "existing_tie"},
    )
    for name in ("donor", "recipient"):
        if name not in data:
            reader.error("required", path=f"{path}.{name}")
    return PairData(
        donor=reader.text(data.get("donor", ""), f"{path}.donor"),
        recipient=reader.text(data.get("recipient", ""), f"{path}.recipient"),
        travel_hours=reader.optional_number(data.get("travel_hours"), f"{path}.travel_hours"),
        travel_km=reader.optional_number(data.get("travel_km"), f"{path}.travel_km"),
        cost=reader.optional_number(data.get("cost"), f"{path}.cost"),
        load=reader.optional_number(data.get("load"), f"{path}.load"),
        existing_tie=reader.boolean(data.get("existing_tie", False), f"{path}.existing_tie"),
    )


def _degree(reader: _Reader, value: Any, path: str, default: DegreeRange) -> DegreeRange:
    if value is None:
        return default
    data = reader.obj(value, path)
    reader.known_fields(data, path, {"min", "max"})
    maximum = data.get("max", default.maximum)
    return DegreeRange(
        minimum=reader.integer(data.get("min", default.minimum), f"{path}.min"),
        maximum=None if maximum is None else reader.integer(maximum, f"{path}.max"),
    )


def _policy(reader: _Reader, value: Any) -> Policy:
    data = reader.obj(value, "policy")
    reader.known_fields(data, "policy", _POLICY_FIELDS)
    defaults = Policy()
    churn_budget = data.get("churn_budget")
    return Policy(
        donor_degree=_degree(
            reader, data.get("donor_degree"), "policy.donor_degree", defaults.donor_degree
        ),
        recipient_degree=_degree(
            reader,
            data.get("recipient_degree"),
            "policy.recipient_degree",
            defaults.recipient_degree,
        ),
        absorption=reader.quantities(data.get("absorption", {}), "policy.absorption"),
        required_pairs=frozenset(
            reader.pair_list(data.get("required_pairs", []), "policy.required_pairs")
        ),
        forbidden_pairs=frozenset(
            reader.pair_list(data.get("forbidden_pairs", []), "policy.forbidden_pairs")
        ),
        max_travel_hours=reader.optional_number(
            data.get("max_travel_hours"), "policy.max_travel_hours"
        ),
        existing_plan=frozenset(
            reader.pair_list(data.get("existing_plan", []), "policy.existing_plan")
        ),
        churn_budget=None
        if churn_budget is None
        else reader.integer(churn_budget, "policy.churn_budget"),
        listed_pairs_only=reader.boolean(
            data.get("listed_pairs_only", False), "policy.listed_pairs_only"
        ),
    )


def _objectives(reader: _Reader, value: Any) -> list[Objective]:
    objectives = []
    for index, item in enumerate(reader.array(value, "objectives")):
        path = f"objectives[{index}]"
        if isinstance(item, str):
            objectives.append(Objective(item))
            continue
        data = reader.obj(item, path)
        reader.known_fields(data, path, {"name", "levels"})
        objectives.append(
            Objective(
                name=reader.text(data.get("name", ""), f"{path}.name"),
                levels=reader.integer(data.get("levels", 1), f"{path}.levels", default=1),
            )
        )
    return objectives


def _options(reader: _Reader, value: Any) -> SolveOptions:
    data = reader.obj(value, "options")
    reader.known_fields(data, "options", _OPTION_FIELDS)
    return SolveOptions(
        backend=reader.text(data.get("backend", "auto"), "options.backend", default="auto"),
        time_limit_seconds=reader.optional_number(
            data.get("time_limit_seconds"), "options.time_limit_seconds"
        ),
        seed=reader.integer(data.get("seed", 0), "options.seed"),
        deterministic=reader.boolean(data.get("deterministic", False), "options.deterministic"),
    )


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The JSON document of a problem (the inverse of `problem_from_dict`)."""
    policy = problem.policy
    return {
        "schema_version": SCHEMA_VERSION,
        "name": problem.name,
        "donors": [
            {"id": d.id, "name": d.name, "capacity": dict(d.capacity), "strength": dict(d.strength)}
            for d in problem.donors
        ],
        "recipients": [
            {"id": r.id, "name": r.name, "need": dict(r.need)} for r in problem.recipients
        ],
        "pairs": [_pair_to_dict(pair) for pair in problem.pairs],
        "policy": {
            "donor_degree": {
                "min": policy.donor_degree.minimum,
                "max": policy.donor_degree.maximum,
            },
            "recipient_degree": {
                "min": policy.recipient_degree.minimum,
                "max": policy.recipient_degree.maximum,
            },
            "absorption": dict(policy.absorption),
            "required_pairs": [list(pair) for pair in sorted(policy.required_pairs)],
            "forbidden_pairs": [list(pair) for pair in sorted(policy.forbidden_pairs)],
            "max_travel_hours": policy.max_travel_hours,
            "existing_plan": [list(pair) for pair in sorted(policy.existing_plan)],
            "churn_budget": policy.churn_budget,
            "listed_pairs_only": policy.listed_pairs_only,
        },
        "objectives": [
            {"name": o.name, "levels": o.levels} if o.name == "leximin" else o.name
            for o in problem.objectives
        ],
        "saturation": problem.saturation,
        "integer_resources": sorted(problem.integer_resources),
        "strength_attribute": problem.strength_attribute,
        "options": {
            "backend": problem.options.backend,
            "time_limit_seconds": problem.options.time_limit_seconds,
            "seed": problem.options.seed,
            "deterministic": problem.options.deterministic,
        },
    }


def _pair_to_dict(pair: PairData) -> dict[str, Any]:
    document: dict[str, Any] = {"donor": pair.donor, "recipient": pair.recipient}
    for name in ("travel_hours", "travel_km", "cost", "load"):
        value = getattr(pair, name)
        if value is not None:
            document[name] = value
    if pair.existing_tie:
        document["existing_tie"] = True
    return document


def read_problem(path: str | Path) -> Problem:
    """Read a JSON problem file; raises `ProblemInvalid` with every structural error."""
    return problem_from_dict(read_document(path))


def write_problem(problem: Problem, path: str | Path) -> None:
    Path(path).write_text(
        json.dumps(problem_to_dict(problem), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def read_gap(path: str | Path) -> Problem:
    """Read an OR-Library GAP file as a `min_cost` problem with absorption capacities.

    Items become donors `d0, d1, …` (each serves exactly one recipient), agents become recipients
    `r0, r1, …` with no lower bound on their number of donors; costs and loads are per pair.
    """
    try:
        tokens = Path(path).read_text(encoding="ascii").split()
        numbers = [int(token) for token in tokens]
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemInvalid(
            [message("unreadable_file", path=str(path), reason=str(error))]
        ) from error
    except ValueError as error:
        raise ProblemInvalid([message("gap_format", path=str(path), reason=str(error))]) from error
    if len(numbers) < 2:
        raise ProblemInvalid([message("gap_format", path=str(path), reason="no `m n` header")])
    agents, items = numbers[0], numbers[1]
    expected = 2 + 2 * agents * items + agents
    if agents <= 0 or items <= 0 or len(numbers) != expected:
        reason = (
            f"expected {expected} numbers for {agents} agents and {items} items, got {len(numbers)}"
        )
        raise ProblemInvalid([message("gap_format", path=str(path), reason=reason)])
    costs = numbers[2 : 2 + agents * items]
    loads = numbers[2 + agents * items : 2 + 2 * agents * items]
    capacities = numbers[2 + 2 * agents * items :]
    return Problem(
        name=Path(path).name,
        donors=[Donor(f"d{item}") for item in range(items)],
        recipients=[Recipient(f"r{agent}") for agent in range(agents)],
        pairs=[
            PairData(
                f"d{item}",
                f"r{agent}",
                cost=float(costs[agent * items + item]),
                load=float(loads[agent * items + item]),
            )
            for agent in range(agents)
            for item in range(items)
        ],
        policy=Policy(
            donor_degree=DegreeRange(1, 1),
            recipient_degree=DegreeRange(0, None),
            absorption={f"r{agent}": float(capacities[agent]) for agent in range(agents)},
        ),
        objectives=[Objective("min_cost")],
    )
