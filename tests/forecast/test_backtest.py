"""The rolling-origin backtest on a tiny synthetic record: what it scores, skips and flags."""

import datetime

import pytest
from tests.forecast.conftest import renewal_incidence, series_from_daily

from pairaid.forecast import backtest, report
from pairaid.forecast.summary import summarise

ORIGINS = [datetime.date(2020, 2, 10), datetime.date(2020, 3, 1)]


def tiny_backtest(seed=0, missing=()):
    record = {
        "A": series_from_daily(renewal_incidence(1.1, days=45)),
        "B": series_from_daily(renewal_incidence(0.8, days=45, seed_cases=50.0), missing=missing),
    }
    return backtest.backtest(record, ORIGINS, horizons=(7,), paths=50, seed=seed)


def test_every_method_target_and_origin_is_scored_on_the_same_outcomes():
    scores = tiny_backtest()
    assert len(scores) == 2 * 2 * 2 * 3  # recipients x origins x targets x methods
    assert {s.period for s in scores} == {"February", "March"}
    outcomes = {(s.recipient, s.origin, s.target): s.observed for s in scores}
    for score in scores:
        assert score.observed == outcomes[(score.recipient, score.origin, score.target)]
        assert score.wis >= 0 and score.wis_log >= 0


def test_an_outcome_the_record_lacks_is_not_scored():
    scores = tiny_backtest(missing=(16,))  # B's 2020-02-17: the 7-day outcome from 02-10
    assert not [s for s in scores if s.recipient == "B" and s.origin == ORIGINS[0]]
    assert len(scores) == 3 * 2 * 3


def test_windows_holding_the_clinical_diagnosis_day_are_flagged():
    flagged = {s.origin for s in tiny_backtest() if s.crosses_clinical_jump}
    assert flagged == {datetime.date(2020, 2, 10)}


def test_the_same_seed_gives_the_same_scores():
    assert tiny_backtest(seed=5) == tiny_backtest(seed=5)


def test_relative_wis_is_against_the_best_baseline():
    rows = summarise(tiny_backtest(), per_recipient=False)
    for row in rows:
        if row.method == row.best_baseline:
            assert row.relative_wis_log == pytest.approx(1.0)
        assert row.forecasts == 2


def test_the_record_states_the_target_and_the_scores():
    facts = report.RunFacts("pairaid forecast backtest test", "2020-01-01", 1.0, "test", "-", 50, 0)
    text = report.backtest_markdown(tiny_backtest(), {"A": "Place A", "B": "Place B"}, facts)
    assert "relative WIS below 1" in text
    assert "Place A (A)" in text and "7 days:" in text


def test_the_change_in_r_after_an_origin_is_one_for_a_constant_r():
    record = {"A": series_from_daily(renewal_incidence(1.2, days=45))}
    ratios = backtest.reproduction_changes(record, [datetime.date(2020, 2, 25)], 7)
    assert ratios == [pytest.approx(1.0, abs=0.02)]
