"""Figures as people read them, one rule for every page, the admin and the documents: thousands
separated, no trailing zeros ("15,618,300", not "15618300.0000"), unknown shown as an en dash.

Neutral ground, like `labels`: the templates' `number` filter (`pairaid_format`) and the admin
(`admin_figures`) use the same helpers.
"""

from decimal import Decimal


def number(value: object, digits: int | None = None) -> str:
    """A figure for people: thousands separated, unknown shown as an en dash (never 0).

    Without `digits`, up to 4 decimals are kept and trailing zeros dropped.
    """
    if value is None or value == "":
        return "–"
    try:
        number_value = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if digits is None:
        text = f"{number_value:,.4f}".rstrip("0").rstrip(".")
        return text if text not in ("-0", "") else "0"
    return f"{number_value:,.{digits}f}"


def plain(value: Decimal) -> str:
    """A stored decimal as typed into a form: its digits without trailing zeros or exponent
    ("15618300", "0.25"), so an edit shows what was entered rather than the column's scale."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text
