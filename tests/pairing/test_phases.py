"""Phases: the link's rules, the bundled Wenchuan link, its round trip, and the phase view's
classification of the pairs, read off the two Wenchuan bundles."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from pairaid.errors import ValidationFailed
from pairaid.pairing.models import Pairing
from pairaid.pairing.phases import PhasePair, phase_view
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import Region, Source
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.tables import FORMAT_VERSION

pytestmark = pytest.mark.django_db
EMERGENCY, RECONSTRUCTION = "wenchuan-2008-emergency", "wenchuan-2008"
LINK_SOURCE = "sc-reconstruction-plan-2008"


@pytest.fixture
def phases() -> tuple[Programme, Programme]:
    """Both Wenchuan bundles, the earlier phase first so that the link is set on load."""
    scenario_services.load_bundle(EMERGENCY)
    report = scenario_services.load_bundle(RECONSTRUCTION)
    assert report.notes == []
    return Programme.objects.get(slug=EMERGENCY), Programme.objects.get(slug=RECONSTRUCTION)


def _everyone(_programme: Programme) -> bool:
    return True


def _codes(pair: PhasePair) -> tuple[str, str]:
    return (pair.donor.region.code, pair.recipient.region.code or pair.recipient.region.name_en)


# --- the link's rules (`phase_link_problems`, checked by Programme.clean and the loader) ---


def test_the_bundle_links_reconstruction_to_the_emergency_phase_with_its_source(phases):
    emergency, reconstruction = phases
    assert reconstruction.follows == emergency
    assert reconstruction.follows_source.key == LINK_SOURCE
    assert emergency.follows is None
    assert reconstruction.history.first().follows_id == emergency.pk  # kept in the history


def test_a_programme_cannot_follow_itself(phases):
    _, reconstruction = phases
    reconstruction.follows = reconstruction
    with pytest.raises(ValidationError, match="cannot follow itself"):
        reconstruction.full_clean()


def test_phases_cannot_form_a_cycle(phases):
    emergency, reconstruction = phases
    emergency.follows = reconstruction
    emergency.follows_source = reconstruction.follows_source
    with pytest.raises(ValidationError) as caught:
        emergency.full_clean()
    messages = " ".join(caught.value.message_dict["follows"])
    assert "cycle" in messages and "starts on 2008-06-11" in messages  # and dates out of order


def test_the_previous_phase_must_not_start_later(phases):
    emergency, reconstruction = phases
    reconstruction.follows = None
    reconstruction.save()
    emergency.period_start = datetime.date(2008, 7, 1)
    emergency.save()
    reconstruction.follows = emergency
    with pytest.raises(ValidationError, match="starts on 2008-07-01"):
        reconstruction.full_clean()


def test_a_link_without_its_source_is_refused(phases):
    _, reconstruction = phases
    reconstruction.follows_source = None
    with pytest.raises(ValidationError, match="needs the source"):
        reconstruction.full_clean()


# --- the bundle format ---


def _copy_with_manifest(tmp_path, name, change):  # type: ignore[no-untyped-def]
    import shutil

    folder = tmp_path / name
    shutil.copytree(scenario_services.bundled_path(name), folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_link_needs_format_5_and_a_known_source(tmp_path):
    def old_format(manifest):  # type: ignore[no-untyped-def]
        manifest["format_version"] = 4
        manifest["programme"]["follows"]["source"] = "no-such-source"

    with pytest.raises(ValidationFailed) as caught:
        scenario_services.load_bundle(_copy_with_manifest(tmp_path, RECONSTRUCTION, old_format))
    text = str(caught.value)
    assert "needs format_version 5 (the manifest says 4)" in text
    assert "'no-such-source'" in text and "programme.follows" in text
    assert not Programme.objects.filter(slug=RECONSTRUCTION).exists()  # nothing half-written


def test_a_bundle_that_follows_itself_is_refused(tmp_path):
    def itself(manifest):  # type: ignore[no-untyped-def]
        manifest["programme"]["follows"]["programme"] = RECONSTRUCTION

    with pytest.raises(ValidationFailed, match="cannot follow itself"):
        scenario_services.load_bundle(_copy_with_manifest(tmp_path, RECONSTRUCTION, itself))


def test_without_the_previous_phase_the_load_says_how_to_link_it():
    report = scenario_services.load_bundle(RECONSTRUCTION)
    assert report.outcome == "loaded"
    assert any("'wenchuan-2008-emergency' is not loaded" in note for note in report.notes)
    assert Programme.objects.get(slug=RECONSTRUCTION).follows is None
    # Reloading compares like with like: nothing changed, nothing to do.
    assert scenario_services.load_bundle(RECONSTRUCTION).outcome == "unchanged"
    scenario_services.load_bundle(EMERGENCY)
    assert scenario_services.load_bundle(RECONSTRUCTION, update=True).outcome == "updated"
    assert Programme.objects.get(slug=RECONSTRUCTION).follows.slug == EMERGENCY


def test_an_older_bundle_without_a_link_still_loads(tmp_path):
    def format_1(manifest):  # type: ignore[no-untyped-def]
        manifest["format_version"] = 1
        del manifest["programme"]["follows"]

    scenario_services.load_bundle(_copy_with_manifest(tmp_path, RECONSTRUCTION, format_1))
    assert Programme.objects.get(slug=RECONSTRUCTION).follows is None


def test_the_link_survives_an_export_and_reload(phases, tmp_path):
    exported = scenario_services.export_programme(RECONSTRUCTION, tmp_path / "out")
    manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == FORMAT_VERSION  # the current one, 5 or later
    assert manifest["programme"]["follows"] == {"programme": EMERGENCY, "source": LINK_SOURCE}
    # The bundled copy and the export say the same: reloading the export changes nothing.
    report = scenario_services.load_bundle(exported, update=True)
    assert report.changes == []
    assert Programme.objects.get(slug=RECONSTRUCTION).follows.slug == EMERGENCY


# --- the phase view ---


def test_the_timeline_runs_from_the_emergency_phase_whichever_phase_is_asked(phases):
    emergency, reconstruction = phases
    assert phase_view(emergency, can_see=_everyone).timeline == [emergency, reconstruction]
    assert phase_view(reconstruction, can_see=_everyone).timeline == [emergency, reconstruction]
    assert len(phase_view(emergency, can_see=_everyone).steps) == 1


def test_the_wenchuan_pairs_carried_over_changed_and_ended(phases):
    """Read off the bundles' pairings.csv: 23 emergency pairs, 20 reconstruction pairs."""
    step = phase_view(phases[1], can_see=_everyone).steps[0]
    carried = sorted(_codes(before) for before, _ in step.carried)
    assert len(carried) == 11
    assert ("370000", "510726") in carried  # Shandong stayed with Beichuan
    assert ("210000", "510724") in carried  # Liaoning stayed with An county
    assert sorted(_codes(pair) for pair in step.ended) == [
        ("110000", "621200"),  # Beijing kept Shifang and gave up Longnan
        ("150000", "510129"),  # Inner Mongolia and Dayi: neither in the reconstruction pairing
        ("460000", "511827"),  # Hainan and Lushan: neither either
    ]
    changes = {_codes(change.before): sorted(map(_codes, change.after)) for change in step.changed}
    assert len(changes) == 9
    # Hunan left Pengzhou (to Fujian) for Lixian.
    assert changes[("430000", "510182")] == [("350000", "510182"), ("430000", "513222")]
    # Tianjin's two emergency recipients both went to its one reconstruction recipient.
    assert changes[("120000", "623000")] == [("120000", "Seriously affected areas of Shaanxi")]
    assert [_codes(pair) for pair in step.new] == [("440000", "Seriously affected areas of Gansu")]
    assert len(carried) + len(changes) + len(step.ended) == 23


