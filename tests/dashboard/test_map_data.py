"""GET /p/<slug>/map.json: the overview's map data, fetched by the page rather than embedded."""

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


def test_map_data_has_points_arcs_and_coverage(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["donor"])
    response = client.get("/p/hubei-2020/map.json?date=2020-02-12")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert len(data["arcs"]) == Pairing.objects.filter(programme__slug="hubei-2020").count()
    assert {p["role"] for p in data["points"]} == {"donor", "recipient"}
    assert data["coverage"] and "420000" in data["detail_provinces"]


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
    assert len(changed.json()["arcs"]) == len(first.json()["arcs"]) - 1


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
