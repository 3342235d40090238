"""The bundled programmes carry the key facts of facts/ (built by tools/build_bundles.py).

Reads the CSV files directly, without Django, so it runs while the loader is being built.
"""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

BUNDLES = Path(__file__).resolve().parents[2] / "src" / "pairaid" / "scenarios" / "bundles"
SLUGS = ("hubei-2020", "wenchuan-2008", "wenchuan-2008-emergency", "eastwest-2016")

# Columns of each table that hold a region reference (docs/scenario-format.md).
REGION_COLUMNS = {
    "regions.csv": ("parent",),
    "region_renames.csv": ("region",),
    "indicators.csv": ("region",),
    "case_counts.csv": ("region",),
    "participants.csv": ("region",),
    "capacities.csv": ("region",),
    "needs.csv": ("region",),
    "pairings.csv": ("donor", "recipient"),
    "allocations.csv": ("donor", "recipient"),
}


def table(slug: str, name: str) -> list[dict[str, str]]:
    path = BUNDLES / slug / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def role_count(slug: str, role: str) -> int:
    return sum(1 for row in table(slug, "participants.csv") if row["role"] == role)


def region_key(reference: str) -> str:
    """A reference without its optional country prefix (`CN:420900` -> `420900`)."""
    return reference.split(":", 1)[1] if ":" in reference.split("/")[0] else reference


def test_hubei_2020_has_the_official_pairing_and_the_staff_sent() -> None:
    assert role_count("hubei-2020", "donor") == 19
    assert role_count("hubei-2020", "recipient") == 16
    assert len(table("hubei-2020", "pairings.csv")) == 21
    staff = [
        int(row["quantity"])
        for row in table("hubei-2020", "capacities.csv")
        if row["resource_type"] == "medical_staff"
    ]
    assert sum(staff) == 7405


def test_hubei_2020_dates_the_staff_sent_in() -> None:
    """The aid timeline's figures of 2020-02-12 (with the profession mix) and 2020-02-14."""
    staff = {
        (row["region"], row["indicator"], row["as_of"]): (row["value"], row["source"])
        for row in table("hubei-2020", "indicators.csv")
        if row["indicator"].startswith("aid_")
    }
    outside = "420000/Hubei outside Wuhan"
    assert staff == {
        ("420000", "aid_staff", "2020-02-12"): ("21569", "staff-2020-02-12"),
        (outside, "aid_staff_arrivals", "2020-02-12"): ("2897", "staff-2020-02-12"),
        (outside, "aid_doctor_arrivals", "2020-02-12"): ("1003", "staff-2020-02-12"),
        (outside, "aid_nurse_arrivals", "2020-02-12"): ("1681", "staff-2020-02-12"),
        (outside, "aid_other_staff_arrivals", "2020-02-12"): ("213", "staff-2020-02-12"),
        ("420000", "aid_staff", "2020-02-14"): ("25633", "staff-2020-02-14"),
        ("420100", "aid_staff", "2020-02-14"): ("20374", "staff-2020-02-14"),
        (outside, "aid_staff", "2020-02-14"): ("5259", "staff-2020-02-14"),
    }
    mix = [staff[(outside, f"aid_{p}_arrivals", "2020-02-12")][0] for p in ("doctor", "nurse")]
    other = staff[(outside, "aid_other_staff_arrivals", "2020-02-12")][0]
    assert sum(int(n) for n in [*mix, other]) == 2897


def test_hubei_2020_gives_no_split_of_shanxis_staff() -> None:
    shanxi_allocations = [
        r for r in table("hubei-2020", "allocations.csv") if r["donor"] == "140000"
    ]
    assert shanxi_allocations == []
    assert len(table("hubei-2020", "allocations.csv")) == 18


def test_wenchuan_2008_reconstruction_pairing() -> None:
    assert role_count("wenchuan-2008", "donor") == 19
    assert role_count("wenchuan-2008", "recipient") == 20
    pairings = table("wenchuan-2008", "pairings.csv")
    assert len(pairings) == 20
    assert Counter(row["donor"] for row in pairings)["440000"] == 2  # Guangdong serves two
    areas = [row for row in table("wenchuan-2008", "regions.csv") if row["level"] == "area"]
    assert sorted(row["parent"] for row in areas) == ["610000", "620000"]
    assert all(row["code"] == "" for row in areas)


def test_wenchuan_2008_emergency_pairing() -> None:
    assert role_count("wenchuan-2008-emergency", "donor") == 21
    pairings = table("wenchuan-2008-emergency", "pairings.csv")
    assert len(pairings) == 23
    assert all(row["status"] == "ended" and row["valid_to"] == "2008-06-11" for row in pairings)


