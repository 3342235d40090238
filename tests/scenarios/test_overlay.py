"""Overlay bundles: illustrative records on a base programme, kept apart from the facts."""

import json
from pathlib import Path

import pytest

from pairaid.errors import ValidationFailed
from pairaid.programmes.models import CapacityLine, NeedLine
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db


def make_overlay(tmp_path: Path, needs: str) -> Path:
    folder = tmp_path / "hubei-2020-sample"
    folder.mkdir()
    manifest = {
        "format_version": 1,
        "kind": "overlay",
        "name": "hubei-2020-sample",
        "base_programme": "hubei-2020",
        "illustrative": True,
        "data_version": "1",
        "country": "CN",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "sources.csv").write_text(
        "key,title,kind,method\n"
        "sample,Illustrative example for the demo,derived,made up for the demo\n",
        encoding="utf-8",
    )
    (folder / "needs.csv").write_text(
        "region,resource_type,quantity,as_of,source,certainty\n" + needs, encoding="utf-8"
    )
    return folder


def test_overlay_records_are_flagged_illustrative_and_left_out_of_exports(hubei, tmp_path):
    overlay = make_overlay(tmp_path, "421100,icu_nurse,120,2020-02-12,sample,derived\n")
    assert scenario_services.load_bundle(overlay).outcome == "loaded"
    line = NeedLine.objects.get(participant__region__code="421100")
    assert line.illustrative and line.quantity == 120
    assert not CapacityLine.objects.filter(illustrative=True).exists()

    facts = scenario_services.export_programme("hubei-2020", tmp_path / "facts")
    assert not (facts / "needs.csv").exists()
    everything = scenario_services.export_programme(
        "hubei-2020", tmp_path / "all", include_illustrative=True
    )
    assert "icu_nurse" in (everything / "needs.csv").read_text(encoding="utf-8")
    assert scenario_services.load_bundle(overlay).outcome == "unchanged"


def test_an_overlay_needs_its_base_programme(db, tmp_path):
    overlay = make_overlay(tmp_path, "421100,icu_nurse,120,2020-02-12,sample,derived\n")
    with pytest.raises(ValidationFailed, match="base programme 'hubei-2020' is not loaded"):
        scenario_services.load_bundle(overlay)


def test_overlay_rows_must_refer_to_the_base_programmes_participants(hubei, tmp_path):
    overlay = make_overlay(tmp_path, "370000,icu_nurse,120,2020-02-12,sample,derived\n")
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(overlay)
    assert str(failure.value.problems[0]) == (
        "needs.csv, row 2, column region: CN:370000 is not a recipient of this programme "
        "(participants.csv)"
    )
