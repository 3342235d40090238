"""`pairaid generate`: seeded synthetic problem files that `pairaid solve` reads back."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tests.engine.test_io import schema

from pairaid import engine
from pairaid.pairing.management.commands.generate import Command


def run(*args: str) -> int:
    try:
        Command().run_from_argv(["pairaid", "generate", *args])
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def test_writes_a_valid_problem_that_reads_back_as_the_generated_one(tmp_path: Path) -> None:
    out = tmp_path / "p.json"

    code = run(
        "30x20",
        "--seed",
        "5",
        "--density",
        "0.3",
        "--objective",
        "leximin:2,min_travel",
        "--out",
        str(out),
    )

    assert code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema("problem.schema.json"))
    problem = engine.read_problem(out)
    expected = engine.generate(
        30,
        20,
        seed=5,
        density=0.3,
        objectives=(engine.Objective("leximin", 2), engine.Objective("min_travel")),
    )
    assert engine.problem_to_dict(problem) == engine.problem_to_dict(expected)
    assert engine.check_problem(problem) == []


def test_several_sizes_into_a_folder(tmp_path: Path) -> None:
    code = run(
        "19x16", "40x30", "--seed", "1", "--resources", "doctor,nurse", "--out-dir", str(tmp_path)
    )

    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["synthetic-19x16-seed1.json", "synthetic-40x30-seed1.json"]
    problem = engine.read_problem(tmp_path / names[1])
    assert problem.resources == ("doctor", "nurse")
    assert (len(problem.donors), len(problem.recipients)) == (40, 30)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["19by16"], "expected DONORSxRECIPIENTS"),
        (["0x16"], "at least one donor"),
        (["19x16", "--density", "1.5"], "--density"),
        (["19x16", "--donor-nearest", "0"], "--donor-nearest"),
        (["19x16", "--objective", "fastest"], "unknown 'fastest'"),
        (["19x16", "40x30", "--out", "x.json"], "--out takes one size"),
    ],
)
def test_bad_arguments_are_named_with_exit_code_2(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(*args) == 2
    assert said in capsys.readouterr().err


def test_the_mid_size_instance_of_the_benchmarks(tmp_path: Path) -> None:
    out = tmp_path / "mid.json"

    code = run(
        "300x250",
        "--density",
        "0",
        "--donor-nearest",
        "20",
        "--recipient-max",
        "4",
        "--out",
        str(out),
    )

    assert code == 0
    problem = engine.read_problem(out)
    expected = engine.generate(300, 250, density=0.0, donor_nearest=20, recipient_max=4)
    assert engine.problem_to_dict(problem) == engine.problem_to_dict(expected)
    assert len(problem.pairs) == 300 * 20  # each recipient's 3 nearest donors are among them
    assert problem.policy.recipient_degree.maximum == 4
