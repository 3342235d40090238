"""Need from a forecast: staff at a quantile of the projected peak census, by care ratio."""

import datetime
from fractions import Fraction

import numpy as np
import pytest

from pairaid.engine.staffing import CareRatio
from pairaid.forecast import census, need

FIRST_DAY = datetime.date(2020, 2, 11)
ICU_RATIO = {
    "icu": CareRatio(Fraction(4, 5), Fraction(3)),
    "icu_ventilated": CareRatio(Fraction(4, 5), Fraction(3)),
}


def _census(active_by_path: list[list[float]]) -> census.Census:
    return census.census(np.array(active_by_path), FIRST_DAY)


def test_need_is_the_quantile_of_each_paths_peak_times_the_ratio():
    # Five paths whose active cases peak on different days; ICU beds per active case is fixed.
    paths = [[100.0 * (p + 1), 50.0 * (p + 1), 10.0] for p in range(5)]
    result = need.staff_needed(_census(paths), ICU_RATIO, quantile=0.8, horizon_days=3)
    per_case = _census([[1.0]]).icu[0, 0]
    peaks = np.array([100.0 * (p + 1) for p in range(5)]) * per_case
    assert result.doctors == int(np.ceil(np.quantile(peaks, 0.8) * 0.8))
    assert result.nurses == int(np.ceil(np.quantile(peaks, 0.8) * 3))
    assert result.staff == result.doctors + result.nurses
    assert result.unrated_bed_types == ("general", "oxygen")
    assert "model output" in result.label


def test_the_horizon_cuts_the_days_the_peak_is_taken_over():
    rising = [[10.0, 20.0, 1000.0]]
    short = need.staff_needed(_census(rising), ICU_RATIO, horizon_days=2)
    long = need.staff_needed(_census(rising), ICU_RATIO, horizon_days=3)
    assert short.nurses < long.nurses


def test_a_higher_quantile_never_needs_fewer_staff():
    rng = np.random.default_rng(0)
    paths = rng.uniform(100, 1000, size=(200, 14)).tolist()
    low = need.staff_needed(_census(paths), ICU_RATIO, quantile=0.5)
    high = need.staff_needed(_census(paths), ICU_RATIO, quantile=0.9)
    assert high.staff >= low.staff and high.peak_census >= low.peak_census


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"quantile": 1.0}, "strictly between 0 and 1"),
        ({"horizon_days": 30}, "horizon must be 1 to 3 days"),
    ],
)
def test_bad_arguments_are_refused_with_what_was_expected(keywords, message):
    with pytest.raises(ValueError, match=message):
        need.staff_needed(_census([[1.0, 2.0, 3.0]]), ICU_RATIO, **keywords)


def test_an_unknown_bed_type_is_refused():
    with pytest.raises(ValueError, match="unknown bed type 'ward'"):
        need.staff_needed(_census([[1.0]]), {"ward": CareRatio(Fraction(1))}, horizon_days=1)
