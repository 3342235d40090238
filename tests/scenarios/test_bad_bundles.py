"""Malformed bundles: every problem reported at once, precisely, and nothing written."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pairaid.errors import ValidationFailed
from pairaid.programmes.models import Programme
from pairaid.registry.models import Region, Source
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.models import LoadedBundle

pytestmark = pytest.mark.django_db

MANIFEST = {
    "format_version": 1,
    "kind": "programme",
    "data_version": "1.0.0",
    "country": "CN",
    "programme": {
        "slug": "tiny",
        "name_en": "Tiny programme",
        "kind": "medical_emergency",
        "period_start": "2020-02-10",
        "currency": "CNY",
        "status": "active",
        "sources": ["doc"],
        "rules": {"max_donors_per_recipient": 1, "max_recipients_per_donor": 1},
    },
}
TABLES = {
    "sources.csv": "key,title,kind\ndoc,A test document,document\n",
    "regions.csv": (
        "code,parent,level,name_zh,name_en,latitude,longitude,coordinates_source,source\n"
        "CN,,country,中国,China,,,,doc\n"
        "110000,CN,province,北京市,Beijing,39.9,116.4,doc,doc\n"
        "120000,CN,province,天津市,Tianjin,39.1,117.2,doc,doc\n"
        "420000,CN,province,湖北省,Hubei,30.5,114.3,doc,doc\n"
        "420900,420000,prefecture,孝感市,Xiaogan,30.9,113.9,doc,doc\n"
        "421100,420000,prefecture,黄冈市,Huanggang,30.4,114.9,doc,doc\n"
    ),
    "participants.csv": (
        "region,role\n110000,donor\n120000,donor\n420900,recipient\n421100,recipient\n"
    ),
    "capacities.csv": (
        "region,resource_type,quantity,as_of,source\n"
        "110000,medical_staff,100,2020-02-10,doc\n120000,medical_staff,80,2020-02-10,doc\n"
    ),
    "pairings.csv": (
        "donor,recipient,status,valid_from,source\n"
        "110000,420900,active,2020-02-10,doc\n120000,421100,active,2020-02-10,doc\n"
    ),
}


def make_bundle(tmp_path: Path, **replace: str | bytes | None) -> Path:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    for name, content in {**TABLES, **replace}.items():
        if content is None:
            continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(folder)
    assert Programme.objects.count() == 0
    assert Region.objects.count() == 0
    assert Source.objects.count() == 0
    assert LoadedBundle.objects.count() == 0
    return [str(problem) for problem in failure.value.problems]


def test_the_minimal_bundle_is_valid(tmp_path):
    assert scenario_services.load_bundle(make_bundle(tmp_path)).outcome == "loaded"


def test_missing_column(tmp_path):
    bad = TABLES["participants.csv"].replace("region,role", "region,rolle")
    problems = problems_of(make_bundle(tmp_path, **{"participants.csv": bad}))
    assert "participants.csv, row 1, column role: missing required column 'role'" in problems
    assert any("unknown column 'rolle'" in p for p in problems)


def test_unknown_region_code(tmp_path):
    bad = TABLES["participants.csv"] + "999999,recipient\n"
    problems = problems_of(make_bundle(tmp_path, **{"participants.csv": bad}))
    assert problems == [
        "participants.csv, row 6, column region: unknown region 'CN:999999': "
        "not in regions.csv nor in the registry"
    ]


def test_negative_quantity(tmp_path):
    bad = TABLES["capacities.csv"].replace(",80,", ",-5,")
    problems = problems_of(make_bundle(tmp_path, **{"capacities.csv": bad}))
    assert problems == ["capacities.csv, row 3, column quantity: must be >= 0, got -5"]


def test_duplicate_pairing(tmp_path):
    bad = TABLES["pairings.csv"] + "110000,420900,active,2020-02-11,doc\n"
    problems = problems_of(make_bundle(tmp_path, **{"pairings.csv": bad}))
    assert any(
        p.startswith("pairings.csv, row 4, column donor, recipient: duplicate pairing: row 2")
        for p in problems
    )


def test_pairing_to_a_non_participant(tmp_path):
    bad = TABLES["pairings.csv"].replace("120000,421100", "120000,420000")
    problems = problems_of(make_bundle(tmp_path, **{"pairings.csv": bad}))
    assert problems == [
        "pairings.csv, row 3, column recipient: CN:420000 is not a recipient of this programme "
        "(participants.csv)"
    ]


def test_a_rule_violated_is_named(tmp_path):
    bad = TABLES["pairings.csv"] + "110000,421100,active,2020-02-10,doc\n"
    problems = problems_of(make_bundle(tmp_path, **{"pairings.csv": bad}))
    assert (
        "pairings.csv: donor CN:110000 serves 2 recipients; the programme allows at most 1 "
        "(max_recipients_per_donor)" in problems
    )
    assert any("recipient CN:421100 has 2 donors" in p for p in problems)


def test_non_utf8_file(tmp_path):
    bad = TABLES["regions.csv"].encode("gb18030")
    problems = problems_of(make_bundle(tmp_path, **{"regions.csv": bad}))
    assert any(p.startswith("regions.csv: not UTF-8 text (byte 0x") for p in problems)


def test_empty_file(tmp_path):
    problems = problems_of(make_bundle(tmp_path, **{"pairings.csv": ""}))
    assert problems == [
        "pairings.csv: the file is empty; expected a header row with: donor, recipient, status"
    ]


def test_conflicting_region_data_names_both_values(tmp_path):
    scenario_services.load_bundle("hubei-2020")
    bad = TABLES["regions.csv"].replace(
        "421100,420000,prefecture,黄冈市,Huanggang,30.4,114.9",
        "421100,420000,prefecture,黄冈市,Huang Gang,30.4,114.9",
    )
    folder = make_bundle(tmp_path, **{"regions.csv": bad})
    regions_before = Region.objects.count()
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(folder)
    problems = [str(p) for p in failure.value.problems]
    assert (
        "regions.csv, row 7, column name_en: conflicts with the registry for CN:421100: registry "
        "has 'Huanggang', bundle has 'Huang Gang' (load with --update to change the registry)"
    ) in problems
    assert Region.objects.count() == regions_before
    assert not Programme.objects.filter(slug="tiny").exists()


def test_every_problem_is_reported_at_once(tmp_path):
    problems = problems_of(
        make_bundle(
            tmp_path,
            **{
                "capacities.csv": TABLES["capacities.csv"].replace(",80,", ",-5,"),
                "participants.csv": TABLES["participants.csv"] + "999999,donor\n",
            },
        )
    )
    assert len(problems) == 2


def test_bad_cells_name_row_column_and_expectation(tmp_path):
    bad = TABLES["capacities.csv"].replace("2020-02-10,doc\n120000", "10/02/2020,nosuch\n120000")
    problems = problems_of(make_bundle(tmp_path, **{"capacities.csv": bad}))
    assert (
        "capacities.csv, row 2, column as_of: expected a date as YYYY-MM-DD, got '10/02/2020'"
        in problems
    )
    assert any("row 2, column source: unknown source 'nosuch'" in p for p in problems)


def test_manifest_errors(tmp_path):
    folder = make_bundle(tmp_path)
    (folder / "manifest.json").write_text('{"format_version": 1, "kind": "programme"}')
    problems = problems_of(folder)
    assert "manifest.json, column data_version: missing 'data_version'" in problems
    assert "manifest.json, column programme: missing 'programme'" in problems


def test_missing_required_table(tmp_path):
    problems = problems_of(make_bundle(tmp_path, **{"participants.csv": None}))
    assert "participants.csv: missing: a programme bundle needs this table" in problems


def test_an_unknown_file_is_refused(tmp_path):
    folder = make_bundle(tmp_path)
    (folder / "notes.csv").write_text("a\n1\n")
    problems = problems_of(folder)
    assert any(p.startswith("notes.csv: unknown file") for p in problems)


def test_a_region_cannot_be_paired_with_itself(tmp_path):
    participants = TABLES["participants.csv"] + "110000,recipient\n"
    pairings = TABLES["pairings.csv"].replace("110000,420900", "110000,110000")
    problems = problems_of(
        make_bundle(tmp_path, **{"participants.csv": participants, "pairings.csv": pairings})
    )
    assert (
        "pairings.csv, row 2, column recipient: a region cannot be paired with itself" in problems
    )


def test_care_ratios_load(tmp_path):
    from pairaid.operations.models import CareRatio

    good = "bed_type,doctors_per_bed,nurses_per_bed,counts,source\nicu,0.8,3,headcount,doc\n"
    scenario_services.load_bundle(make_bundle(tmp_path, **{"care_ratios.csv": good}))
    ratio = CareRatio.objects.get(programme__slug="tiny")
    assert (ratio.bed_type, ratio.doctors_per_bed, ratio.nurses_per_bed, ratio.source.key) == (
        "icu",
        Decimal("0.8"),
        Decimal(3),
        "doc",
    )


def test_bad_care_ratios_are_named(tmp_path):
    bad = (
        "bed_type,doctors_per_bed,nurses_per_bed,counts,source\n"
        "hdu,0.8,3,headcount,doc\n"
        "icu,0,0.3333,per_shift,\n"
    )
    problems = problems_of(make_bundle(tmp_path, **{"care_ratios.csv": bad}))
    assert any("row 2, column bed_type: expected one of general" in p for p in problems)
    assert any("row 3, column doctors_per_bed: must be >= 0.001, got 0" in p for p in problems)
    assert any("row 3, column nurses_per_bed" in p for p in problems)
    assert any("row 3, column counts: expected one of headcount, on_duty" in p for p in problems)
    assert any("row 3, column source" in p for p in problems)
