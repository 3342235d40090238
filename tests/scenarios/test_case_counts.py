"""case_counts.csv: Hubei's daily series loaded as dated indicators, the checked rows kept where
dates meet, its pseudo-regions as code-less areas, and a bad row refused precisely."""

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.scenarios.test_bad_bundles import TABLES, make_bundle, problems_of

from pairaid.programmes.models import Programme
from pairaid.registry.models import Region, RegionalIndicator, Source
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.models import LoadedBundle

pytestmark = pytest.mark.django_db
SERIES_SOURCE = "hubei-hc-daily-2020"


def figure(reference: str, indicator: str, as_of: str) -> RegionalIndicator:
    region = Region.objects.get(code=reference) if "/" not in reference else _area(reference)
    return RegionalIndicator.objects.select_related("source").get(
        region=region, indicator__code=indicator, as_of=datetime.date.fromisoformat(as_of)
    )


def _area(reference: str) -> Region:
    parent, _, name_en = reference.partition("/")
    return Region.objects.get(parent__code=parent, name_en=name_en, level="area")


@pytest.mark.parametrize(
    ("reference", "indicator", "as_of", "value"),
    [
        # facts/hubei_city_daily_asof.csv, rows of Wuhan and Huanggang
        ("420100", "confirmed_cases", "2020-02-12", 32994),
        ("420100", "cured", "2020-02-12", 1922),
        ("420100", "deaths", "2020-02-12", 1036),
        ("420100", "confirmed_cases", "2020-02-11", 19558),
        ("421100", "confirmed_cases", "2020-02-12", 2662),
        ("420100", "confirmed_cases", "2020-01-24", 572),
        # the provincial total of 2020-02-12 (the column hubei_total_confirmed)
        ("420000", "confirmed_cases", "2020-02-12", 47163),
    ],
)
def test_the_series_holds_the_published_figures(
    hubei: Any, reference: str, indicator: str, as_of: str, value: int
) -> None:
    found = figure(reference, indicator, as_of)
    assert found.value == Decimal(value)
    assert (found.source.key, found.certainty) == ("hubei-hc-daily-2020", "uncertain")


def test_the_series_covers_every_day_and_leaves_unknown_figures_out(hubei: Any) -> None:
    wuhan = RegionalIndicator.objects.filter(region__code="420100", indicator__code="cured")
    assert wuhan.count() == 98  # 2020-01-24 .. 2020-04-30
    # the province's cured count is not in the series: absent, never 0
    hubei_cured = RegionalIndicator.objects.filter(region__code="420000", indicator__code="cured")
    assert not hubei_cured.exists()
    # Huangshi first appears on 2020-01-25: no figure is made up for 01-24
    assert not RegionalIndicator.objects.filter(
        region__code="420200", as_of=datetime.date(2020, 1, 24)
    ).exists()


def test_where_dates_meet_the_checked_row_keeps_its_source_and_certainty(hubei: Any) -> None:
    checked = figure("420100", "confirmed_cases", "2020-02-10")
    assert checked.value == 18454
    assert (checked.source.key, checked.certainty) == ("hubei-hc-city-cases", "verified")
    later = figure("420100", "deaths", "2020-03-31")
    assert (later.source.key, later.certainty) == ("hubei-hc-city-cases", "uncertain")
    province = figure("420000", "confirmed_cases", "2020-02-10")
    assert (province.source.key, province.certainty) == ("hubei-hc-province-cases", "verified")
    # one figure per region, indicator and date
    assert (
        RegionalIndicator.objects.filter(
            region__code="420100", indicator__code="confirmed_cases", as_of="2020-02-10"
        ).count()
        == 1
    )


def test_the_pseudo_regions_are_code_less_areas_of_hubei(hubei: Any) -> None:
    areas = Region.objects.filter(parent__code="420000", level="area", source__key=SERIES_SOURCE)
    assert sorted(areas.values_list("name_en", "code")) == [
        ("Imported from abroad", ""),
        ("Prison system", ""),
        ("Source not published", ""),
    ]
    assert figure("420000/Prison system", "confirmed_cases", "2020-02-22").value == 253
    assert figure("420000/Imported from abroad", "confirmed_cases", "2020-03-31").value == 1
    assert figure("420000/Source not published", "deaths", "2020-04-10").value == 1
    assert hubei.regions.filter(level="area", source__key=SERIES_SOURCE).count() == 3


def test_the_series_source_records_issuer_dataset_licence_and_realignment(hubei: Any) -> None:
    source = Source.objects.get(key="hubei-hc-daily-2020")
    assert source.issuer == "Hubei Provincial Health Commission"
    assert source.kind == "dataset"
    assert "canghailan/Wuhan-2019-nCoV" in source.url
    assert "MIT licence" in source.title
    assert "re-align" in source.title


def test_loading_again_changes_nothing(hubei: Any) -> None:
    assert scenario_services.load_bundle("hubei-2020").outcome == "unchanged"


