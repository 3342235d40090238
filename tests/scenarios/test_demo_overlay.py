"""The hubei-2020-demo overlay (format 2): a programme in motion, every record illustrative."""

import datetime
import json
import shutil

import pytest

from pairaid.errors import ValidationFailed
from pairaid.operations.models import (
    DailyReport,
    Deployment,
    Facility,
    FacilitySnapshot,
    Request,
    Shipment,
    Team,
)
from pairaid.operations.queries import gaps as gap_queries
from pairaid.operations.queries import league as league_queries
from pairaid.operations.queries import reports as report_queries
from pairaid.programmes.models import CapacityLine
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db
ON = datetime.date(2020, 2, 12)


@pytest.fixture
def demo(hubei):  # type: ignore[no-untyped-def]
    assert scenario_services.load_bundle("hubei-2020-demo").outcome == "loaded"
    return hubei


def test_the_overlay_adds_operations_flagged_illustrative(demo):
    assert Team.objects.filter(programme=demo).count() == 4
    assert all(t.illustrative for t in Team.objects.all())
    assert all(s.illustrative for s in Shipment.objects.all())
    assert Request.objects.filter(programme=demo).count() == 4
    assert DailyReport.objects.count() == 3
    # Staff per donor stays the real figure.
    assert (
        sum(line.quantity for line in CapacityLine.objects.filter(participant__programme=demo))
        == 7405
    )
    assert scenario_services.load_bundle("hubei-2020-demo").outcome == "unchanged"


def test_the_demo_shows_gaps_a_short_receipt_and_the_league(demo):
    gaps = {(g.recipient.region.code, g.resource.code): g for g in gap_queries.gaps(demo, ON)}
    masks = gaps[("421100", "n95_mask")]
    # Requests 1 and 3 ask for 130,000 masks (more than the 50,000 need assessed): 80,500 open.
    assert (masks.received, masks.in_transit, masks.gap) == (49500, 0, 80500)
    assert (
        gaps[("421100", "icu_nurse")].on_duty == 150
    )  # Shandong team 1 is on duty; team 2 in transit
    rows = {r.donor.region.code: r for r in league_queries.league_table(demo, ON)}
    assert rows["430000"].already_present  # Hunan's team arrived before the pairing of 2020-02-10
    assert rows["370000"].staff_deployed == 300 and rows["370000"].days_to_first_arrival == 1
    _, overdue = report_queries.report_summary(demo, ON)
    assert overdue == [
        "Chongqing medical team 1 (demo) (Xiaogan)",
        "Hunan medical team 1 (demo) (Huanggang)",
    ]


def test_a_newer_overlay_version_replaces_the_layer(demo, tmp_path):
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["data_version"] = "2099.1.1"
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    lines = (bundle / "reports.csv").read_text().splitlines()
    (bundle / "reports.csv").write_text("\n".join(lines[:-1]) + "\n")
    assert scenario_services.load_bundle(bundle, update=True).outcome == "updated"
    assert DailyReport.objects.count() == 2 and Team.objects.count() == 4
    assert Deployment.objects.count() == 4


def test_bad_operations_rows_are_reported_and_nothing_is_written(hubei, tmp_path):
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    text = (
        (bundle / "deployments.csv")
        .read_text()
        .replace("Shandong medical team 2 (demo),421100", "No such team,421100")
    )
    (bundle / "deployments.csv").write_text(text)
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(bundle)
    assert (
        "deployments.csv, row 3, column team: no team 'No such team' of CN:370000 in teams.csv"
        in [str(p) for p in failure.value.problems]
    )
    assert not Team.objects.exists() and not Request.objects.exists()


def test_operations_tables_need_format_2(hubei, tmp_path):
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["format_version"] = 1
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValidationFailed, match="needs format_version 2"):
        scenario_services.load_bundle(bundle)


def _as_format(bundle, version: int) -> None:  # type: ignore[no-untyped-def]
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["format_version"] = version
    (bundle / "manifest.json").write_text(json.dumps(manifest))


