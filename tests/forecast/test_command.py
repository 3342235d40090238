"""`pairaid forecast backtest hubei-2020`: the record in Markdown, from the bundle's daily record
or a CSV."""

from __future__ import annotations

from pathlib import Path

from pairaid.pairing.management.commands.forecast import Command, bundled_series

ONE_DAY = ("--first-origin", "2020-02-10", "--last-origin", "2020-02-10", "--paths", "20")


def run(*args: str) -> int:
    try:
        Command().run_from_argv(["pairaid", "forecast", *args])
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def test_writes_the_record_from_the_bundled_daily_record(tmp_path: Path, capsys) -> None:
    out = tmp_path / "backtest.md"
    assert run("backtest", "hubei-2020", "--out", str(out), *ONE_DAY) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Forecast backtest: hubei-2020")
    assert "pairaid forecast backtest hubei-2020 --paths 20" in text
    assert "Shennongjia (429021)" in text and "Wuhan" not in text.split("## Per recipient")[1]
    assert "written to" in capsys.readouterr().out


def test_reads_a_series_given_as_a_csv(tmp_path: Path) -> None:
    csv = tmp_path / "series.csv"
    csv.write_text(bundled_series("hubei-2020").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "backtest.md"
    assert run("backtest", "hubei-2020", "--series", str(csv), "--out", str(out), *ONE_DAY) == 0
    assert f"Series: {csv}." in out.read_text(encoding="utf-8")


def test_refuses_a_programme_without_a_daily_record_and_a_bad_csv(tmp_path: Path, capsys) -> None:
    assert run("backtest", "wenchuan-2008", "--out", str(tmp_path / "x.md")) == 2
    assert "no daily record" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("region,as_of\n420200,2020-02-01\n", encoding="utf-8")
    assert run("backtest", "hubei-2020", "--series", str(bad)) == 2
    assert "missing column(s) confirmed_cases, cured, deaths" in capsys.readouterr().err
    assert not (tmp_path / "x.md").exists()
