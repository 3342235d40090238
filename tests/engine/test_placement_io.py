"""Reading placement problems (errors with paths), the schemas, and `pairaid solve` on them."""

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
from tests.engine.test_io import doc_example, schema

from pairaid.engine import ProblemInvalid, problem_from_dict, problem_kind
from pairaid.engine.placement import placement_from_dict, recommend_document


def placement_example() -> dict[str, Any]:
    text = (REPO_ROOT / "docs" / "problem-format.md").read_text(encoding="utf-8")
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    [document] = [b for b in blocks if isinstance(b, dict) and b.get("kind") == "placement"]
    return document  # type: ignore[no-any-return]


def errors_of(document: Any) -> dict[str, str]:
    with pytest.raises(ProblemInvalid) as raised:
        placement_from_dict(document)
    return {error.path or "": error.code for error in raised.value.errors}


def test_documented_example_matches_both_schemas() -> None:
    document = placement_example()
    jsonschema.validate(document, schema("placement-problem.schema.json"))

    result = recommend_document(document)

    assert result.status == "optimal"
    jsonschema.validate(result.to_dict(), schema("placement-result.schema.json"))
    assert result.metrics["placed"] > 0


def test_every_input_error_is_reported_with_its_path() -> None:
    document = copy.deepcopy(placement_example())
    document["facilities"][0]["beds"]["icu"]["staffed"] = -1
    document["facilities"][1]["beds"]["ward"] = {"staffed": 3}
    document["facilities"][2]["region"] = "atlantis"
    document["sites"][0]["waiting"]["icu"] = "many"
    document["sites"][1]["region"] = "nowhere"
    document["travel"][0]["hours"] = -2
    document["travel"].append(dict(document["travel"][1]))
    document["travel"].append({"site": "ghost", "facility": "gz-1", "hours": 1})
    document["max_travel_hours"]["icu"] = "far"
    document["transport_capacity"]["nowhere"] = 3
    document["colour"] = "blue"

    errors = errors_of(document)

    assert errors == {
        "facilities[0].beds.icu.staffed": "too_small",
        "facilities[1].beds.ward": "unknown_bed_type",
        "facilities[2].region": "unknown_reference",
        "sites[0].waiting.icu": "wrong_type",
        "sites[1].region": "unknown_reference",
        "travel[0].hours": "too_small",
        "travel[5]": "duplicate_route",
        "travel[6].site": "unknown_reference",
        "max_travel_hours.icu": "wrong_type",
        "transport_capacity.nowhere": "unknown_reference",
        "colour": "unknown_field",
    }


def test_missing_parts_and_duplicate_ids() -> None:
    document = copy.deepcopy(placement_example())
    del document["max_travel_hours"]
    document["regions"].append({"id": "wuhan"})
    document["sites"].append({"id": "lost", "waiting": {"general": 1}})

    errors = errors_of(document)

    assert errors == {
        "max_travel_hours": "required",
        "regions[4].id": "duplicate_id",
        "sites[2].region": "required",
    }


def test_site_of_a_facility_sends_from_the_facility_region() -> None:
    document = copy.deepcopy(placement_example())
    document["sites"][0]["region"] = "changsha"

    assert errors_of(document) == {"sites[0].region": "site_region_mismatch"}


def test_kind_dispatch() -> None:
    assert problem_kind({"donors": []}) == "pairing"
    assert problem_kind(placement_example()) == "placement"
    with pytest.raises(ProblemInvalid) as raised:
        problem_kind({"kind": "triage"})
    assert raised.value.errors[0].path == "kind"
    with pytest.raises(ProblemInvalid):
        problem_from_dict({**doc_example(), "kind": "placement"})


def test_pairing_documents_may_state_their_kind() -> None:
    document = {**doc_example(), "kind": "pairing"}
    jsonschema.validate(document, schema("problem.schema.json"))

    assert problem_from_dict(document) == problem_from_dict(doc_example())


def test_pairaid_solve_dispatches_on_kind(tmp_path: Path) -> None:
    problem = tmp_path / "placement.json"
    problem.write_text(json.dumps(placement_example()), encoding="utf-8")
    out = tmp_path / "result.json"

    assert run(str(problem), "--format", "json", "--out", str(out)) == 0

    result = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(result, schema("placement-result.schema.json"))
    assert result["kind"] == "placement"
    assert result["status"] == "optimal"
    assert sum(p["patients"] for p in result["placements"]) == result["metrics"]["placed"]


def test_pairaid_solve_prints_placement_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = tmp_path / "placement.json"
    problem.write_text(json.dumps(placement_example()), encoding="utf-8")

    assert run(str(problem)) == 0

    output = capsys.readouterr().out
    assert "status: optimal   kind: placement" in output
    assert "escalations_tier_4" in output


def test_pairaid_solve_invalid_placement_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = placement_example()
    document["sites"][0]["waiting"]["icu"] = -3
    problem = tmp_path / "placement.json"
    problem.write_text(json.dumps(document), encoding="utf-8")

    assert run(str(problem)) == 2
    assert "sites[0].waiting.icu: must be >= 0, got -3" in capsys.readouterr().out


def test_pairaid_solve_unknown_kind_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = tmp_path / "triage.json"
    problem.write_text(json.dumps({"kind": "triage"}), encoding="utf-8")

    assert run(str(problem)) == 2
    assert "kind: unknown problem kind 'triage'" in capsys.readouterr().out
