"""Need from a forecast: derived need lines that record their forecast, and a plan on them."""

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pairaid.forecast.census import MODEL_OUTPUT_LABEL
from pairaid.pairing import runs, translate
from pairaid.programmes.models import NeedLine

ON = datetime.date(2020, 2, 10)
BASIS = "forecast:renewal:0.8:14"


def _plan(hubei: Any, need_from: str, **options: Any) -> tuple[Any, Any]:
    run = runs.start(
        programme=hubei,
        user=None,
        options=runs.RunOptions(
            need_from=need_from,
            as_of=ON.isoformat(),
            time_limit_seconds=3,
            deterministic=True,
            **options,
        ),
        enqueue=lambda _pk: None,
    )
    return runs.execute(run.pk)


def test_the_plan_writes_one_derived_line_per_recipient_that_records_its_forecast(hubei):
    _plan(hubei, BASIS)
    lines = NeedLine.objects.filter(participant__programme=hubei, as_of=ON)
    assert lines.count() == 16  # the 16 cities with a daily record
    line = lines.get(participant__region__code="421100")  # Huanggang
    run = line.forecast_run  # the stored forecast run it came from, finished, with quantiles
    assert run.state == "finished" and run.origin == ON and run.method == "renewal"
    assert run.horizon_days == 14 and run.paths == 1000 and run.seed == 0
    assert run.quantiles.filter(recipient=line.participant).exists()
    assert lines.filter(forecast_run=run).count() == 16  # one run for the whole plan
    forecast = line.derived_forecast
    assert forecast["forecast_run"] == run.number and forecast["basis"] == BASIS
    assert forecast["quantile"] == 0.8 and forecast["horizon_days"] == 14
    assert forecast["record_last_day"] == "2020-02-10"
    assert forecast["bundle_data_version"]  # the release of the record the need read
    assert any("doi:10.1001/jama.2020.2648" in a for a in forecast["assumptions"])
    assert forecast["label"] == MODEL_OUTPUT_LABEL
    # ICU beds alone have a care ratio in hubei-2020 (0.8 doctors and 3 nurses per bed).
    assert forecast["unrated_bed_types"] == ["general", "oxygen"]
    assert float(line.quantity) == forecast["doctors"] + forecast["nurses"] > 0
    # Doctors and nurses both follow the ICU census: 3 nurses to 0.8 doctors, within rounding.
    assert abs(forecast["nurses"] - forecast["doctors"] * 3 / 0.8) <= 4
    assert line.certainty == "derived" and line.source.key == "pairaid-forecast-need"
    assert "model output" in line.method


def test_the_need_reads_the_very_paths_the_stored_run_drew(hubei):
    from pairaid.forecast.paths import quantiles_of
    from pairaid.foresight import services as foresight_services

    _plan(hubei, BASIS)
    line = NeedLine.objects.get(participant__region__code="421100", as_of=ON)
    run = line.forecast_run
    stored = run.quantiles.get(recipient=line.participant, target="active", horizon_days=14)
    record = run.input[str(line.participant.pk)]
    paths = foresight_services.sample_paths(run, line.participant.region.reference, record)
    redrawn = [round(float(v), 3) for v in quantiles_of(paths.active_at(14))]
    assert redrawn == stored.values


def test_a_plan_is_made_on_the_derived_lines(hubei):
    run, result = _plan(hubei, BASIS)
    assert result is not None and result.status in ("optimal", "feasible")
    needs = {r["id"]: r["need"] for r in run.problem["recipients"]}
    huanggang = NeedLine.objects.get(participant__region__code="421100", as_of=ON)
    assert needs["421100"] == {"medical_staff": float(huanggang.quantity)}
    assert any("projected peak bed census" in a for a in run.build_notes["assumptions"])


def test_the_same_run_gives_the_same_lines_and_a_rerun_replaces_them(hubei):
    _plan(hubei, BASIS)
    first = dict(NeedLine.objects.filter(as_of=ON).values_list("participant_id", "quantity"))
    _plan(hubei, BASIS)
    again = dict(NeedLine.objects.filter(as_of=ON).values_list("participant_id", "quantity"))
    assert first == again and NeedLine.objects.filter(as_of=ON).count() == 16
    _plan(hubei, "forecast:renewal:0.95:14")
    higher = dict(NeedLine.objects.filter(as_of=ON).values_list("participant_id", "quantity"))
    assert all(higher[p] >= first[p] for p in first) and higher != first


