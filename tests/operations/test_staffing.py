"""Staffed beds on the Facilities page and in its API: own staff and the teams on duty at a
facility run its beds under the programme's care ratios; a team in a region at no facility is a
regional pool; coordinators keep the care-ratio table."""

import datetime
from decimal import Decimal

import pytest
from tests.operations.helpers import READ, ROLES, call, participant, resource

from pairaid.operations.models import CareRatio
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.services import staffing as staffing_services
from pairaid.operations.services import teams as team_services
from pairaid.registry.models import Source

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"
ON = "2020-02-12"
COORDINATORS_WRITE = dict(zip(ROLES, [200, 200, 403, 403, 403, 404, 401], strict=True))
ICU = staffing_services.RatioFigures(Decimal("0.8"), Decimal(3), "headcount", "icu-guide")


@pytest.fixture
def icu_guide(hubei):  # type: ignore[no-untyped-def]
    return Source.objects.create(key="icu-guide", title="An ICU staffing guide (test)")


@pytest.fixture
def hospital(hubei, icu_guide):  # type: ignore[no-untyped-def]
    """Huanggang's hospital: 20 ICU beds open (10 ventilated, 6 ventilators), 100 general; its
    own 4 ICU doctors and 12 ICU nurses, and 10 nurses; ICU ratios 0.8 doctors and 3 nurses per
    bed; the general ward has no ratio."""
    hospital = facility_services.register_facility(
        recipient=participant("421100"),
        name="Huanggang Central Hospital",
        beds={"general": 100, "icu": 10, "icu_ventilated": 10},
        ventilators=6,
        staff={"icu_doctor": 4, "icu_nurse": 12, "nurse": 10},
    )
    facility_services.record_snapshot(
        facility=hospital,
        reported_at=datetime.datetime.fromisoformat("2020-02-11T09:00:00+08:00"),
        beds={
            "general": {"open": 100, "occupied": 90},
            "icu": {"open": 10, "occupied": 10},
            "icu_ventilated": {"open": 10, "occupied": 6},
        },
    )
    staffing_services.set_care_ratios(programme=hubei, rows={"icu": ICU, "icu_ventilated": ICU})
    return hospital


def _team(donor: str, name: str, **members: int):  # type: ignore[no-untyped-def]
    return team_services.register_team(
        donor=participant(donor),
        name=name,
        members={resource(code): count for code, count in members.items()},
    )


def _arrive(team, recipient, facility=None):  # type: ignore[no-untyped-def]
    deployment = team_services.deploy(
        team=team, recipient=recipient, facility=facility, start=datetime.date(2020, 2, 10)
    )
    team_services.dispatch_team(deployment=deployment, on=datetime.date(2020, 2, 10))
    return team_services.confirm_arrival(deployment=deployment, on=datetime.date(2020, 2, 11))


def _row(client, keys):  # type: ignore[no-untyped-def]
    body = call(client, keys, "observer", "get", f"{BASE}/facilities?date={ON}").json()
    return body["items"][0]


def _staffed(row):  # type: ignore[no-untyped-def]
    return {t: (s["staffed"], s["binding"]) for t, s in row["staffed"].items()}


def test_own_staff_alone_run_few_icu_beds(client, keys, hospital):
    # 4 ICU doctors cover 5 beds, 12 ICU nurses 4: the 6 ventilators allow 6 ventilated beds,
    # the nurses 4 (using 3.2 doctors and all 12 nurses); no nurse is left for the ICU beds.
    row = _row(client, keys)
    assert row["staff"] == {"icu_doctor": 4, "icu_nurse": 12, "nurse": 10}
    assert _staffed(row) == {
        "general": (100, "open_beds"),
        "oxygen": (None, "unknown_open_beds"),
        "icu": (0, "nurses"),
        "icu_ventilated": (4, "nurses"),
    }
    assert row["staffed"]["general"]["beds_alone"] is True
    assert row["staffed"]["icu"]["unrated"] == []


def test_a_team_on_duty_at_the_facility_adds_to_its_staff(client, keys, hospital):
    team = _team("370000", "Shandong team 1", icu_doctor=8, icu_nurse=30, nurse=20)
    _arrive(team, hospital.recipient, hospital)
    # 12 ICU doctors and 42 ICU nurses: 6 ventilated beds (the ventilators bind; they take 4.8
    # doctors and 18 nurses), then the ICU beds: the 7.2 doctors left cover 9, the 24 nurses 8.
    row = _row(client, keys)
    assert row["staff_on_duty"] == {"nurse": 30, "icu_doctor": 12, "icu_nurse": 42}
    assert _staffed(row)["icu_ventilated"] == (6, "ventilators")
    assert _staffed(row)["icu"] == (8, "nurses")
    # Before it arrived (the day before), only the hospital's own staff count.
    earlier = call(client, keys, "observer", "get", f"{BASE}/facilities?date=2020-02-10").json()
    assert earlier["items"][0]["staff_on_duty"] == {"nurse": 10, "icu_doctor": 4, "icu_nurse": 12}


def test_ward_staff_never_staff_icu_beds(client, keys, hospital):
    _arrive(_team("370000", "Ward team", doctor=50, nurse=200), hospital.recipient, hospital)
    assert _staffed(_row(client, keys))["icu"] == (0, "nurses")
    assert _staffed(_row(client, keys))["icu_ventilated"] == (4, "nurses")


