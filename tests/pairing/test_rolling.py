"""A rolling re-plan of hubei-2020 with the engine: every step keeps to its churn budget and to
the teams' minimum stay, and `pairaid forecast rolling` writes the timeline and its valuation
beside the static plan into the document without touching the rest of it."""

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pairaid.forecast import rolling
from pairaid.forecast.need import ForecastNeedBasis
from pairaid.pairing import rolling as programme_rolling

FIRST = datetime.date(2020, 2, 3)
BUDGET = 2


@pytest.fixture
def hubei_with_beds(hubei: Any) -> Any:
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("hubei-2020-demo")  # the illustrative facilities
    return hubei


def test_each_step_keeps_to_its_churn_budget_and_the_minimum_stay(hubei):
    result = programme_rolling.rolling_of(
        hubei,
        rolling.Schedule(FIRST, steps=2, every_days=7),
        basis=ForecastNeedBasis("persistence", 0.8, 14),
        churn_budget=BUDGET,
        realism=rolling.Realism(transit_days=1, minimum_stay_days=10, withdrawal=None),
        paths=20,
        time_limit_seconds=1.0,
    )
    first, *later = result.plan.steps
    assert first.request.in_force == frozenset() and first.request.churn_budget is None
    assert first.added  # a plan from nothing
    for step in later:
        assert step.request.churn_budget == BUDGET and step.churn <= BUDGET
        # A team within its stay keeps every one of its staff (as a donor of its own).
        assert all(
            step.plan.staff[p] >= step.request.previous_staff[p] for p in step.request.staying
        )
        assert step.plan.record["levels"][0]["bound"] is not None  # the plan run's contract
    # A week after the first step its teams have been on duty 6 days of 10: all must stay.
    assert later[0].request.staying == first.pairs
    rows = programme_rolling.timeline(result)
    assert {row["step"] for row in rows} == {1, 2}
    assert all(row["staff"] >= 0 and row["need"] is not None for row in rows if row["step"] == 1)


def test_the_command_writes_its_section_and_keeps_the_rest(hubei_with_beds, tmp_path):
    out = tmp_path / "hubei.md"
    start, end = programme_rolling.ROLLING_SECTION_START, programme_rolling.ROLLING_SECTION_END
    stale = f"{start}\nstale\n{end}\n"
    out.write_text(f"# Hubei\n\nkept text\n{stale}after\n", encoding="utf-8")
    arguments = ["forecast", "rolling", "hubei-2020", "--steps", "2", "--every", "7"]
    arguments += ["--paths", "10", "--time-limit", "1"]
    arguments += ["--from", FIRST.isoformat(), "--out", str(out)]
    call_command(*arguments, stdout=StringIO())
    written = out.read_text(encoding="utf-8")
    # The stale section is rewritten in place; the rest of the document is kept.
    assert written.startswith("# Hubei\n\nkept text\n") and written.endswith("-->\nafter\n")
    assert written.count(programme_rolling.ROLLING_SECTION_START) == 1 and "stale" not in written
    assert "| 2 | 2020-02-10 |" in written
    assert "static (first step held)" in written and "rolling" in written
    assert "no aid on duty from 2020-03-17" in written and "model estimate" in written
    with pytest.raises(CommandError, match="on or after the withdrawal"):
        call_command(
            "forecast", "rolling", "hubei-2020", "--from", "2020-03-10", "--steps", "2",
            "--out", str(out), stdout=StringIO(),
        )  # fmt: skip