def test_a_plan_on_the_recorded_need_never_reads_forecast_lines(hubei):
    _plan(hubei, BASIS)
    build = runs.build(hubei, runs.RunOptions(as_of="2020-02-12"))
    assert not any("projected" in a for a in build.assumptions)
    assert build.need_unit  # coverage per confirmed case, as before any forecast


@pytest.mark.parametrize(
    ("need_from", "message"),
    [
        ("forecast:arima", "method: expected one of renewal, persistence, growth"),
        ("forecast:renewal:1.5", "quantile: expected a number between 0 and 1"),
        ("forecast:renewal:0.8:two", "horizon: expected a whole number of days"),
        ("forecast:renewal:0.8:60", "horizon: expected 1 to 28 days"),
        ("forecast:renewal:0.8:14:x", "expected forecast[:METHOD[:QUANTILE[:HORIZON_DAYS]]]"),
    ],
)
def test_bad_forecast_bases_get_a_clear_error_and_write_nothing(hubei, need_from, message):
    with pytest.raises(CommandError, match=message.replace("[", r"\[")):
        call_command("plan", "hubei-2020", "--need-from", need_from, stdout=StringIO())
    assert not NeedLine.objects.filter(derived_forecast__isnull=False).exists()


def test_the_plan_command_plans_on_a_forecast(hubei, capsys):
    with pytest.raises(SystemExit) as exit_code:
        call_command(
            "plan", "hubei-2020", "--as-of", "2020-02-10", "--need-from", BASIS,
            "--time-limit", "3", "--deterministic", "--format", "json",
        )  # fmt: skip
    assert exit_code.value.code == 0
    document = json.loads(capsys.readouterr().out)
    assert any("projected peak bed census" in a for a in document["assumptions"])


def test_need_basis_tells_a_forecast_from_an_indicator():
    assert isinstance(translate.need_basis("confirmed_cases:0.5"), translate.NeedBasis)
    assert str(translate.need_basis("forecast")) == "forecast:renewal:0.8:14"


def test_a_recorded_need_line_on_the_date_is_never_overwritten(hubei):
    from pairaid.errors import ValidationFailed
    from pairaid.programmes.models import Participant
    from pairaid.registry.models import ResourceType, Source

    huanggang = Participant.objects.get(programme=hubei, region__code="421100")
    NeedLine.objects.create(
        participant=huanggang,
        resource_type=ResourceType.objects.get(code="medical_staff"),
        quantity=500,
        as_of=ON,
        source=Source.objects.first(),
    )
    with pytest.raises(ValidationFailed, match="421100: a recorded need line of medical_staff"):
        _plan(hubei, BASIS)
    assert not NeedLine.objects.filter(derived_forecast__isnull=False).exists()  # all or none
    assert not hubei.forecast_runs.exists()  # the run too


def test_the_recorded_need_of_pages_and_exports_leaves_forecast_lines_out(hubei):
    from pairaid.programmes import services as programme_services
    from pairaid.scenarios.snapshot import programme_tables

    _plan(hubei, BASIS)
    assert NeedLine.objects.filter(derived_forecast__isnull=False).count() == 16
    assert programme_services.needs_as_of(programme=hubei, on=ON) == {}
    tables = programme_tables(hubei, illustrative=None)
    assert not tables["needs.csv"]


def test_the_plan_page_offers_projected_need_and_plans_on_it(people, client):
    from pairaid.pairing.models import PlanRun

    client.force_login(people["coordinator"])
    page = client.get("/p/hubei-2020/plan/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "规划依据" in page and 'value="forecast"' in page
    response = client.post(
        "/p/hubei-2020/plan/",
        {
            "objectives": ["max_min_coverage"],
            "leximin_levels": 1,
            "time_limit_seconds": 5,
            "as_of": "2020-02-10",
            "need_basis": "forecast",
            "need_method": "renewal",
            "need_quantile": 0.9,
            "need_horizon_days": 7,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert PlanRun.objects.get().options["need_from"] == "forecast:renewal:0.9:7"
    assert NeedLine.objects.filter(derived_forecast__basis="forecast:renewal:0.9:7").count() == 16


def test_evaluating_the_plan_in_force_on_projected_need_stores_nothing(hubei, capsys):
    call_command(
        "plan", "hubei-2020", "--as-of", "2020-02-10", "--need-from", BASIS, "--evaluate",
        "--format", "json",
    )  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert any("projected peak bed census" in a for a in document["assumptions"])
    assert document["metrics"]["min_coverage"] > 0
    assert not NeedLine.objects.filter(derived_forecast__isnull=False).exists()
    assert not hubei.forecast_runs.exists()
