"""The weighted interval score, the error of the median and coverage, worked out by hand."""

import numpy as np
import pytest

from pairaid.forecast import scoring
from pairaid.forecast.parameters import QUANTILE_LEVELS

LEVELS = (0.25, 0.5, 0.75)
VALUES = np.array([2.0, 4.0, 6.0])


def test_wis_of_an_observation_above_the_interval():
    # IS_0.5 = (6 - 2) + (2 / 0.5)(7 - 6) = 8; WIS = (0.5 * |7 - 4| + 0.25 * 8) / 1.5
    assert scoring.weighted_interval_score(LEVELS, VALUES, 7.0) == pytest.approx(3.5 / 1.5)


def test_wis_of_an_observation_inside_the_interval():
    # IS_0.5 = 4; WIS = (0.5 * 1 + 0.25 * 4) / 1.5 = 1
    assert scoring.weighted_interval_score(LEVELS, VALUES, 5.0) == pytest.approx(1.0)


def test_wis_of_a_point_on_the_truth_is_zero():
    assert scoring.weighted_interval_score(QUANTILE_LEVELS, np.full(23, 9.0), 9.0) == 0.0


def test_the_hub_quantiles_hold_eleven_central_intervals():
    intervals = scoring.central_intervals(QUANTILE_LEVELS, np.arange(23.0))
    assert [alpha for alpha, _, _ in intervals] == [
        0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9
    ]  # fmt: skip


def test_absolute_error_of_the_median():
    assert scoring.absolute_error_of_median(LEVELS, VALUES, 1.0) == 3.0


def test_coverage_counts_outcomes_inside_their_interval():
    values = np.arange(23.0)  # the 5 % quantile is 2, the 95 % is 20; 25 % is 6, 75 % is 16
    assert scoring.covered(QUANTILE_LEVELS, values, 20.0, 0.9)
    assert not scoring.covered(QUANTILE_LEVELS, values, 20.5, 0.9)
    assert not scoring.covered(QUANTILE_LEVELS, values, 17.0, 0.5)
    assert scoring.empirical_coverage([True, False, True, True]) == 0.75
    assert scoring.below(QUANTILE_LEVELS, values, 1.5, 0.9)
    assert not scoring.below(QUANTILE_LEVELS, values, 20.5, 0.9)


def test_the_log_scale_maps_quantiles_and_takes_revisions_as_zero():
    assert list(scoring.on_log_scale(np.array([0.0, np.e - 1, -5.0]))) == pytest.approx([0, 1, 0])


def test_relative_wis_is_a_ratio_of_means_on_the_same_forecasts():
    assert scoring.relative_wis([1.0, 3.0], [2.0, 6.0]) == 0.5
    with pytest.raises(ValueError, match="same forecasts"):
        scoring.relative_wis([1.0], [1.0, 2.0])
