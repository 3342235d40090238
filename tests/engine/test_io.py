"""Reading and writing problems: the JSON format, its schema and OR-Library GAP files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from tests.engine.conftest import REPO_ROOT

from pairaid.engine import (
    ProblemInvalid,
    problem_from_dict,
    problem_to_dict,
    read_gap,
    read_problem,
    solve,
)

SCHEMAS = REPO_ROOT / "src" / "pairaid" / "engine" / "schemas"


def doc_example() -> dict:  # type: ignore[type-arg]
    text = (REPO_ROOT / "docs" / "problem-format.md").read_text(encoding="utf-8")
    match = re.search(r"```json\n(.*?)```", text, re.S)
    assert match
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def schema(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_documented_example_matches_schema_and_solves() -> None:
    document = doc_example()
    jsonschema.validate(document, schema("problem.schema.json"))

    result = solve(problem_from_dict(document))

    assert result.status == "optimal"
    jsonschema.validate(result.to_dict(), schema("result.schema.json"))
    assert [level.name for level in result.levels] == [
        "max_min_coverage",
        "leximin_2",
        "min_travel",
    ]


def test_round_trip_keeps_the_problem() -> None:
    problem = problem_from_dict(doc_example())

    again = problem_from_dict(json.loads(json.dumps(problem_to_dict(problem))))

    assert again == problem
    jsonschema.validate(problem_to_dict(problem), schema("problem.schema.json"))


def test_structural_errors_are_all_reported_with_paths() -> None:
    document = doc_example()
    document["donors"][1]["capacity"]["doctor"] = "many"
    document["recipients"][0]["need"] = [1, 2]
    document["policy"]["churn_budget"] = 1.5
    document["colour"] = "red"

    with pytest.raises(ProblemInvalid) as caught:
        problem_from_dict(document)

    texts = [error.text for error in caught.value.errors]
    assert "donors[1].capacity.doctor: must be a number, got the string 'many'" in texts
    assert "recipients[0].need: must be an object, got an array" in texts
    assert "policy.churn_budget: must be an integer, got the number 1.5" in texts
    assert "colour: unknown field" in texts


def test_unreadable_json_is_invalid_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(ProblemInvalid) as caught:
        read_problem(path)

    assert caught.value.errors[0].code == "unreadable_file"


def test_gap_file_becomes_min_cost_problem(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gap"
    # 2 agents, 3 items; costs, loads, capacities; numbers may wrap across lines
    path.write_text("2 3\n1 9 3\n4 2\n8\n5 5 5 5\n5 5 10 10\n", encoding="ascii")

    problem = read_gap(path)

    assert [d.id for d in problem.donors] == ["d0", "d1", "d2"]
    assert [r.id for r in problem.recipients] == ["r0", "r1"]
    assert problem.pair_data("d1", "r0").cost == 9
    assert problem.pair_data("d0", "r1").cost == 4
    assert problem.policy.absorption == {"r0": 10, "r1": 10}
    assert problem.policy.recipient_degree.minimum == 0
    result = solve(problem)
    assert result.status == "optimal"
    assert result.levels[0].value == pytest.approx(1 + 2 + 3)  # d0→r0, d1→r1, d2→r0


def test_gap_file_with_wrong_count_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "short.gap"
    path.write_text("2 3\n1 2 3\n", encoding="ascii")

    with pytest.raises(ProblemInvalid) as caught:
        read_gap(path)

    assert caught.value.errors[0].code == "gap_format"