def test_wenchuan_bundles_use_2008_codes_and_record_the_renames() -> None:
    regions = {row["code"]: row for row in table("wenchuan-2008", "regions.csv")}
    assert regions["510724"]["name_zh"] == "安县"
    renames = {
        row["region"]: row["new_code"] for row in table("wenchuan-2008", "region_renames.csv")
    }
    assert renames["510724"] == "510705"
    emergency = {
        row["region"]: row["new_code"]
        for row in table("wenchuan-2008-emergency", "region_renames.csv")
    }
    assert emergency["510124"] == "510117"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_source_key_is_listed(slug: str) -> None:
    keys = {row["key"] for row in table(slug, "sources.csv")}
    for name in REGION_COLUMNS:
        for number, row in enumerate(table(slug, name), start=2):
            where = f"{slug}/{name} row {number}"
            if "source" in row:
                assert row["source"] in keys, f"{where}: source {row['source']!r}"
            if row.get("latitude"):
                assert row["coordinates_source"] in keys, f"{where}: coordinates_source"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_figure_has_a_certainty(slug: str) -> None:
    for name in (
        "indicators.csv",
        "case_counts.csv",
        "capacities.csv",
        "needs.csv",
        "pairings.csv",
        "allocations.csv",
    ):
        for number, row in enumerate(table(slug, name), start=2):
            assert row["certainty"] in {"verified", "uncertain", "derived"}, (slug, name, number)
            if "value" in row:
                assert row["value"] != "", (slug, name, number)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_region_reference_resolves(slug: str) -> None:
    regions = table(slug, "regions.csv")
    known = {row["code"] or f"{row['parent']}/{row['name_en']}" for row in regions}
    for name, columns in REGION_COLUMNS.items():
        for number, row in enumerate(table(slug, name), start=2):
            for column in columns:
                if name == "regions.csv" and row["level"] == "country":
                    continue
                assert region_key(row[column]) in known, f"{slug}/{name} row {number} {column}"


def test_wenchuan_2008_carries_the_revenue_found_and_the_aid_delivered() -> None:
    """The 16 revenue figures of facts/ (each with its own source and certainty; the 41 unknown
    ones absent), and the 10 published figures of aid delivered as funds allocations in yuan."""
    revenue = [r for r in table("wenchuan-2008", "indicators.csv")]
    assert len(revenue) == 16
    assert {r["indicator"] for r in revenue} == {"local_fiscal_revenue"}
    tianjin = {r["as_of"]: (r["value"], r["certainty"]) for r in revenue if r["region"] == "120000"}
    assert tianjin == {
        "2007-12-31": ("540.44", "verified"),
        "2008-12-31": ("675.62", "verified"),
        "2009-12-31": ("821.99", "verified"),
    }
    assert len({r["source"] for r in revenue}) == 16
    aid = table("wenchuan-2008", "allocations.csv")
    assert len(aid) == 10 and {r["resource_type"] for r in aid} == {"cny"}
    by_donor = {r["donor"]: r for r in aid}
    assert by_donor["120000"]["quantity"] == "3584000000"  # Tianjin: 35.84 亿 over three years
    assert by_donor["370000"]["date"] == "2010-09-26"  # Shandong's "more than 100", as reported
    # Plans and agreements are not aid delivered: Jiangsu's 80 and Chongqing's 17 stay out.
    assert "320000" not in by_donor and "500000" not in by_donor


def test_eastwest_2016_pairs_each_side_at_the_level_the_list_gives() -> None:
    """17 pairs read in the official list (verified), 8 named only by other reports
    (uncertain); province to province, province to prefecture and city to prefecture."""
    pairings = table("eastwest-2016", "pairings.csv")
    assert Counter(row["certainty"] for row in pairings) == {"verified": 17, "uncertain": 8}
    verified = {row["source"] for row in pairings if row["certainty"] == "verified"}
    assert verified == {"xinhua-eastwest-2016-12-07"}
    levels = {row["code"]: row["level"] for row in table("eastwest-2016", "regions.csv")}
    pair_levels = Counter((levels[r["donor"]], levels[r["recipient"]]) for r in pairings)
    assert pair_levels == {
        ("province", "province"): 8,
        ("province", "prefecture"): 6,  # Beijing, Tianjin, Shanghai and Jiangsu with cities
        ("prefecture", "prefecture"): 11,
    }
    pairs = {(r["donor"], r["recipient"]) for r in pairings}
    assert ("110000", "130700") in pairs  # Beijing → Zhangjiakou (Hebei)
    assert ("320500", "520600") in pairs  # Suzhou (in Jiangsu, itself a donor) → Tongren
    manifest = json.loads((BUNDLES / "eastwest-2016" / "manifest.json").read_text())
    assert manifest["programme"]["kind"] == "poverty_alleviation"