def test_every_figure_has_its_history_record(hubei: Any) -> None:
    wuhan = RegionalIndicator.objects.get(
        region__code="420100", indicator__code="confirmed_cases", as_of="2020-02-12"
    )
    (record,) = wuhan.history.all()  # type: ignore[attr-defined]
    assert (record.history_type, record.value) == ("+", Decimal(32994))


def test_the_staff_sent_in_load_as_dated_figures_with_their_sources(hubei: Any) -> None:
    doctors = figure("420000/Hubei outside Wuhan", "aid_doctor_arrivals", "2020-02-12")
    assert (doctors.value, doctors.source.key) == (1003, "staff-2020-02-12")
    wuhan = figure("420100", "aid_staff", "2020-02-14")
    assert (wuhan.value, wuhan.source.key, wuhan.certainty) == (
        20374,
        "staff-2020-02-14",
        "verified",
    )


# --- a small bundle with a series ------------------------------------------------------------

SERIES = (
    "region,as_of,confirmed_cases,cured,deaths,source,certainty\n"
    "420900,2020-02-10,2642,,41,doc,uncertain\n"
    "420900,2020-02-11,2874,,45,doc,uncertain\n"
    "421100,2020-02-11,2398,338,54,doc,uncertain\n"
)
CHECKED = (
    "region,indicator,value,as_of,source,certainty\n420900,deaths,41,2020-02-10,doc,verified\n"
)


def test_a_small_series_loads_with_the_checked_row_winning(tmp_path: Path) -> None:
    folder = make_bundle(tmp_path, **{"case_counts.csv": SERIES, "indicators.csv": CHECKED})
    scenario_services.load_bundle(folder)
    assert RegionalIndicator.objects.count() == 7  # empty cured cells are unknown, not 0
    deaths = RegionalIndicator.objects.get(region__code="420900", as_of="2020-02-10", value=41)
    assert deaths.certainty == "verified"


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        (
            "421100,2020-02-12,-3,,,doc,uncertain",
            "case_counts.csv, row 5, column confirmed_cases: expected a whole number >= 0, "
            "got '-3'",
        ),
        (
            "421100,2020-02-31,3,,,doc,uncertain",
            "case_counts.csv, row 5, column as_of: expected a date as YYYY-MM-DD, got '2020-02-31'",
        ),
        (
            "999999,2020-02-12,3,,,doc,uncertain",
            "case_counts.csv, row 5, column region: unknown region 'CN:999999': not in "
            "regions.csv nor in the registry",
        ),
        (
            "421100,2020-02-12,,,,doc,uncertain",
            "case_counts.csv, row 5, column confirmed_cases, cured, deaths: no count in the "
            "row; leave out a row whose counts are all unknown",
        ),
        (
            "421100,2020-02-11,3,,,doc,uncertain",
            "case_counts.csv, row 5, column region, as_of: duplicate of row 4: CN:421100 / "
            "2020-02-11",
        ),
        (
            "420900,2020-02-12,3,,,nowhere,uncertain",
            "case_counts.csv, row 5, column source: unknown source 'nowhere': not in "
            "sources.csv nor in the registry",
        ),
    ],
)
def test_a_bad_row_is_refused_by_file_row_and_column_and_nothing_is_written(
    tmp_path: Path, bad_row: str, problem: str
) -> None:
    folder = make_bundle(tmp_path, **{"case_counts.csv": SERIES + bad_row + "\n"})
    assert problems_of(folder) == [problem]
    assert RegionalIndicator.objects.count() == 0


def test_a_series_that_contradicts_a_checked_row_is_refused(tmp_path: Path) -> None:
    checked = CHECKED.replace(",41,", ",40,")
    folder = make_bundle(tmp_path, **{"case_counts.csv": SERIES, "indicators.csv": checked})
    assert problems_of(folder) == [
        "case_counts.csv, row 2, column deaths: 41 differs from indicators.csv row 2 (40) for "
        "CN:420900 on 2020-02-10; one figure per region, indicator and date"
    ]


def test_a_failure_after_the_series_leaves_nothing_half_written(tmp_path: Path) -> None:
    """The series is valid, a later table is not: the load writes nothing at all."""
    bad_pairings = TABLES["pairings.csv"] + "110000,999999,active,2020-02-10,doc\n"
    folder = make_bundle(tmp_path, **{"case_counts.csv": SERIES, "pairings.csv": bad_pairings})
    problems_of(folder)
    assert RegionalIndicator.objects.count() == 0
    assert not Programme.objects.exists()
    assert not LoadedBundle.objects.exists()


def test_a_failure_while_writing_the_series_rolls_the_whole_load_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figures go in by raw SQL before their history: a failure there undoes both."""
    from pairaid.scenarios import bulk_rows

    def fail(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk_rows, "_insert_history", fail)
    with pytest.raises(RuntimeError):
        scenario_services.load_bundle(make_bundle(tmp_path, **{"case_counts.csv": SERIES}))
    assert RegionalIndicator.objects.count() == 0
    assert not Region.objects.exists()
    assert not LoadedBundle.objects.exists()
