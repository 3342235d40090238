"""The engine's published limits: refused as `invalid` with structured errors, before anything
is built."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from tests.engine.conftest import random_problem

from pairaid import engine
from pairaid.engine import LIMITS, Objective, Problem
from pairaid.pairing.management.commands.solve import Command


def _never_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything expands the levels (10⁹ names once took 23.6 GB)."""

    def expanded(problem: Problem) -> None:
        pytest.fail("the levels were expanded before the limits were checked")

    monkeypatch.setattr(Problem, "objective_levels", property(expanded))


def test_leximin_levels_beyond_the_recipients_are_invalid_and_never_expanded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = random_problem(1, donors=5, recipients=3, objectives=(Objective("leximin", 10**9),))
    _never_expanded(monkeypatch)

    result = engine.solve(problem)

    assert result.status == "invalid" and result.exit_code == 2
    (error,) = result.errors
    assert (error.code, error.path) == ("too_many_levels", "objectives[0].levels")
    assert (error.args["maximum"], error.args["value"]) == (3, 10**9)
    assert not result.pairs


def test_one_leximin_level_per_recipient_is_allowed() -> None:
    problem = random_problem(1, donors=5, recipients=3, objectives=(Objective("leximin", 3),))

    assert LIMITS.max_leximin_levels(3) == 3
    assert engine.check_problem(problem) == []
    assert engine.solve(problem, deterministic=True).status == "optimal"


def test_a_time_limit_over_the_maximum_is_invalid_whether_in_the_problem_or_asked() -> None:
    problem = random_problem(2)
    too_long = LIMITS.max_time_limit_seconds + 1
    in_problem = replace(problem, options=replace(problem.options, time_limit_seconds=too_long))

    for result in (engine.solve(in_problem), engine.solve(problem, time_limit_seconds=too_long)):
        assert result.status == "invalid"
        (error,) = result.errors
        assert (error.code, error.path) == ("too_large", "options.time_limit_seconds")
    at_most = replace(problem.options, time_limit_seconds=LIMITS.max_time_limit_seconds)
    assert engine.check_problem(replace(problem, options=at_most)) == []


def test_the_cli_refuses_a_problem_file_over_the_limits_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.json"
    document = engine.problem_to_dict(random_problem(3, donors=4, recipients=2))
    document["objectives"] = [{"name": "leximin", "levels": 1_000_000_000}]
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(SystemExit) as stop:
        Command().run_from_argv(["pairaid", "solve", str(path), "--format", "json"])

    assert stop.value.code == 2
    printed = json.loads(capsys.readouterr().out)
    assert printed["status"] == "invalid"
    assert [e["code"] for e in printed["errors"]] == ["too_many_levels"]


def test_the_problem_schema_states_the_time_limit_the_engine_checks() -> None:
    from tests.engine.test_io import schema

    options = schema("problem.schema.json")["properties"]["options"]["properties"]
    assert options["time_limit_seconds"]["maximum"] == LIMITS.max_time_limit_seconds