def test_a_format_2_bundle_is_read_and_its_beds_converted_by_type(hubei, tmp_path):
    """Format 2 counted all beds (ICU included) and ICU beds, and dated its snapshots."""
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    _as_format(bundle, 2)
    (bundle / "facilities.csv").write_text(
        "recipient,name,kind,beds,icu_beds\n421100,Old Hospital,hospital,1000,60\n"
        + "".join(f"{code},{name},hospital,,\n" for code, name in _DEMO_FACILITIES)
    )
    (bundle / "facility_snapshots.csv").write_text(
        "recipient,facility,date,beds_available,beds_occupied,icu_available,icu_occupied\n"
        "421100,Old Hospital,2020-02-11,1000,990,60,62\n"
    )
    scenario_services.load_bundle(bundle)
    hospital = Facility.objects.get(name="Old Hospital")
    beds = {b.bed_type: b.beds for b in hospital.bed_counts.all()}
    assert beds == {"general": 940, "icu": 60}
    snapshot = hospital.snapshots.get()
    assert snapshot.reported_at == datetime.datetime(2020, 2, 11, 4, 0, tzinfo=datetime.UTC)
    figures = {b.bed_type: (b.open, b.occupied) for b in snapshot.beds.all()}
    assert figures == {"general": (940, 928), "icu": (60, 62)}


_DEMO_FACILITIES = [  # what the overlay's deployments name
    ("421100", "Dabie Mountain Regional Medical Centre (demo)"),
    ("421100", "Huanggang temporary treatment site (demo)"),
    ("421100", "Huanggang Central Hospital (demo)"),
    ("420900", "Xiaogan Central Hospital (demo)"),
]


def test_format_2_columns_in_a_format_3_bundle_are_named(hubei, tmp_path):
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    (bundle / "facilities.csv").write_text(
        "recipient,name,kind,beds,icu_beds\n421100,Old Hospital,hospital,1000,60\n"
    )
    (bundle / "facility_snapshots.csv").unlink()
    with pytest.raises(ValidationFailed, match="a format 2 column; format 3 has beds_general"):
        scenario_services.load_bundle(bundle)


def test_the_demo_has_facilities_above_85_percent_occupied(demo):
    """The overlay's reports are sized so that the demo shows crowded hospitals."""
    crowded = {
        s.facility.name
        for s in FacilitySnapshot.objects.select_related("facility").prefetch_related("beds")
        if sum(b.occupied or 0 for b in s.beds.all())
        > 0.85 * sum(b.open or 0 for b in s.beds.all())
    }
    assert len(crowded) >= 2


def test_the_demo_shows_facilities_short_of_icu_staff(demo):
    """Hand-computed from the demo's facilities (own staff), its teams on duty on 2020-02-12,
    its latest bed reports and hubei-2020's ICU ratios (0.8 doctors, 3 nurses per bed)."""
    from pairaid.operations.queries import facilities as facility_queries
    from pairaid.operations.queries import staffing as staffing_queries

    facilities = list(facility_queries.facilities(demo))
    staffing, pools = staffing_queries.staffing(demo, ON, facilities)
    by_name = {
        f.name: {b.bed_type: (b.staffed, b.binding) for b in staffing[f.pk].beds}
        for f in facilities
    }
    # Dabie: own 20 ICU doctors and 60 ICU nurses + Shandong team 1 (30, 150): 50 and 210
    # cover the 20 ventilated beds open (16 doctors, 60 nurses) and the 40 ICU beds open.
    assert by_name["Dabie Mountain Regional Medical Centre (demo)"] == {
        "general": (700, "open_beds"),
        "oxygen": (240, "open_beds"),
        "icu": (40, "open_beds"),
        "icu_ventilated": (20, "open_beds"),
    }
    # Huanggang Central: Hunan's team brought ward staff only; its own 20 ICU doctors and 60
    # ICU nurses run the 15 ventilated beds (12 doctors, 45 nurses); the 15 nurses left run 5
    # of its 25 ICU beds.
    assert by_name["Huanggang Central Hospital (demo)"]["icu_ventilated"] == (15, "open_beds")
    assert by_name["Huanggang Central Hospital (demo)"]["icu"] == (5, "nurses")
    # Xiaogan: Chongqing sent 100 ICU nurses but no ICU doctor; its own 16 ICU doctors run the
    # 20 ventilated beds (16 doctors) and none is left for its 30 ICU beds.
    assert by_name["Xiaogan Central Hospital (demo)"]["icu_ventilated"] == (20, "open_beds")
    assert by_name["Xiaogan Central Hospital (demo)"]["icu"] == (0, "doctors")
    # The field hospital reports general beds only; no ratio: they rest on the beds alone.
    site = by_name["Huanggang temporary treatment site (demo)"]
    assert site["general"] == (500, "open_beds") and site["icu"] == (None, "unknown_open_beds")
    assert pools == []  # every team on duty is at a facility


