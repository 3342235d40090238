"""A plan run's options are checked once, before anything is stored or queued, the same way for
the API, the CLI and the pages: against the engine's published limits and the programme's size."""

import math
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from pairaid import engine
from pairaid.accounts import tokens
from pairaid.errors import ValidationFailed
from pairaid.pairing import options as run_options
from pairaid.pairing.models import PlanRun

pytestmark = pytest.mark.django_db

URL = "/api/v1/programmes/hubei-2020/plan-runs"
RECIPIENTS = 16  # hubei-2020's recipients: leximin has at most one level each


@pytest.fixture
def coordinator_key(people: dict[str, Any]) -> str:
    return tokens.create(owner=people["coordinator"], name="t")[1]


BAD = {
    "a forbidden pair of one region": ({"forbid": [["370000"]]}, "forbid"),
    "a locked pair of three": ({"lock": [["370000", "421100", "420900"]]}, "lock"),
    "a time limit of NaN": ({"time_limit_seconds": "NaN"}, "time_limit_seconds"),
    "a time limit over the engine's": (
        {"time_limit_seconds": engine.LIMITS.max_time_limit_seconds + 1},
        "time_limit_seconds",
    ),
    "a time limit of 0": ({"time_limit_seconds": 0}, "time_limit_seconds"),
    "a billion leximin levels": (
        {"objectives": [{"name": "leximin", "levels": 1_000_000_000}]},
        "objectives",
    ),
    "one leximin level per recipient, plus one": (
        {"objectives": [{"name": "leximin", "levels": RECIPIENTS + 1}]},
        "objectives",
    ),
    "an unknown objective": ({"objectives": [{"name": "max_happiness"}]}, "objectives"),
    "no objective": ({"objectives": []}, "objectives"),
    "a negative churn budget": ({"churn_budget": -1}, "churn_budget"),
    "a seed CP-SAT cannot take": ({"seed": 2**40}, "seed"),
    "a need ratio that is no number": ({"need_from": "confirmed_cases:abc"}, "need_from"),
    "an infinite capacity total": ({"capacity_from": "population:inf"}, "capacity_from"),
    "a forecast quantile above 1": ({"need_from": "forecast:renewal:2"}, "need_from"),
}


@pytest.mark.parametrize(("body", "field"), BAD.values(), ids=BAD.keys())
def test_the_api_refuses_options_before_anything_is_queued(
    client: Any, coordinator_key: str, body: dict[str, Any], field: str
) -> None:
    response = client.post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {coordinator_key}"
    )
    assert response.status_code == 400, response.content
    assert field in " ".join(response.json()["detail"])
    assert not PlanRun.objects.exists()


def test_as_many_leximin_levels_as_recipients_are_accepted(hubei: Any) -> None:
    options = run_options.RunOptions(objectives=[{"name": "leximin", "levels": RECIPIENTS}])
    run_options.check(options, recipients=RECIPIENTS)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"backend": "quantum"}, "backend"),
        ({"time_limit_seconds": math.inf}, "time_limit_seconds"),
        ({"deterministic": "yes"}, "deterministic"),
        ({"as_of": "10/02/2020"}, "as_of"),
        ({"objectives": [{"name": "leximin", "levels": True}]}, "objectives"),
    ],
)
def test_every_option_the_engine_would_refuse_is_named(change: dict[str, Any], field: str) -> None:
    options = run_options.RunOptions(**change)
    with pytest.raises(ValidationFailed) as refused:
        run_options.check(options, recipients=RECIPIENTS)
    assert [problem.column for problem in refused.value.problems] == [field]


def test_the_cli_refuses_them_alike_with_exit_code_2(hubei: Any) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("plan", "hubei-2020", "--objective", "leximin:1000000000", stdout=StringIO())
    assert refused.value.returncode == 2
    assert "objectives" in str(refused.value)
    assert not PlanRun.objects.exists()


@pytest.mark.parametrize("levels", ["-100", "0", "17"])
def test_a_count_of_levels_out_of_range_is_refused_with_the_range(hubei: Any, levels: str) -> None:
    """`leximin:-100` is a whole number: what is wrong is its range, and the message says so."""
    with pytest.raises(CommandError) as refused:
        call_command("plan", "hubei-2020", "--objective", f"leximin:{levels}", stdout=StringIO())
    assert f"expected levels from 1 to {RECIPIENTS}, got {levels}" in str(refused.value)
    assert refused.value.returncode == 2
    options = run_options.RunOptions(objectives=run_options.parse_objectives(f"leximin:{levels}"))
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused_zh:
        run_options.check(options, recipients=RECIPIENTS)
    assert f"层级数为 1 至 {RECIPIENTS}" in str(refused_zh.value)


def test_a_count_of_levels_that_is_no_number_is_refused_as_such() -> None:
    with pytest.raises(ValidationFailed, match="expected a whole number, got 'many'") as refused:
        run_options.parse_objectives("leximin:many")
    assert [problem.column for problem in refused.value.problems] == ["objectives"]


def test_the_plan_page_refuses_them_alike(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["coordinator"])
    response = client.post(
        "/p/hubei-2020/plan/",
        {
            "objectives": ["max_min_coverage"],
            "leximin_levels": 3,
            "forbid": "370000",
            "time_limit_seconds": 30,
        },
    )
    assert response.status_code == 400
    assert not PlanRun.objects.exists()
