"""`pairaid forecast value`: the three plans valued on common random numbers, written as a
section of a Markdown file that says it is a model estimate on illustrative beds."""

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pairaid.pairing import plan_value

ON = datetime.date(2020, 2, 10)


@pytest.fixture
def hubei_with_beds(hubei: Any) -> Any:
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("hubei-2020-demo")  # the illustrative facilities
    return hubei


def _value(tmp_path: Any, *extra: str) -> str:
    out = tmp_path / "hubei.md"
    call_command(
        "forecast", "value", "hubei-2020", "--as-of", ON.isoformat(), "--out", str(out),
        "--paths", "50", "--time-limit", "3", *extra, stdout=StringIO(),
    )  # fmt: skip
    return out.read_text(encoding="utf-8")


def test_the_first_arrivals_after_the_plan_give_the_day_and_the_mix(hubei):
    arrival = plan_value.first_arrival(ON)
    assert arrival.day == datetime.date(2020, 2, 12)
    assert (arrival.staff, arrival.doctors, arrival.nurses) == (2897, 1003, 1681)
    assert arrival.mix.doctors == pytest.approx(1003 / 2897)


def test_the_facilities_of_the_overlay_are_the_only_beds_and_are_flagged(hubei_with_beds):
    local = plan_value.local_care(hubei_with_beds)
    assert set(local) == {"420900", "421100"}  # Xiaogan and Huanggang
    huanggang = local["421100"]
    assert huanggang.illustrative and huanggang.open_beds["general"] == 700 + 800 + 500
    assert huanggang.staff["icu_nurse"] == 60 + 60


def test_the_value_section_is_written_once_and_says_what_it_is(hubei_with_beds, tmp_path):
    (tmp_path / "hubei.md").write_text("# Hubei\n\nKept text.\n", encoding="utf-8")
    text = _value(tmp_path)
    assert text.startswith("# Hubei\n\nKept text.\n")
    assert "a model estimate" in text and "no causal claim" in text
    assert "Illustrative beds and staff" in text
    assert "| historical |" in text and "| max-min |" in text and "| leximin |" in text
    assert "Paired differences against the historical plan" in text
    assert "doi:10.1186/s12916-020-01726-3" in text  # the assumptions, with their sources
    assert "Huangshi (beds unknown)" in text
    again = _value(tmp_path)
    assert again.count(plan_value.VALUE_SECTION_START) == 1 and "Kept text." in again


def test_a_date_after_every_dated_arrival_gets_a_clear_error(hubei_with_beds, tmp_path):
    with pytest.raises(CommandError, match="no dated staff arrivals with doctors and nurses"):
        call_command(
            "forecast", "value", "hubei-2020", "--as-of", "2020-03-01",
            "--out", str(tmp_path / "x.md"), stdout=StringIO(),
        )  # fmt: skip
    assert not (tmp_path / "x.md").exists()
