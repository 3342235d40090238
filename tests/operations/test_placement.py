"""Placement recommendations on the platform: the problem built from beds now, staffed beds and
the community queue; the recommender's lines turned into transfer requests; who may do what."""

import datetime
import zoneinfo

import pytest
from tests.operations.helpers import participant

from pairaid.accounts import tokens
from pairaid.errors import Forbidden, ValidationFailed
from pairaid.operations.forms import PLACEMENT_DEFAULTS
from pairaid.operations.models import Transfer
from pairaid.operations.queries import placement as placement_queries
from pairaid.operations.queries import placement_map
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.services import placement as placement_services
from pairaid.operations.services import transfers as transfer_services

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ASSUMPTIONS = placement_queries.Assumptions(
    road_kmh=60.0,
    road_factor=1.3,
    max_travel_hours={"general": 3.0, "oxygen": 3.0, "icu": 4.0, "icu_ventilated": 6.0},
)


def at(hour: int) -> datetime.datetime:
    return datetime.datetime(2020, 2, 12, hour, tzinfo=SHANGHAI)


@pytest.fixture
def wards(hubei, people):  # type: ignore[no-untyped-def]
    """Huanggang Central, full, with 6 more general patients than beds; Dabie Mountain in the
    same city with 4 general beds free; Xiaogan Central, next door, with 30 free; and 5 general
    patients waiting at home in Huanggang. No care ratio is known for general wards, so their
    staffed beds are their open beds."""

    def ward(code: str, name: str, open_: int, occupied: int) -> object:
        made = facility_services.register_facility(recipient=participant(code), name=name)
        facility_services.record_snapshot(
            facility=made,
            reported_at=at(9),
            beds={"general": {"open": open_, "occupied": occupied}},
        )
        return made

    made = {
        "central": ward("421100", "Huanggang Central", 100, 106),
        "dabie": ward("421100", "Dabie Mountain", 100, 96),
        "xiaogan": ward("420900", "Xiaogan Central", 100, 70),
    }
    transfer_services.record_queue(
        recipient=participant("421100"),
        acuity="general",
        waiting=5,
        user=people["coordinator"],
        at=at(10),
    )
    return made


def test_the_problem_counts_the_queue_and_the_patients_above_staffed_beds(hubei, wards):
    built = placement_queries.build(hubei, datetime.date(2020, 2, 12), ASSUMPTIONS)
    sites = {s["id"]: s["waiting"] for s in built.document["sites"]}
    central = placement_queries.facility_id(wards["central"])
    queue = f"{placement_queries.QUEUE}{participant('421100').pk}"
    assert sites == {f"{central}{placement_queries.WAITING}": {"general": 6}, queue: {"general": 5}}
    beds = {f["id"]: f["beds"] for f in built.document["facilities"]}
    assert beds[central] == {"general": {"staffed": 100, "occupied": 100}}
    assert beds[placement_queries.facility_id(wards["xiaogan"])] == {
        "general": {"staffed": 100, "occupied": 70}
    }
    hours = {(t["site"], t["facility"]): t["hours"] for t in built.document["travel"]}
    assert 0 < hours[queue, placement_queries.facility_id(wards["xiaogan"])] <= 3.0


def test_a_recommendation_keeps_patients_close_and_becomes_transfer_requests(hubei, wards, people):
    made = placement_services.recommend(
        programme=hubei, user=people["coordinator"], assumptions=ASSUMPTIONS
    )
    result = made.result
    assert made.number == 1 and result["status"] == "optimal"
    assert result["metrics"]["unplaced"] == {
        "icu_ventilated": 0,
        "icu": 0,
        "oxygen": 0,
        "general": 0,
    }
    lines = result["placements"]
    assert sum(p["patients"] for p in lines) == 11
    dabie = placement_queries.facility_id(wards["dabie"])
    # Dabie's 4 free beds are in the patients' own city (tier 1): all are used before Xiaogan's.
    assert sum(p["patients"] for p in lines if p["facility"] == dabie) == 4
    # Xiaogan is another city of the same province: tier 2.
    assert {(p["facility"] == dabie, p["tier"]) for p in lines} == {(True, 1), (False, 2)}

    transfers = placement_services.request_transfers(
        recommendation=made, lines=range(len(lines)), user=people["coordinator"]
    )
    assert sorted(t.requested for t in transfers) == sorted(p["patients"] for p in lines)
    assert all(t.status == Transfer.Status.REQUESTED and t.bed_type == "general" for t in transfers)
    assert {t.sending_facility_id for t in transfers} <= {wards["central"].pk, None}
    with pytest.raises(ValidationFailed, match="already been requested"):
        placement_services.request_transfers(
            recommendation=made, lines=[0], user=people["coordinator"]
        )


