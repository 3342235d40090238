"""Reading daily series from the columns of a bundle's daily record (case_counts.csv)."""

import numpy as np
import pytest

from pairaid.forecast.backtest import HUBEI_2020_FIRST_ORIGIN, HUBEI_2020_RECIPIENTS
from pairaid.forecast.records import REQUIRED_COLUMNS, read_series_csv, read_series_file
from pairaid.forecast.series import SeriesError
from pairaid.pairing.management.commands.forecast import bundled_series
from pairaid.scenarios.tables import SPECS

HEADER = "region,as_of,confirmed_cases,cured,deaths,source\n"


def test_the_reader_takes_the_bundle_formats_columns():
    spec = SPECS["case_counts.csv"]
    assert set(REQUIRED_COLUMNS) <= {*spec.required, *spec.optional}


def test_a_code_less_pseudo_region_is_kept_under_its_reference_and_gaps_stay_gaps():
    text = HEADER + (
        "420200,2020-02-01,10,1,0,s\n"
        "420200,2020-02-03,14,2,0,s\n"
        "420200,2020-02-04,15,,0,s\n"  # cured unknown that day: the day stays missing
        "420000/Prison system,2020-02-01,5,0,0,s\n"
    )
    places = read_series_csv(text)
    assert set(places) == {"420200", "420000/Prison system"}
    huangshi = places["420200"].series
    assert huangshi.days == 3 and np.isnan(huangshi.confirmed[1])


def test_a_bad_count_is_named_by_line():
    with pytest.raises(SeriesError, match="line 3"):
        read_series_csv(HEADER + "420200,2020-02-01,1,0,0,s\n420200,2020-02-02,x,0,0,s\n")


def test_the_bundled_record_holds_every_recipient_of_hubei_2020():
    places = read_series_file(bundled_series("hubei-2020"))
    for code, _name in HUBEI_2020_RECIPIENTS:
        series = places[code].series
        assert series.first_day <= HUBEI_2020_FIRST_ORIGIN
        assert series.day_at(series.days - 1).isoformat() == "2020-04-30"
