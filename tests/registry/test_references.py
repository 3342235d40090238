"""Region references: one public id, read in full or short form, for coded regions and code-less
areas alike — in the lookup, the regions API and the region pages."""

from typing import Any
from urllib.parse import quote

import pytest

from pairaid.errors import NotFound, ValidationFailed
from pairaid.registry import queries, references
from pairaid.registry.models import Region

GANSU_AREA = "CN:620000/Seriously affected areas of Gansu"
SHAANXI_AREA = "CN:610000/Seriously affected areas of Shaanxi"


@pytest.mark.parametrize(
    ("text", "country", "full", "short"),
    [
        ("CN:421100", "", "CN:421100", "421100"),
        ("421100", "CN", "CN:421100", "421100"),
        (" cn:421100 ", "", "CN:421100", "421100"),
        (GANSU_AREA, "", GANSU_AREA, "620000/Seriously affected areas of Gansu"),
        ("620000/Seriously affected areas of Gansu", "CN", GANSU_AREA, GANSU_AREA[3:]),
        # A colon inside an area's name is part of the name.
        ("620000/Area: north", "CN", "CN:620000/Area: north", "620000/Area: north"),
    ],
)
def test_both_forms_read_to_one_reference(text: str, country: str, full: str, short: str) -> None:
    reference = references.parse(text, country=country)
    assert str(reference) == full
    assert reference.short == short


@pytest.mark.parametrize(
    "text", ["", "   ", "CHN:421100", "1:421100", "/Seriously affected", "620000/", "42 11 00"]
)
def test_anything_else_is_refused_with_what_is_expected(text: str) -> None:
    with pytest.raises(references.InvalidReference) as refused:
        references.parse(text, field="recipient")
    (problem,) = refused.value.problems
    assert problem.column == "recipient"
    assert "expected a region reference" in problem.message
    assert repr(text.strip()) in problem.message


@pytest.mark.django_db
@pytest.mark.parametrize("reference", [GANSU_AREA, SHAANXI_AREA, "CN:510700", "510700"])
def test_the_lookup_finds_areas_and_coded_regions(wenchuan: Any, reference: str) -> None:
    region = queries.region(reference)
    assert region.reference == str(references.parse(reference, country="CN"))


@pytest.mark.django_db
def test_the_lookup_says_what_is_missing(wenchuan: Any) -> None:
    with pytest.raises(NotFound, match="no region CN:620000/Nowhere"):
        queries.region("CN:620000/Nowhere")
    with pytest.raises(ValidationFailed):
        queries.region("")


@pytest.mark.django_db
@pytest.mark.parametrize("reference", [GANSU_AREA, SHAANXI_AREA, "CN:510700"])
def test_the_regions_api_addresses_every_region_by_its_reference(
    client: Any, people: dict[str, Any], reference: str
) -> None:
    client.force_login(people["observer"])
    response = client.get(f"/api/v1/regions/{quote(reference)}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reference"] == reference
    region = Region.objects.get(pk=queries.region(reference).pk)
    assert body["parent"] == (region.parent.reference if region.parent else None)


@pytest.mark.django_db
def test_the_regions_api_lists_an_areas_siblings_by_their_parents_reference(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["observer"])
    listed = client.get("/api/v1/regions", {"parent": "CN:620000", "page_size": 100}).json()
    assert GANSU_AREA in {row["reference"] for row in listed["items"]}
    assert client.get("/api/v1/regions/CN:999999").status_code == 404
    assert client.get("/api/v1/regions/%20").status_code in (400, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("reference", [GANSU_AREA, SHAANXI_AREA])
def test_an_areas_page_opens(client: Any, people: dict[str, Any], reference: str) -> None:
    client.force_login(people["observer"])
    response = client.get(f"/regions/{quote(reference)}/")
    assert response.status_code == 200
    assert "Seriously affected areas" in response.content.decode()