def test_the_demo_has_patients_waiting_at_home_and_a_placement_for_them(demo):
    from pairaid.accounts.models import User
    from pairaid.operations.models import QueueEntry
    from pairaid.operations.queries import transfers as transfer_queries
    from pairaid.operations.queries.placement import Assumptions
    from pairaid.operations.services import placement as placement_services

    assert QueueEntry.objects.count() == 5 and all(q.illustrative for q in QueueEntry.objects.all())
    waiting = {
        (q.recipient.region.code, q.acuity): q.waiting
        for q in transfer_queries.community_queue(demo)
    }
    assert waiting[("421100", "oxygen")] == 35 and waiting[("420900", "general")] == 40
    admin = User.objects.create_user("root", "root@example.org", "a-long-password-1")
    admin.is_platform_admin = True
    admin.save()
    made = placement_services.recommend(
        programme=demo,
        user=admin,
        assumptions=Assumptions(60.0, 1.3, {"general": 3.0, "oxygen": 3.0, "icu": 4.0}),
    )
    assert made.result["status"] == "optimal" and made.result["placements"]


def test_bad_community_queue_cells_are_named(hubei, tmp_path):
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    text = (bundle / "community_queue.csv").read_text()
    text = text.replace("421100,general,60,", "421100,sofa,-1,")
    (bundle / "community_queue.csv").write_text(text)
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(bundle)
    problems = [str(p) for p in failure.value.problems]
    assert any(
        p.startswith("community_queue.csv, row 2, column acuity: expected a bed type")
        for p in problems
    )
    assert any(
        p.startswith("community_queue.csv, row 2, column waiting: expected a whole")
        for p in problems
    )
    assert not Facility.objects.exists()


def test_the_demo_has_offers_that_fall_short_of_what_is_asked(demo):
    """Four donors offer goods; of what the open requests still need (asked less pledged),
    the offers cover only part, and some goods are offered that nobody asked for: the matcher
    has something to decide."""
    from collections import Counter
    from decimal import Decimal

    from pairaid.operations.models import Offer, RequestLine
    from pairaid.operations.queries import offers as offer_queries
    from pairaid.operations.queries.requests import pledged

    offers = Offer.objects.filter(programme=demo)
    assert all(o.illustrative for o in offers)
    assert {o.donor.region.code for o in offers} == {"370000", "430000", "500000", "230000"}
    left: Counter[str] = Counter()
    for offer in offers:
        for line in offer.lines.all():
            left[line.resource_type.code] += offer_queries.remaining(line)
    still_needed: Counter[str] = Counter()
    for line in RequestLine.objects.filter(request__programme=demo, request__status="open"):
        still_needed[line.resource_type.code] += line.quantity - pledged(line)
    # Shandong's 70,000 masks: 30,000 already pledged to Huanggang's request 1 from the lot.
    assert left["n95_mask"] == Decimal(40000 + 30000 + 20000)
    for goods in ("n95_mask", "protective_suit", "ventilator"):
        assert 0 < left[goods] < still_needed[goods], goods
    assert {"surgical_mask", "test_kit"} <= {code for code in left if not still_needed[code]}


def test_the_demo_shows_two_hospitals_red_one_yellow_and_patients_waiting(demo):
    """On the demo date, by the programme's thresholds (yellow from 85 %, red from 95 %): the
    Dabie centre (98 % of its beds, its ICU over capacity) and Huanggang Central (97 %) are red,
    Xiaogan Central (86 %, its report of 02-11: it is overdue) yellow, the field hospital green;
    99 patients wait at home in Huanggang and 58 in Xiaogan."""
    from pairaid.operations.queries import facilities as facility_queries
    from pairaid.operations.queries import occupancy
    from pairaid.operations.queries import transfers as transfer_queries
    from pairaid.operations.queries.occupancy import Level, Occupancy

    levels = {}
    for r in facility_queries.responsibility_matrix(demo, ON):
        by_type = occupancy.by_bed_type(demo, r.beds_now)
        total = sum((c.figures for c in by_type), Occupancy(0, 0))
        worst = max(by_type, key=lambda c: list(Level).index(c.level) if c.level else -1)
        # Full overall and on its fullest ward alike: the colour does not hang on how it is read.
        assert worst.level == occupancy.level(demo, total), r.facility.name
        levels[r.facility.name] = (total.percent, worst.level)
    assert levels == {
        "Dabie Mountain Regional Medical Centre (demo)": (98, Level.RED),
        "Huanggang Central Hospital (demo)": (97, Level.RED),
        "Huanggang temporary treatment site (demo)": (80, Level.GREEN),
        "Xiaogan Central Hospital (demo)": (86, Level.YELLOW),
    }
    waiting = {q.region.code: q.waiting for q in transfer_queries.queues_by_region(demo).values()}
    assert waiting == {"421100": 99, "420900": 58}