def test_a_renamed_region_is_the_same_place(phases):
    """An county (510724) became Anzhou district (510705) in 2016, as the bundles' renames say; a
    later phase naming the new code still carries the pair over."""
    emergency, reconstruction = phases
    anzhou = Region.objects.create(
        country="CN",
        code="510705",
        level="county",
        name_en="Anzhou District",
        parent=Region.objects.get(code="510700"),
        source=Source.objects.get(key="scgov-anzhou-2016"),
    )
    renamed = Participant.objects.create(programme=reconstruction, region=anzhou, role="recipient")
    Pairing.objects.filter(programme=reconstruction, recipient__region__code="510724").update(
        recipient=renamed
    )
    step = phase_view(emergency, can_see=_everyone).steps[0]
    assert ("210000", "510705") in [_codes(after) for _, after in step.carried]
    assert ("210000", "510724") not in [_codes(pair) for pair in step.ended]


# --- the page ---


def test_the_phase_page_shows_the_step_in_both_languages(phases, client, django_user_model):
    from pairaid.accounts import services as account_services

    user = django_user_model.objects.create_user("wendy", "wendy@example.org", "a-long-password-1")
    for programme in phases:
        account_services.grant(user=user, programme=programme, role="observer")
    client.force_login(user)
    page = client.get("/p/wenchuan-2008/phases/").content.decode()
    assert "11 pairs carried over, 9 changed, 3 ended; 1 new." in page
    assert "汶川地震灾后恢复重建对口支援方案" in page  # the source of the link
    overview = client.get("/p/wenchuan-2008-emergency/").content.decode()
    assert "/p/wenchuan-2008-emergency/phases/" in overview  # linked from the overview
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get("/p/wenchuan-2008/phases/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "11 对延续，9 对变更，3 对结束；新增 1 对。" in chinese.content.decode()


def test_only_members_see_a_programmes_phases(phases, client, django_user_model):
    from pairaid.accounts import services as account_services

    user = django_user_model.objects.create_user("emma", "emma@example.org", "a-long-password-1")
    account_services.grant(user=user, programme=phases[0], role="observer")
    client.force_login(user)
    assert client.get("/p/wenchuan-2008/phases/").status_code == 404
    # The emergency phase's member sees that phase alone: no step into a programme not theirs.
    page = client.get("/p/wenchuan-2008-emergency/phases/").content.decode()
    assert "pairs carried over" not in page and "linked to no other phase you can see" in page
