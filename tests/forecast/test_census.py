"""The census from forecast paths: nesting, the dated admission policy, quantiles, labels."""

import datetime

import numpy as np
import pytest
from tests.forecast.conftest import renewal_incidence, series_from_daily

from pairaid import forecast
from pairaid.engine.beds import BED_TYPES
from pairaid.forecast import care, census

POLICY_CHANGE = datetime.date(2020, 2, 5)


def _paths() -> forecast.SamplePaths:
    series = series_from_daily(renewal_incidence(1.3, 28, seed_cases=100.0))
    return forecast.forecast(series, datetime.date(2020, 2, 28), paths=200, seed=3)


def test_icu_census_never_exceeds_hospital_census_on_any_path_or_day():
    sampled = census.CareParameters.sampled(200, np.random.default_rng(1))
    result = census.census_of(_paths(), sampled)
    assert result.hospital.shape == (200, 14)
    assert np.all(result.icu <= result.hospital)
    assert np.all(result.by_bed_type["icu_ventilated"] <= result.icu)
    assert list(result.by_bed_type) == list(BED_TYPES)


def test_every_admitted_case_is_in_a_bed_once_all_are_admitted():
    active = np.array([[1000.0, 2000.0]])
    result = census.census(active, POLICY_CHANGE)
    np.testing.assert_allclose(result.hospital, active)
    critical = care.severity_share("critical")
    in_icu = care.ICU_STAY_DAYS.central / care.HOSPITAL_STAY_DAYS.central
    np.testing.assert_allclose(result.icu, active * critical * in_icu)
    ventilated = care.VENTILATED_SHARE_OF_ICU.central
    np.testing.assert_allclose(
        result.by_bed_type["icu_ventilated"], active * critical * in_icu * ventilated
    )


def test_mild_cases_take_beds_only_from_the_day_the_policy_changed():
    day_before = POLICY_CHANGE - datetime.timedelta(days=1)
    result = census.census(np.full((1, 2), 1000.0), day_before)
    general = result.by_bed_type["general"][0]
    assert general[0] == 0.0  # 2020-02-04: mild cases isolated at home
    assert general[1] == pytest.approx(1000.0 * care.severity_share("mild"))
    severe_and_critical = care.severity_share("severe") + care.severity_share("critical")
    assert result.hospital[0, 0] == pytest.approx(1000.0 * severe_and_critical)
    assert result.hospital[0, 1] == pytest.approx(1000.0)


def test_admission_policy_is_the_last_one_started():
    assert care.admission_policy(datetime.date(2020, 1, 30)).admitted == ("severe", "critical")
    assert care.admission_policy(POLICY_CHANGE).admitted == care.SEVERITIES


def test_a_longer_icu_stay_than_hospital_stay_is_refused():
    with pytest.raises(ValueError, match="inside the hospital stay"):
        census.CareParameters(hospital_days=5.0, icu_days=8.0)


def test_sampled_parameters_stay_within_their_sourced_ranges():
    sampled = census.CareParameters.sampled(500, np.random.default_rng(0))
    assert np.all(np.asarray(sampled.icu_days) <= np.asarray(sampled.hospital_days))
    assert care.HOSPITAL_STAY_DAYS.low <= np.min(sampled.hospital_days)
    assert np.max(sampled.hospital_days) <= care.HOSPITAL_STAY_DAYS.high


def test_quantiles_are_ordered_and_labelled_a_model_output():
    result = census.census_of(_paths())
    by_series = {q.series: q for q in census.census_quantiles(result)}
    assert set(by_series) == {*BED_TYPES, "icu_all", "hospital"}
    hospital = by_series["hospital"]
    assert hospital.values.shape == (14, len(forecast.QUANTILE_LEVELS))
    assert np.all(np.diff(hospital.values, axis=1) >= 0)
    assert np.all(by_series["icu_all"].values <= hospital.values)
    assert "model output" in hospital.label and "never observed" in hospital.label
    median = forecast.QUANTILE_LEVELS.index(0.5)
    assert hospital.values[0, median] == pytest.approx(np.median(result.hospital[:, 0]))


def test_every_assumption_is_printed_with_its_source():
    lines = care.assumptions_text()
    assert any("doi:10.1001/jama.2020.2648" in line for line in lines)
    assert any("doi:10.1186/s12916-020-01726-3" in line for line in lines)
    assert any("from 2020-02-05" in line for line in lines)
