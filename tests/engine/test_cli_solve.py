"""`pairaid solve`: thin command, exit codes 0 / 1 / 2, JSON output following the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tests.engine.test_io import doc_example, schema

from pairaid.pairing.management.commands.solve import Command


def run(*args: str) -> int:
    try:
        Command().run_from_argv(["pairaid", "solve", *args])
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def test_solves_problem_file_as_json(tmp_path: Path) -> None:
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(doc_example()), encoding="utf-8")
    out = tmp_path / "result.json"

    code = run(str(problem), "--format", "json", "--out", str(out), "--seed", "4")

    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(result, schema("result.schema.json"))
    assert result["status"] == "optimal"
    assert result["seed"] == 4


def test_gap_file_prints_table(gap_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run("--gap", str(gap_dir / "cattrysse1994" / "gap1-0"))

    assert code == 0
    output = capsys.readouterr().out
    assert "status: optimal" in output
    assert "min_cost" in output and "261" in output


def test_infeasible_problem_exits_1(tmp_path: Path) -> None:
    document = doc_example()
    document["policy"]["recipient_degree"] = {"min": 2, "max": 2}
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(document), encoding="utf-8")

    assert run(str(problem), "--format", "json", "--out", str(tmp_path / "r.json")) == 1
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "infeasible"


def test_invalid_problem_exits_2_with_every_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = doc_example()
    document["donors"][0]["capacity"]["icu_nurse"] = -5
    document["recipients"][1]["need"]["doctor"] = "lots"
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(document), encoding="utf-8")

    assert run(str(problem)) == 2
    output = capsys.readouterr().out
    assert "recipients[1].need.doctor: must be a number" in output


def test_value_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = doc_example()
    document["donors"][2]["capacity"]["icu_nurse"] = -5
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(document), encoding="utf-8")

    assert run(str(problem)) == 2
    assert "donors[2].capacity.icu_nurse: must be >= 0, got -5" in capsys.readouterr().out
