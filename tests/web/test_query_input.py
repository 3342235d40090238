"""A page's query string is read by a small form: a bad date, year, page, resource or choice is
a 400 that names the parameter and says what was expected, never a 500 (`/gaps/?year=abc` was
one) and never silently another page."""

import pytest

pytestmark = pytest.mark.django_db

BAD = [
    ("/p/hubei-2020/gaps/?year=abc", "year"),
    ("/p/hubei-2020/gaps/?year=²", "year"),
    ("/p/hubei-2020/gaps/?year=99999999999999999999", "year"),
    ("/p/hubei-2020/gaps/?date=2020-02-30", "date"),
    ("/p/hubei-2020/requests/?date=abc", "date"),
    ("/p/hubei-2020/facilities/?date=12/02/2020", "date"),
    ("/p/hubei-2020/reports/?date=abc", "date"),
    ("/p/hubei-2020/league/?date=abc", "date"),
    ("/p/hubei-2020/league/?sort=__class__", "sort"),
    ("/p/hubei-2020/league/?format=xlsx", "format"),
    ("/p/hubei-2020/operations-workbook/?csv=../secrets", "csv"),
    ("/p/hubei-2020/?date=abc", "date"),
    ("/p/hubei-2020/?resource=no_such_thing", "resource"),
    ("/p/hubei-2020/?pairs=²", "pairs"),
    ("/p/hubei-2020/?recipients=-1", "recipients"),
    ("/p/hubei-2020/map.json?resource=no_such_thing", "resource"),
    ("/p/hubei-2020/participants/?page=abc", "page"),
    ("/p/hubei-2020/participants/?role=bogus", "role"),
]

GOOD = [
    "/p/hubei-2020/gaps/?year=2020&date=2020-02-12",
    "/p/hubei-2020/requests/?date=2020-02-12",
    "/p/hubei-2020/league/?sort=coverage&date=2020-02-12",
    "/p/hubei-2020/league/?format=csv",
    "/p/hubei-2020/operations-workbook/?csv=teams",
    "/p/hubei-2020/?resource=icu_nurse&pairs=2&recipients=1",
    "/p/hubei-2020/map.json?date=2020-02-12&resource=icu_nurse",
    "/p/hubei-2020/participants/?role=donor&page=1",
    "/p/hubei-2020/participants/?page=999",  # past the end: the last page, as before
]


@pytest.mark.parametrize("url, name", BAD)
def test_a_bad_query_value_is_a_400_that_names_it(client, people, url, name):  # type: ignore[no-untyped-def]
    client.force_login(people["observer"])
    response = client.get(url)
    assert response.status_code == 400, response.content.decode()[:1000]
    assert any(problem.column == name for problem in response.context["problems"])


@pytest.mark.parametrize("url", GOOD)
def test_good_query_values_still_serve_the_page(client, people, url):  # type: ignore[no-untyped-def]
    client.force_login(people["observer"])
    assert client.get(url).status_code == 200
