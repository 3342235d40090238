"""Reading daily series from the CSV columns of facts/hubei_city_daily_asof.csv."""

import numpy as np
import pytest

from pairaid.forecast.backtest import HUBEI_2020_FIRST_ORIGIN, HUBEI_2020_RECIPIENTS
from pairaid.forecast.records import packaged_hubei_series, read_series_csv
from pairaid.forecast.series import SeriesError

HEADER = "asof_date,city_code,city_zh,city_en,confirmed,cured,dead\n"


def test_a_code_less_pseudo_region_is_kept_under_its_name_and_gaps_stay_gaps():
    text = HEADER + (
        "2020-02-01,420200,黄石市,Huangshi,10,1,0\n"
        "2020-02-03,420200,黄石市,Huangshi,14,2,0\n"
        "2020-02-01,,,(prison system),5,0,0\n"
    )
    places = read_series_csv(text)
    assert set(places) == {"420200", "(prison system)"}
    huangshi = places["420200"].series
    assert huangshi.days == 3 and np.isnan(huangshi.confirmed[1])


def test_a_bad_count_is_named_by_line():
    with pytest.raises(SeriesError, match="line 3"):
        read_series_csv(HEADER + "2020-02-01,420200,,A,1,0,0\n2020-02-02,420200,,A,x,0,0\n")


def test_the_shipped_series_holds_every_recipient_of_hubei_2020():
    places = packaged_hubei_series()
    for code, name in HUBEI_2020_RECIPIENTS:
        assert places[code].name_en == name
        series = places[code].series
        assert series.first_day <= HUBEI_2020_FIRST_ORIGIN
        assert series.day_at(series.days - 1).isoformat() == "2020-04-30"
