"""Reading matching problems (every error with its path), the schemas, and `pairaid solve`."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tests.engine.conftest import REPO_ROOT
from tests.engine.test_cli_solve import run
from tests.engine.test_io import schema

from pairaid.engine import ProblemInvalid, problem_kind
from pairaid.engine.matching import match_document, matching_from_dict


def matching_example() -> dict[str, Any]:
    text = (REPO_ROOT / "docs" / "problem-format.md").read_text(encoding="utf-8")
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    [document] = [b for b in blocks if isinstance(b, dict) and b.get("kind") == "matching"]
    return document  # type: ignore[no-any-return]


def errors_of(document: Any) -> dict[str, str]:
    with pytest.raises(ProblemInvalid) as raised:
        matching_from_dict(document)
    return {error.path or "": error.code for error in raised.value.errors}


def test_documented_example_matches_both_schemas() -> None:
    document = matching_example()
    jsonschema.validate(document, schema("matching-problem.schema.json"))

    result = match_document(document)

    assert result.status == "optimal"
    jsonschema.validate(result.to_dict(), schema("matching-result.schema.json"))
    # Both recipients asking for masks get some; nobody offers face shields, so that line
    # (and its recipient) is not counted.
    assert {s.recipient for s in result.shipments if s.item == "n95_mask"} == {"421100", "420900"}
    assert result.metrics["recipients_counted"] == 2


def test_every_input_error_is_reported_with_its_path() -> None:
    document = copy.deepcopy(matching_example())
    document["lots"][0]["quantity"] = 0
    document["lots"][1]["max_shipments"] = 0
    document["lots"][2]["colour"] = "red"
    document["needs"][0]["pledged"] = -5
    document["needs"][1]["quantity"] = "ten"
    del document["needs"][2]["recipient"]
    document["distances"][0]["km"] = -1
    document["distances"].append(dict(document["distances"][1]))
    document["options"]["nearest"] = 0
    document["options"]["time_limit"] = 0
    document["colour"] = "blue"

    errors = errors_of(document)

    assert errors == {
        "lots[0].quantity": "not_positive",
        "lots[1].max_shipments": "too_small",
        "lots[2].colour": "unknown_field",
        "needs[0].pledged": "too_small",
        "needs[1].quantity": "wrong_type",
        "needs[2].recipient": "required",
        "distances[0].km": "too_small",
        "distances[4]": "duplicate_distance",
        "options.nearest": "too_small",
        "options.time_limit": "not_positive",
        "colour": "unknown_field",
    }


def test_missing_parts_and_duplicate_ids() -> None:
    document = copy.deepcopy(matching_example())
    del document["distances"]
    document["lots"].append(dict(document["lots"][0]))
    document["needs"].append(dict(document["needs"][0]))

    errors = errors_of(document)

    assert errors == {
        "distances": "required",
        "lots[3].id": "duplicate_id",
        "needs[4].id": "duplicate_id",
    }


def test_an_invalid_document_gives_an_invalid_result() -> None:
    result = match_document({"kind": "matching", "lots": "none"})

    assert result.status == "invalid"
    assert result.exit_code == 2
    document = result.to_dict()
    jsonschema.validate(document, schema("matching-result.schema.json"))
    assert {error["args"]["path"] for error in document["errors"]} == {"lots", "needs", "distances"}


def test_kind_dispatch() -> None:
    assert problem_kind(matching_example()) == "matching"


def test_pairaid_solve_dispatches_on_kind(tmp_path: Path) -> None:
    problem = tmp_path / "matching.json"
    problem.write_text(json.dumps(matching_example()), encoding="utf-8")
    out = tmp_path / "result.json"

    assert run(str(problem), "--format", "json", "--out", str(out)) == 0

    result = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(result, schema("matching-result.schema.json"))
    assert result["kind"] == "matching"
    assert result["status"] == "optimal"
    assert [level["name"] for level in result["levels"]] == [
        "worst_fill_share",
        "quantity_filled",
        "distance",
    ]
    filled = sum(s["quantity"] for s in result["shipments"])
    assert filled == pytest.approx(result["metrics"]["quantity_filled"])
