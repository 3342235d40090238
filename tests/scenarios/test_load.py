"""Loading the bundled programmes: counts, sources, no-op reloads, updates and round trips."""

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from pairaid.errors import Conflict
from pairaid.pairing.models import AllocationLine, Pairing
from pairaid.programmes.models import CapacityLine, Participant, Programme
from pairaid.registry.models import Region, RegionalIndicator, RegionRename
from pairaid.scenarios import operations_export
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.models import LoadedBundle
from pairaid.scenarios.tables import FORMAT_VERSION

pytestmark = pytest.mark.django_db
BUNDLES = ("hubei-2020", "wenchuan-2008", "wenchuan-2008-emergency")


def _counts(slug: str) -> tuple[int, int, int]:
    participants = Participant.objects.filter(programme__slug=slug)
    return (
        participants.filter(role="donor").count(),
        participants.filter(role="recipient").count(),
        Pairing.objects.filter(programme__slug=slug).count(),
    )


def test_the_three_bundled_programmes_load_with_their_real_counts():
    for name in BUNDLES:
        assert scenario_services.load_bundle(name).outcome == "loaded"
    assert _counts("hubei-2020") == (19, 16, 21)
    assert _counts("wenchuan-2008") == (19, 20, 20)
    assert _counts("wenchuan-2008-emergency") == (21, 23, 23)


def test_hubei_facts_keep_their_sources_and_rules(hubei):
    assert (hubei.max_donors_per_recipient, hubei.max_recipients_per_donor) == (2, 3)
    shanxi = Pairing.objects.filter(programme=hubei, donor__region__code="140000")
    assert sorted(p.recipient.region.code for p in shanxi) == ["429004", "429005", "429006"]
    assert all(p.source is not None and p.origin == "historical" for p in hubei.pairings.all())
    staff = CapacityLine.objects.filter(participant__programme=hubei)
    assert sum(line.quantity for line in staff) == 7405
    assert all(line.source.key for line in staff)
    # Shanxi's split over its three recipients is unknown, so it has no allocation lines.
    assert not AllocationLine.objects.filter(pairing__in=shanxi).exists()
    assert AllocationLine.objects.filter(pairing__programme=hubei).count() == 18
    xiantao = Region.objects.get(code="429004")
    assert xiantao.parent.code == "420000" and xiantao.level == "county"
    assert xiantao.latitude is not None and xiantao.coordinates_source is not None


def test_wenchuan_areas_are_codeless_regions_and_renames_are_recorded():
    for name in BUNDLES[1:]:
        scenario_services.load_bundle(name)
    gansu_area = Region.objects.get(level="area", parent__code="620000")
    assert gansu_area.code == "" and "Gansu" in gansu_area.name_en
    an_county = Region.objects.get(code="510724")
    assert an_county.name_zh == "安县"
    assert RegionRename.objects.get(region=an_county).new_code == "510705"
    wenchuan = Programme.objects.get(slug="wenchuan-2008")
    assert wenchuan.min_contribution_share == Decimal("0.01")
    assert wenchuan.min_contribution_indicator.code == "local_fiscal_revenue"
    guangdong = Pairing.objects.filter(programme=wenchuan, donor__region__code="440000")
    assert guangdong.count() == 2


def test_loading_the_same_version_again_changes_nothing_and_says_so(hubei):
    before = (RegionalIndicator.history.count(), Pairing.history.count(), Region.objects.count())
    report = scenario_services.load_bundle("hubei-2020")
    assert report.outcome == "unchanged"
    assert (
        RegionalIndicator.history.count(),
        Pairing.history.count(),
        Region.objects.count(),
    ) == before


def _bundle_copy(tmp_path: Path, name: str = "hubei-2020") -> Path:
    target = tmp_path / name
    shutil.copytree(scenario_services.bundled_path(name), target)
    return target


