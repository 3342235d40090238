"""GET /p/<slug>/map.json: the overview's map data, fetched by the page rather than embedded."""

import datetime
import gzip
from typing import Any

import pytest

from pairaid.pairing.models import Pairing

pytestmark = pytest.mark.django_db


def test_the_page_links_the_map_data_instead_of_embedding_it(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["observer"])
    page = client.get("/p/hubei-2020/").content.decode()
    assert 'id="map-data"' not in page
    assert 'data-map="/p/hubei-2020/map.json?date=2020-02-12&amp;resource="' in page


def test_map_data_has_participants_the_plan_in_force_and_the_views(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["donor"])
    response = client.get("/p/hubei-2020/map.json?date=2020-02-12")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    [plan] = data["plans"]
    assert plan["key"] == "in_force"
    in_force = Pairing.objects.filter(programme__slug="hubei-2020").in_force(
        datetime.date(2020, 2, 12)
    )
    assert len(plan["pairs"]) == in_force.count()
    assert {p["role"] for p in data["participants"]} == {"donor", "recipient"}
    assert plan["coverage"] and data["detail_provinces"] == ["420000"]
    by_id = {p["id"]: p for p in data["participants"]}
    assert by_id["421100"]["name"] == "Huanggang"
    in_chinese = client.get("/p/hubei-2020/map.json", headers={"Accept-Language": "zh-hans"})
    assert {p["id"]: p["name"] for p in in_chinese.json()["participants"]}["421100"] == "黄冈市"
    # The recipients' view is Hubei's, far smaller than the one with every donor in it.
    west, south, east, north = data["views"]["recipients"]["box"]
    assert 107 < west < 110 and 113 < east < 117 and 28 < south < 30 and 32 < north < 34
    all_west, all_south, all_east, all_north = data["views"]["all"]["box"]
    assert all_west < west and all_east > east and all_north > north and all_south <= south
    # The boundaries asked for reach past the view, so that the map fills its frame.
    around = data["views"]["recipients"]["around"]
    assert around[0] < west and around[1] < south and around[2] > east and around[3] > north


def test_code_less_areas_are_on_the_map_by_their_points(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["outsider"])
    data = client.get("/p/wenchuan-2008/map.json?date=2009-06-01").json()
    code_less = [p for p in data["participants"] if not p["code"]]
    assert code_less, "wenchuan-2008 has recipients without a GB/T code"
    # Such an area has no point of its own: it is drawn at its province's, marked approximate.
    assert all(p["id"] and p["name"] and p["coord"] and p["approximate"] for p in code_less)
    paired = {recipient for _, recipient in data["plans"][0]["pairs"]}
    assert paired & {p["id"] for p in code_less}
    assert data["views"]["recipients"] and "510000" in data["detail_provinces"]


def test_an_unchanged_map_answers_not_modified_and_a_change_gives_a_new_tag(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["coordinator"])
    first = client.get("/p/hubei-2020/map.json")
    tag = first["ETag"]
    assert client.get("/p/hubei-2020/map.json", headers={"If-None-Match": tag}).status_code == 304
    pairing = Pairing.objects.filter(programme__slug="hubei-2020").first()
    pairing.status = "ended"
    pairing.valid_to = pairing.valid_from
    pairing.save()
    changed = client.get("/p/hubei-2020/map.json", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert len(changed.json()["plans"][0]["pairs"]) == len(first.json()["plans"][0]["pairs"]) - 1


def test_a_programme_the_user_cannot_see_is_not_found(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["outsider"])
    assert client.get("/p/hubei-2020/map.json").status_code == 404
    assert client.get("/p/no-such-programme/map.json").status_code == 404
    client.logout()
    assert client.get("/p/hubei-2020/map.json").status_code == 302  # to the login page


def test_boundaries_are_cached_by_the_browser_and_revalidated(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["observer"])
    first = client.get("/p/hubei-2020/boundaries.json?detail=420000")
    assert first.status_code == 200 and first.json()["features"]
    assert "max-age=86400" in first["Cache-Control"]
    again = client.get(
        "/p/hubei-2020/boundaries.json?detail=420000", headers={"If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304
    other = client.get("/p/hubei-2020/boundaries.json")
    assert other["ETag"] != first["ETag"]
    client.force_login(people["outsider"])
    assert client.get("/p/hubei-2020/boundaries.json").status_code == 404


def test_boundaries_for_a_view_are_clipped_to_its_box_and_cached(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["observer"])
    whole = client.get("/p/hubei-2020/boundaries.json?detail=420000")
    url = "/p/hubei-2020/boundaries.json?detail=420000&box=108.2,29,116.2,33.3&px=800"
    view = client.get(url)
    assert view.status_code == 200 and view["Content-Type"] == "application/json"
    assert len(view.content) < len(whole.content) / 3
    features = view.json()["features"]
    codes = {f["properties"]["code"] for f in features}
    assert "420100" in codes and "650000" not in codes  # Wuhan in, Xinjiang far outside
    for feature in features:
        coordinates = feature["geometry"]["coordinates"]
        polygons = [coordinates] if feature["geometry"]["type"] == "Polygon" else coordinates
        for ring in (ring for polygon in polygons for ring in polygon):
            assert all(108.2 <= x <= 116.2 and 29 <= y <= 33.3 for x, y in ring)
    assert "max-age=86400" in view["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": view["ETag"]}).status_code == 304
    other_box = client.get(url.replace("box=108.2", "box=100"))
    assert other_box["ETag"] not in (view["ETag"], whole["ETag"])


def test_a_finer_view_gets_more_detail(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["observer"])
    url = "/p/hubei-2020/boundaries.json?detail=420000&box=108.2,29,116.2,33.3&px="
    coarse, fine = client.get(url + "200"), client.get(url + "2000")
    assert len(coarse.content) < len(fine.content)
    assert coarse["ETag"] != fine["ETag"]


@pytest.mark.parametrize(
    "asked",
    ["box=1,2,3", "box=a,b,c,d", "box=116,29,108,33", "box=0,0,200,10", "box=108,29,116,33&px=5"],
)
def test_a_bad_view_is_refused(client: Any, people: dict[str, Any], asked: str) -> None:
    client.force_login(people["observer"])
    assert client.get(f"/p/hubei-2020/boundaries.json?{asked}").status_code == 400


def test_the_map_is_compressed_for_a_browser_that_asks(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["observer"])
    for url in ("/p/hubei-2020/map.json", "/p/hubei-2020/boundaries.json?detail=420000"):
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain
        assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 3
        revalidated = client.get(
            url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]}
        )
        assert revalidated.status_code == 304
