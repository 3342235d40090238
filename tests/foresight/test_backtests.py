"""Backtest runs: the same scores as the forecast library's backtest of the bundled record,
summed up February and March apart, with the windows that cross 2020-02-12 flagged and left out
in a table of their own; the page and the API show them."""

import datetime

import pytest
from django.urls import reverse

from pairaid.forecast import backtest, records
from pairaid.foresight import backtests
from pairaid.foresight.models import BacktestRun
from pairaid.pairing.management.commands.forecast import bundled_series

FIRST, LAST = datetime.date(2020, 2, 8), datetime.date(2020, 3, 3)
PATHS = 50


@pytest.fixture
def finished(hubei):  # type: ignore[no-untyped-def]
    run = backtests.start(
        programme=hubei,
        user=None,
        enqueue=lambda _pk: None,
        first_origin=FIRST,
        last_origin=LAST,
        paths=PATHS,
    )
    return backtests.execute(run.pk)


def test_a_backtest_run_scores_as_the_library_does_on_the_bundled_record(finished):
    assert finished.state == BacktestRun.State.FINISHED
    assert finished.progress == {"done": 16, "total": 16}
    bundled = records.read_series_file(bundled_series("hubei-2020"))
    series = {code: bundled[code].series for code, _ in backtest.HUBEI_2020_RECIPIENTS}
    expected = backtest.backtest(series, backtest.daily_origins(FIRST, LAST), paths=PATHS)
    assert finished.summary == backtests.summary_rows(expected)
    assert {row["period"] for row in finished.summary} == {"February", "March"}
    # Origins 2020-02-08 .. 02-11 cross 2020-02-12 at 7 days; 02-08 .. 02-11 also at 14.
    assert finished.crossing_origins == ["2020-02-08", "2020-02-09", "2020-02-10", "2020-02-11"]
    pooled = [r for r in finished.summary if r["scope"] == backtests.ALL]
    clean = [r for r in finished.summary if r["scope"] == backtests.ALL_WITHOUT_JUMP]
    february = [r for r in pooled if r["period"] == "February"]
    february_clean = [r for r in clean if r["period"] == "February"]
    assert sum(r["forecasts"] for r in february_clean) < sum(r["forecasts"] for r in february)


def test_a_backtest_page_shows_the_scores_apart_by_month(client, people, finished):
    client.force_login(people["observer"])
    response = client.get(reverse("foresight:backtest", args=["hubei-2020", finished.number]))
    page = response.content.decode()
    assert 'id="backtest-pooled"' in page and 'id="backtest-without-jump"' in page
    assert "February" in page and "March" in page and "2020-02-12" in page


def test_only_coordinators_start_a_backtest(client, people, monkeypatch):
    monkeypatch.setattr("pairaid.foresight.tasks.enqueue_backtest_run", lambda _pk: None)
    client.force_login(people["observer"])
    assert client.post(reverse("foresight:backtests", args=["hubei-2020"])).status_code == 403
    client.force_login(people["coordinator"])
    response = client.post(reverse("foresight:backtests", args=["hubei-2020"]))
    run = BacktestRun.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/backtests/{run.number}/")
    assert (run.first_origin, run.last_origin) == (
        backtest.HUBEI_2020_FIRST_ORIGIN,
        backtest.HUBEI_2020_LAST_ORIGIN,
    )