def _bump(bundle: Path, version: str) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    manifest["data_version"] = version
    (bundle / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _edit_staff(bundle: Path, old: str, new: str) -> None:
    path = bundle / "capacities.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_newer_version_is_refused_with_a_summary_unless_update(hubei, tmp_path):
    bundle = _bundle_copy(tmp_path)
    _bump(bundle, "2099.1.1")
    _edit_staff(bundle, ",591,", ",600,")
    with pytest.raises(Conflict) as refused:
        scenario_services.load_bundle(bundle)
    assert "2099.1.1" in str(refused.value) and "quantity '591' → '600'" in str(refused.value)
    shandong = CapacityLine.objects.get(
        participant__programme=hubei, participant__region__code="370000"
    )
    assert shandong.quantity == 591

    report = scenario_services.load_bundle(bundle, update=True)
    assert report.outcome == "updated"
    shandong.refresh_from_db()
    assert shandong.quantity == 600
    assert shandong.history.count() == 2  # the change is in the history
    assert LoadedBundle.objects.get(name="hubei-2020").data_version == "2099.1.1"


def test_an_update_removes_rows_the_new_version_dropped(hubei, tmp_path):
    bundle = _bundle_copy(tmp_path)
    _bump(bundle, "2099.1.1")
    lines = (bundle / "allocations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (bundle / "allocations.csv").write_text("".join(lines[:-1]), encoding="utf-8")
    scenario_services.load_bundle(bundle, update=True)
    assert AllocationLine.objects.filter(pairing__programme=hubei).count() == 17


def test_an_older_version_is_always_refused(hubei, tmp_path):
    bundle = _bundle_copy(tmp_path)
    _bump(bundle, "2000.1.1")
    with pytest.raises(Conflict, match="older"):
        scenario_services.load_bundle(bundle, update=True)


def _wipe() -> None:
    from pairaid.scenarios.operations_tables import remove_layer

    for programme in Programme.objects.all():
        remove_layer(programme, illustrative=True)
        remove_layer(programme, illustrative=False)
    for model in (AllocationLine, Pairing, CapacityLine, Participant, LoadedBundle, Programme):
        model.objects.all().delete()
    RegionalIndicator.objects.all().delete()
    RegionRename.objects.all().delete()
    while Region.objects.exists():
        Region.objects.filter(children__isnull=True).delete()


def _files(folder: Path) -> dict[str, list[str]]:
    out = {}
    for path in sorted(folder.glob("*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        out[path.name] = [lines[0], *sorted(lines[1:])]
    out["manifest.json"] = [
        json.dumps(json.loads((folder / "manifest.json").read_text()), sort_keys=True)
    ]
    return out


@pytest.mark.parametrize("name", (*BUNDLES, "eastwest-2016"))
def test_export_then_load_into_an_empty_database_reproduces_the_programme(name, tmp_path):
    scenario_services.load_bundle(name)
    first = scenario_services.export_programme(name, tmp_path / "first")
    _wipe()
    assert scenario_services.load_bundle(first).outcome == "loaded"
    second = scenario_services.export_programme(name, tmp_path / "second")
    assert _files(first) == _files(second)
    assert (
        _counts(name)
        == {
            "hubei-2020": (19, 16, 21),
            "wenchuan-2008": (19, 20, 20),
            "wenchuan-2008-emergency": (21, 23, 23),
            "eastwest-2016": (17, 24, 25),
        }[name]
    )


def test_the_bundled_bundle_and_its_export_hold_the_same_records(hubei, tmp_path):
    exported = scenario_services.export_programme("hubei-2020", tmp_path / "out")
    _wipe()
    scenario_services.load_bundle(exported)
    # Loading the original bundle now finds nothing to change.
    assert scenario_services.load_bundle("hubei-2020", update=True).changes == []


def test_a_zipped_bundle_loads(tmp_path):
    archive = shutil.make_archive(
        str(tmp_path / "hubei"), "zip", scenario_services.bundled_path("hubei-2020")
    )
    assert scenario_services.load_bundle(Path(archive)).outcome == "loaded"
    assert _counts("hubei-2020") == (19, 16, 21)


def test_list_shows_bundled_and_loaded_versions(hubei):
    listing = {row.name: row for row in scenario_services.list_bundles()}
    assert listing["hubei-2020"].loaded_version == listing["hubei-2020"].data_version
    assert listing["wenchuan-2008"].loaded_version == ""


def _run_the_programme(hubei: Programme) -> None:
    """Facts of a running programme written through the services: every operations table."""
    import datetime

    from pairaid.operations.services import contacts as contact_services
    from pairaid.operations.services import facilities as facility_services
    from pairaid.operations.services import funds as fund_services
    from pairaid.operations.services import offers as offer_services
    from pairaid.operations.services import reports as report_services
    from pairaid.operations.services import requests as request_services
    from pairaid.operations.services import teams as team_services
    from pairaid.registry.models import ResourceType

    day = datetime.date(2020, 2, 12)
    shandong = Participant.objects.get(programme=hubei, region__code="370000")
    huanggang = Participant.objects.get(programme=hubei, region__code="421100")
    resource = {r.code: r for r in ResourceType.objects.all()}
    site = facility_services.register_facility(
        recipient=huanggang,
        name="Fact hospital",
        beds={"general": 700, "oxygen": 80, "icu": 12, "icu_ventilated": 8},
        ventilators=10,
    )
    # Reported in UTC: the export writes programme time, the load reads the same moment back.
    facility_services.record_snapshot(
        facility=site,
        reported_at=datetime.datetime(2020, 2, 12, 2, 30, tzinfo=datetime.UTC),
        beds={"general": {"open": 700, "occupied": 680}, "icu_ventilated": {"open": 8}},
    )
    request = request_services.raise_request(
        recipient=huanggang,
        lines=[
            request_services.LineIn(resource["icu_nurse"], Decimal(30), "urgent", day),
            request_services.LineIn(resource["n95_mask"], Decimal(1001)),
            request_services.LineIn(resource["cny"], Decimal(200_000)),
        ],
        user=None,
        note="fact request",
    )
    nurses, masks, money = request.lines.order_by("pk")
    staff_pledge = request_services.pledge(
        line=nurses, donor=shandong, quantity=Decimal(30), user=None
    )
    team = team_services.register_team(
        donor=shandong, name="Fact team 1", members={resource["icu_nurse"]: 30}, leader="Leader"
    )
    first = team_services.deploy(team=team, recipient=huanggang, facility=site, pledge=staff_pledge)
    team_services.dispatch_team(deployment=first, on=day)
    team_services.confirm_arrival(deployment=first, on=day)
    relief_team = team_services.register_team(
        donor=shandong, name="Fact team 2", members={resource["icu_nurse"]: 30}
    )
    team_services.deploy(
        team=relief_team,
        recipient=huanggang,
        replaces=first,
        overlap_days=2,
        start=day.replace(day=20),
    )
    shipment = request_services.dispatch(
        pledge=request_services.pledge(
            line=masks, donor=shandong, quantity=Decimal(1001), user=None
        ),
        quantity=Decimal(1000),
        reference="F-1",
        value_cny=Decimal("5000.25"),
    )
    request_services.confirm_receipt(
        shipment=shipment,
        received_quantity=Decimal(990),
        discrepancies=[request_services.DiscrepancyIn("damaged", Decimal(10), "wet")],
    )
    funds = request_services.pledge(
        line=money, donor=shandong, quantity=Decimal(200_000), user=None
    )
    paid = fund_services.disburse_pledge(
        pledge=funds, amount=Decimal("150000.50"), reference="TR-F"
    )
    fund_services.confirm_disbursement(
        disbursement=paid, received_amount=Decimal(150_000), note="fee"
    )
    budget = fund_services.commit_funds(
        donor=shandong, recipient=huanggang, year=2020, amount=Decimal(9), kind="in_kind"
    )
    fund_services.disburse(commitment=budget, amount=Decimal(4), on=day)
    contact_services.add_contact(
        programme=hubei, participant=huanggang, name="Officer", role="liaison"
    )
    contact_services.add_contact(
        programme=hubei, team=team, name="Leader", role="team leader", phone="1"
    )
    contact_services.add_contact(programme=hubei, facility=site, name="Director", role="director")
    report_services.file_report(team=team, on=day, patients_seen=12, deaths=1, shortages="gloves")
    offered = offer_services.make_offer(
        donor=shandong,
        lines=[
            offer_services.OfferLineIn(resource["surgical_mask"], Decimal(5000), max_takes=5),
            offer_services.OfferLineIn(resource["tent"], Decimal(12)),
        ],
        user=None,
        available_until=day.replace(day=28),
        note="fact offer",
    )
    offer_services.withdraw_offer(offer=offered)
    _run_a_project(hubei, shandong, huanggang)


def _run_a_project(hubei: Programme, donor: Participant, recipient: Participant) -> None:
    """A project of the pair with its budget, a result, money committed and spent: every
    projects table, and the ledger's `project` column."""
    import datetime

    from pairaid.accounts.models import User
    from pairaid.operations.services import funds as fund_services
    from pairaid.projects import services as project_services

    who = User.objects.create_user("loader", is_platform_admin=True)
    project = project_services.create_project(
        user=who,
        pairing=Pairing.objects.get(programme=hubei, donor=donor, recipient=recipient),
        title="Fact clinic",
        sector="health",
        location=recipient.region,
        budget={"donor_budget": Decimal("1000000.50"), "donations": Decimal(20_000)},
    )
    project_services.add_result(
        user=who, project=project, name="beds", unit="beds", baseline=Decimal(0), target=Decimal(40)
    )
    pair_money = fund_services.commit_funds(
        donor=donor, recipient=recipient, year=2020, amount=Decimal(50_000), description="clinic"
    )
    project_services.link_commitment(user=who, project=project, commitment=pair_money)
    project_services.move(user=who, project=project, name="start")
    fund_services.disburse(commitment=pair_money, amount=Decimal(30_000))
    project_services.record_expenditure(
        user=who, project=project, amount=Decimal(25_000), on=datetime.date(2020, 2, 12)
    )


def test_export_then_load_reproduces_every_operations_table(hubei, tmp_path):
    from pairaid.scenarios.operations_export import operations_tables

    scenario_services.load_bundle("hubei-2020-demo")
    _run_the_programme(hubei)
    before = operations_tables(hubei, illustrative=None)
    assert all(before.values()), [name for name, rows in before.items() if not rows]
    first = scenario_services.export_programme(
        "hubei-2020", tmp_path / "first", include_illustrative=True
    )
    assert json.loads((first / "manifest.json").read_text())["format_version"] == FORMAT_VERSION
    _wipe()
    assert scenario_services.load_bundle(first).outcome == "loaded"
    after = operations_tables(Programme.objects.get(slug="hubei-2020"), illustrative=None)
    assert after == before
    second = scenario_services.export_programme(
        "hubei-2020", tmp_path / "second", include_illustrative=True
    )
    assert _files(first) == _files(second)


def test_a_programmes_time_zone_and_deadline_survive_export_and_load(hubei, tmp_path):
    import datetime

    scenario_services.load_bundle("hubei-2020-demo")
    hubei.time_zone, hubei.report_deadline = "Europe/Berlin", datetime.time(10, 30)
    hubei.save()
    before = operations_export.operations_tables(hubei, illustrative=None)
    path = scenario_services.export_programme(
        "hubei-2020", tmp_path / "b", include_illustrative=True
    )
    programme = json.loads((path / "manifest.json").read_text())["programme"]
    assert (programme["time_zone"], programme["report_deadline"]) == ("Europe/Berlin", "10:30")
    _wipe()
    scenario_services.load_bundle(path)
    loaded = Programme.objects.get(slug="hubei-2020")
    assert (loaded.time_zone, loaded.report_deadline) == ("Europe/Berlin", datetime.time(10, 30))
    after = operations_export.operations_tables(loaded, illustrative=None)
    assert after["facility_snapshots.csv"] == before["facility_snapshots.csv"]  # Berlin time


def test_the_facts_export_leaves_illustrative_operations_out(hubei, tmp_path):
    scenario_services.load_bundle("hubei-2020-demo")
    facts = scenario_services.export_programme("hubei-2020", tmp_path / "facts")
    assert not (facts / "teams.csv").exists() and not (facts / "requests.csv").exists()
    assert json.loads((facts / "manifest.json").read_text())["format_version"] == 1
    _run_the_programme(hubei)
    facts = scenario_services.export_programme("hubei-2020", tmp_path / "facts-2")
    teams = (facts / "teams.csv").read_text(encoding="utf-8")
    assert "Fact team 1" in teams and "(demo)" not in teams


def test_an_export_after_unapproved_runs_reproduces_the_record(hubei, tmp_path):
    """A run's proposals belong to the run: they are not part of the record the export and the
    loader compare, even where one names the same pair and date as a historical pairing."""
    from pairaid.pairing import options as run_options
    from pairaid.pairing import runs

    before = scenario_services.export_programme("hubei-2020", tmp_path / "before")
    for _ in range(2):
        run = runs.start(
            programme=hubei,
            user=None,
            options=run_options.RunOptions(time_limit_seconds=5, deterministic=True),
            enqueue=lambda run_id: None,
        )
        runs.execute(run.pk)
        assert run.pairings.exists()
        # A proposal for Hebei → Shennongjia sharing the historical pairing's pair and date.
        historical = hubei.pairings.of_record().get(donor__region__code="130000")
        proposal = run.pairings.first()
        proposal.donor, proposal.recipient = historical.donor, historical.recipient
        proposal.valid_from = historical.valid_from
        proposal.save()
    assert scenario_services.load_bundle("hubei-2020").outcome == "unchanged"
    after = scenario_services.export_programme("hubei-2020", tmp_path / "after")
    assert _files(after) == _files(before)
    assert len((after / "pairings.csv").read_text(encoding="utf-8").splitlines()) == 1 + 21


def test_after_one_unapproved_pairaid_plan_load_and_export_keep_to_the_record(hubei, tmp_path):
    """Issue 18, as reproduced: `pairaid plan` once, approved by nobody; `scenario load` then
    called the database edited, and `scenario export` wrote the run's proposals with the
    historical pairs, Hebei → Shennongjia replaced by the proposal of the same pair and date."""
    before = scenario_services.export_programme("hubei-2020", tmp_path / "before")
    with pytest.raises(SystemExit) as ended:
        call_command(
            "plan",
            "hubei-2020",
            "--as-of",
            "2020-02-10",
            "--time-limit",
            "3",
            "--deterministic",
            stdout=io.StringIO(),
        )
    assert ended.value.code == 0
    run = hubei.plan_runs.get()
    assert run.decision == "pending" and run.pairings.filter(status="proposed").exists()
    hebei_shennongjia = hubei.pairings.of_record().get(
        donor__region__code="130000", recipient__region__code="429021"
    )
    # The run proposes on the historical pairings' date; one proposal names their pair too.
    run.pairings.filter(pk=run.pairings.order_by("pk").first().pk).update(
        donor=hebei_shennongjia.donor, recipient=hebei_shennongjia.recipient
    )
    assert run.pairings.filter(valid_from=hebei_shennongjia.valid_from).count() > 1

    loaded = io.StringIO()
    call_command("scenario", "load", "hubei-2020", stdout=loaded)
    assert "nothing changed" in loaded.getvalue()
    call_command("scenario", "export", "hubei-2020", str(tmp_path / "after"), stdout=io.StringIO())

    assert _files(tmp_path / "after") == _files(before)
    with (tmp_path / "after" / "pairings.csv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    assert len(rows) == 21
    assert {(r["status"], r["origin"]) for r in rows} == {("active", "historical")}
    (row,) = [r for r in rows if (r["donor"], r["recipient"]) == ("130000", "429021")]
    assert row["rationale"] == hebei_shennongjia.rationale


def test_the_eastwest_programme_loads_with_its_sourced_pairs_at_several_levels():
    assert scenario_services.load_bundle("eastwest-2016").outcome == "loaded"
    assert _counts("eastwest-2016") == (17, 24, 25)
    eastwest = Programme.objects.get(slug="eastwest-2016")
    assert eastwest.kind == "poverty_alleviation"
    beijing = Pairing.objects.filter(programme=eastwest, donor__region__code="110000")
    assert sorted((p.recipient.region.code, p.recipient.region.level) for p in beijing) == [
        ("130600", "prefecture"),
        ("130700", "prefecture"),
        ("150000", "province"),
    ]
    assert all(p.source is not None for p in eastwest.pairings.all())
    assert eastwest.pairings.filter(certainty="uncertain").count() == 8