def test_only_coordinators_ask_for_a_recommendation(hubei, wards, people):
    for role in ("recipient", "donor", "observer"):
        with pytest.raises(Forbidden):
            placement_services.recommend(
                programme=hubei, user=people[role], assumptions=ASSUMPTIONS
            )


def test_assumptions_out_of_bounds_are_refused_naming_the_field(hubei, wards, people):
    silly = placement_queries.Assumptions(
        road_kmh=2000.0, road_factor=1.3, max_travel_hours={"general": 0.0}
    )
    with pytest.raises(ValidationFailed) as refused:
        placement_services.recommend(programme=hubei, user=people["coordinator"], assumptions=silly)
    assert [p.column for p in refused.value.problems] == ["road_kmh", "max_travel_hours_general"]


def test_the_page_recommends_and_names_places_and_the_lines_become_transfers(
    client, hubei, wards, people
):
    client.force_login(people["coordinator"])
    form = {k: str(v) for k, v in PLACEMENT_DEFAULTS.items()}
    response = client.post("/p/hubei-2020/placement/", form)
    assert response.status_code == 302 and response["Location"].endswith("?number=1")
    page = client.get("/p/hubei-2020/placement/").content.decode()
    assert "Huanggang: community queue" in page and "Huanggang Central (waiting)" in page
    assert "Xiaogan Central" in page
    response = client.post("/p/hubei-2020/placement/1/transfers", {"lines": ["0"]})
    assert response.status_code == 302 and response["Location"].endswith("/transfers/")
    assert Transfer.objects.filter(programme=hubei).count() == 1


def test_the_map_draws_an_arc_per_line_and_each_receiver_at_its_farthest_tier(
    client, hubei, wards, people
):
    made = placement_services.recommend(
        programme=hubei, user=people["coordinator"], assumptions=ASSUMPTIONS
    )
    drawn = placement_map.map_data(made)
    huanggang = participant("421100").region.reference
    xiaogan = participant("420900").region.reference
    lines = made.result["placements"]
    # One arc per line, from the region its patients wait in to the receiving facility's.
    assert [a["line"] for a in drawn["arcs"]] == list(range(1, len(lines) + 1))
    assert {a["from"] for a in drawn["arcs"]} == {huanggang}
    assert {(a["to"], a["tier"]) for a in drawn["arcs"]} == {(huanggang, 1), (xiaogan, 2)}
    assert [a["patients"] for a in drawn["arcs"]] == [p["patients"] for p in lines]
    receivers = {r["region"]: (r["tier"], r["patients"]) for r in drawn["receivers"]}
    assert receivers == {huanggang: (1, 4), xiaogan: (2, 7)}
    assert {r["id"]: r["name"] for r in drawn["regions"]} == {
        huanggang: "Huanggang",
        xiaogan: "Xiaogan",
    }
    assert all(r["coord"] for r in drawn["regions"]) and drawn["view"] is not None
    assert drawn["detail_provinces"] == ["420000"]
    # The page embeds the data and says the same in its table, the tiers in words.
    client.force_login(people["recipient"])
    page = client.get("/p/hubei-2020/placement/").content.decode()
    assert 'id="map-data"' in page and "placement_map.js" in page
    assert "2: within the parent region" in page and "Huanggang (7 patients)" in page


def test_officers_read_recommendations_but_do_not_make_them(client, hubei, wards, people):
    placement_services.recommend(
        programme=hubei, user=people["coordinator"], assumptions=ASSUMPTIONS
    )
    client.force_login(people["recipient"])
    page = client.get("/p/hubei-2020/placement/")
    assert page.status_code == 200 and b"Recommendation 1" in page.content
    assert b'id="recommend"' not in page.content
    form = {k: str(v) for k, v in PLACEMENT_DEFAULTS.items()}
    assert client.post("/p/hubei-2020/placement/", form).status_code == 403


def test_the_api_recommends_reads_and_requests(client, hubei, wards, people):
    key = tokens.create(owner=people["coordinator"], name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    base = "/api/v1/programmes/hubei-2020/placements"
    made = client.post(base, {}, content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    assert made.json()["assumptions"]["road_kmh"] == PLACEMENT_DEFAULTS["road_kmh"]
    listed = client.get(base, **headers).json()
    assert [r["number"] for r in listed["items"]] == [1] and listed["count"] == 1
    one = client.get(f"{base}/1", **headers).json()
    assert one["result"]["kind"] == "placement"
    requested = client.post(
        f"{base}/1/transfers", {"lines": [0]}, content_type="application/json", **headers
    )
    assert requested.status_code == 201 and requested.json() == {"transfers": [1]}
    assert client.get(f"{base}/9", **headers).status_code == 404
