"""The 3W as a table others read: one row per cell, headed by names and by an HXL hashtag row.

The hashtags and attributes are the HXL Standard's (Humanitarian Exchange Language, version 1.1,
"HXL hashtag dictionary", https://hxlstandard.org/standard/1-1final/dictionary/): #org (an
organisation; +funder: it funds the work, as a donor region does here), #sector, #adm1 to #adm4
(the administrative levels: province, prefecture, county, township), #activity (+num: a count
of activities, here projects), #value (a monetary value), #currency and #meta (data about the
row: here whether it is illustrative). +code and +name are the dictionary's own attributes;
+dac, +budget, +disbursed and +handed_over narrow a column as HXL lets any attribute do.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pairaid.figures import plain
from pairaid.projects.queries import Cell, admin_places


@dataclass(frozen=True)
class Column:
    header: str
    hashtag: str
    value: Callable[[Cell, dict[int, Any]], Any]


def _place(level: int, part: str) -> Callable[[Cell, dict[int, Any]], Any]:
    def read(_cell: Cell, places: dict[int, Any]) -> Any:
        region = places.get(level)
        return getattr(region, part) if region is not None else ""

    return read


COLUMNS: tuple[Column, ...] = (
    Column("donor_code", "#org+funder+code", lambda c, _p: c.donor.region.code),
    Column("donor", "#org+funder+name", lambda c, _p: c.donor.region.name_en),
    Column("sector", "#sector+name", lambda c, _p: c.sector.code),
    Column("dac_code", "#sector+code+dac", lambda c, _p: c.sector.dac_code),
    Column("province_code", "#adm1+code", _place(1, "code")),
    Column("province", "#adm1+name", _place(1, "name_en")),
    Column("prefecture_code", "#adm2+code", _place(2, "code")),
    Column("prefecture", "#adm2+name", _place(2, "name_en")),
    Column("county_code", "#adm3+code", _place(3, "code")),
    Column("county", "#adm3+name", _place(3, "name_en")),
    Column("township", "#adm4+name", _place(4, "name_en")),
    Column("projects", "#activity+num", lambda c, _p: c.projects),
    Column("handed_over", "#activity+num+handed_over", lambda c, _p: c.handed_over),
    Column("budget", "#value+budget", lambda c, _p: plain(c.budget)),
    Column("disbursed", "#value+disbursed", lambda c, _p: plain(c.disbursed)),
    Column("illustrative", "#meta+illustrative", lambda c, _p: "yes" if c.illustrative else ""),
)


def hxl_rows(cells: list[Cell]) -> list[list[Any]]:
    """The header row, the hashtag row, then one row per cell."""
    rows: list[list[Any]] = [[c.header for c in COLUMNS], [c.hashtag for c in COLUMNS]]
    for cell in cells:
        places = admin_places(cell.place)
        rows.append([column.value(cell, places) for column in COLUMNS])
    return rows