def test_a_ratio_without_a_source_is_not_applied(client, keys, hospital, hubei):
    CareRatio.objects.filter(programme=hubei).update(source=None)
    row = _row(client, keys)
    assert _staffed(row)["icu"] == (10, "open_beds")
    assert row["staffed"]["icu"]["beds_alone"] is True


def test_a_team_at_no_facility_is_a_regional_pool(client, keys, hospital):
    _arrive(_team("370000", "Shandong pool", doctor=5, icu_nurse=7), participant("421100"))
    pools = call(client, keys, "observer", "get", f"{BASE}/staff-pools?date={ON}").json()
    assert pools["items"] == [{"region": "CN:421100", "staff": {"doctor": 5, "icu_nurse": 7}}]
    # It staffs no beds.
    assert _row(client, keys)["staff_on_duty"] == {"icu_doctor": 4, "icu_nurse": 12, "nurse": 10}


def test_the_page_shows_staffed_beds_what_binds_and_the_pools(client, people, hospital):
    _arrive(_team("370000", "Shandong pool", doctor=5), participant("421100"))
    client.force_login(people["observer"])
    page = client.get(f"/p/hubei-2020/facilities/?date={ON}").content.decode()
    assert 'data-bed-type="icu_ventilated" data-binding="nurses"' in page
    assert "nurses bind" in page and "no care ratio: on beds alone" in page
    assert 'id="pools"' in page and "Huanggang" in page
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(f"/p/hubei-2020/facilities/?date={ON}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "护士不足" in chinese.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_care_ratios_and_only_coordinators_change_them(
    client, keys, hospital, role
):
    url = f"{BASE}/care-ratios"
    read = call(client, keys, role, "get", url)
    assert read.status_code == READ[role]
    body = {"ratios": {"icu": {"doctors_per_bed": "1", "nurses_per_bed": "2.5"}}}
    changed = call(client, keys, role, "put", url, body)
    assert changed.status_code == COORDINATORS_WRITE[role]
    if changed.status_code == 200:
        assert changed.json() == {
            "ratios": {
                "icu": {
                    "doctors_per_bed": "1.000",
                    "nurses_per_bed": "2.500",
                    "counts": "headcount",
                    "source": None,
                    "applied": False,
                    "source_title": None,
                    "source_url": None,
                }
            }
        }


def test_the_care_ratios_read_as_stored(client, keys, hospital):
    body = call(client, keys, "observer", "get", f"{BASE}/care-ratios").json()
    assert body["ratios"]["icu"] == {
        "doctors_per_bed": "0.800",
        "nurses_per_bed": "3.000",
        "counts": "headcount",
        "source": "icu-guide",
        "applied": True,
        "source_title": "An ICU staffing guide (test)",
        "source_url": None,
    }
    assert set(body["ratios"]) == {"icu", "icu_ventilated"}


@pytest.mark.parametrize(
    ("ratio", "field"),
    [
        ({"nurses_per_bed": "0"}, "nurses_per_bed"),
        ({"doctors_per_bed": "0.1234"}, "doctors_per_bed"),
        ({"counts": "per_shift"}, "counts"),
        ({"source": "nowhere"}, "source"),
    ],
)
def test_bad_care_ratios_are_refused_naming_the_field(client, keys, hospital, ratio, field):
    body = {"ratios": {"icu": {"doctors_per_bed": "0.8", **ratio}}}
    response = call(client, keys, "coordinator", "put", f"{BASE}/care-ratios", body)
    assert response.status_code == 400
    assert field in str(response.json()["detail"])
    assert CareRatio.objects.get(bed_type="icu").doctors_per_bed == Decimal("0.8")


def test_the_care_ratios_page(client, people, hospital):
    client.force_login(people["recipient"])
    page = client.get("/p/hubei-2020/care-ratios/")
    assert page.status_code == 200 and "An ICU staffing guide (test)" in page.content.decode()
    assert 'id="edit-care-ratios"' not in page.content.decode()
    assert client.post("/p/hubei-2020/care-ratios/", {}).status_code == 403
    client.force_login(people["coordinator"])
    saved = client.post(
        "/p/hubei-2020/care-ratios/",
        {"doctors_per_bed_icu": "1", "nurses_per_bed_icu": "2.5", "source_icu": "icu-guide"},
    )
    assert saved.status_code == 302
    assert [(r.bed_type, r.doctors_per_bed, r.nurses_per_bed) for r in CareRatio.objects.all()] == [
        ("icu", Decimal("1.000"), Decimal("2.500"))
    ]
    refused = client.post("/p/hubei-2020/care-ratios/", {"nurses_per_bed_icu": "-1"})
    assert refused.status_code == 400


def test_a_recipient_officer_edits_its_own_facilitys_staff_only(client, keys, hospital):
    url = f"{BASE}/facilities/{hospital.pk}"
    etag = call(client, keys, "recipient", "get", url)["ETag"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {keys['recipient']}", "HTTP_IF_MATCH": etag}
    edited = client.patch(
        url, {"staff": {"icu_nurse": 30, "nurse": None}}, content_type="application/json", **headers
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["staff"] == {"icu_doctor": 4, "icu_nurse": 30}
    other = facility_services.register_facility(recipient=participant("420900"), name="Xiaogan")
    headers["HTTP_IF_MATCH"] = call(
        client, keys, "recipient", "get", f"{BASE}/facilities/{other.pk}"
    )["ETag"]
    refused = client.patch(
        f"{BASE}/facilities/{other.pk}",
        {"staff": {"nurse": 3}},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 403
