"""Pairs at several levels in bundles (format 6): pairings.csv's parent_donor and
parent_recipient. The wenchuan-2008-demo overlay's child pairings load inside Guangdong →
Wenchuan County, flagged illustrative, and export back the same; a child outside its parent, or
in a bundle of an earlier format, is refused with file, row and column."""

import json
import shutil
from pathlib import Path

import pytest

from pairaid.errors import ValidationFailed
from pairaid.pairing.models import Pairing
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.snapshot import programme_tables

pytestmark = pytest.mark.django_db
DEMO = "wenchuan-2008-demo"


def _demo_with(tmp_path: Path, pairings: str, version: int = 6) -> Path:
    bundle = tmp_path / DEMO
    shutil.copytree(scenario_services.bundled_path(DEMO), bundle)
    lines = (bundle / "pairings.csv").read_text(encoding="utf-8").splitlines()
    (bundle / "pairings.csv").write_text(f"{lines[0]}\n{pairings}\n", encoding="utf-8")
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    manifest["format_version"] = version
    (bundle / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return bundle


def test_the_demos_child_pairings_load_inside_their_parent_and_export_back(wenchuan, tmp_path):
    scenario_services.load_bundle(DEMO)
    children = Pairing.objects.filter(programme=wenchuan, parent__isnull=False)
    assert {
        (c.donor.region.name_en, c.recipient.region.name_en, c.illustrative) for c in children
    } == {("Zhuhai", "Mianchi Town", True), ("Dongguan", "Yingxiu Town", True)}
    parent = children[0].parent
    assert (parent.donor.region.code, parent.recipient.region.code) == ("440000", "513221")
    assert not parent.illustrative  # the fact stays a fact
    exported = scenario_services.export_programme(
        "wenchuan-2008", tmp_path / "out", include_illustrative=True
    )
    assert json.loads((exported / "manifest.json").read_text())["format_version"] == 6
    rows = programme_tables(wenchuan, illustrative=None)["pairings.csv"]
    nested = {k[:2]: (v["parent_donor"], v["parent_recipient"]) for k, v in rows.items()}
    assert nested[("CN:440400", "CN:513221/Mianchi Town")] == ("CN:440000", "CN:513221")
    # The fact export holds no child pairing and stays readable by format 1.
    facts = scenario_services.export_programme("wenchuan-2008", tmp_path / "facts")
    assert json.loads((facts / "manifest.json").read_text())["format_version"] != 6
    assert scenario_services.load_bundle(DEMO).outcome == "unchanged"


@pytest.mark.parametrize(
    "row, version, expected",
    [
        (
            "441900,513221/Yingxiu Town,ended,2008-06-11,2010-12-31,manual,,pairaid-demo-2008,"
            "uncertain,370000,513221",
            6,
            "column parent_donor, parent_recipient: no pairing of CN:370000 with CN:513221",
        ),
        (
            "441900,510726,ended,2008-06-11,2010-12-31,manual,,pairaid-demo-2008,"
            "uncertain,440000,513221",
            6,
            "column recipient: CN:510726 does not lie inside CN:513221",
        ),
        (
            "441900,513221/Yingxiu Town,ended,2008-06-11,2011-06-30,manual,,pairaid-demo-2008,"
            "uncertain,440000,513221",
            6,
            "column valid_to: ends after its parent pairing (to 2010-12-31)",
        ),
        (
            "441900,513221/Yingxiu Town,ended,2008-06-11,2010-12-31,manual,,pairaid-demo-2008,"
            "uncertain,440000,513221",
            5,
            "column parent_donor: needs format_version 6 (the manifest says 5)",
        ),
    ],
)
def test_a_child_outside_its_parent_is_refused_by_row(wenchuan, tmp_path, row, version, expected):
    with pytest.raises(ValidationFailed) as refused:
        scenario_services.load_bundle(_demo_with(tmp_path, row, version))
    problems = [str(p) for p in refused.value.problems]
    assert any(p.startswith(f"pairings.csv, row 2, {expected}") for p in problems), problems
    assert not Pairing.objects.filter(parent__isnull=False).exists()  # nothing half-written
