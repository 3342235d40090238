"""GET /api/v1/programmes/<slug>/pairings is routed to `pairings_page` before ninja.

A token holder's cached page is served there, with the decisions and bytes of ninja's
`list_pairings`; every other request is handed to ninja unchanged. These tests prove the
bytes and headers are the same, and that what the fast path must not judge reaches ninja.
"""

from typing import Any

import pytest

from pairaid.accounts import tokens
from pairaid.pairing import api as pairing_api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_cache")]

URL = "/api/v1/programmes/hubei-2020/pairings"


@pytest.fixture
def handed_on(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The query strings of the requests handed on to ninja."""
    seen: list[str] = []
    routes = pairing_api._ninja_routes()

    class Counting:
        def resolve(self, path: str) -> Any:
            match = routes.resolve(path)
            func = match.func

            def counted(request: Any, *args: Any, **kwargs: Any) -> Any:
                seen.append(request.META.get("QUERY_STRING", ""))
                return func(request, *args, **kwargs)

            match.func = counted
            return match

    monkeypatch.setattr(pairing_api, "_ninja_routes", lambda: Counting())
    return seen


@pytest.fixture
def key(people: dict[str, Any]) -> str:
    return tokens.create(owner=people["observer"], name="test")[1]


def _get(client: Any, key: str, query: str = "") -> Any:
    return client.get(f"{URL}{query}", headers={"Authorization": f"Bearer {key}"})


def _same(first: Any, second: Any) -> None:
    assert second.status_code == first.status_code
    assert second.content == first.content
    assert dict(second.headers) == dict(first.headers)


@pytest.mark.parametrize("query", ["", "?page=2", "?page_size=7&page=3", "?status=ended&page=1"])
def test_a_cached_page_is_served_before_ninja_with_its_bytes(
    client: Any, key: str, handed_on: list[str], query: str
) -> None:
    first = _get(client, key, query)  # computed by ninja, and cached
    second = _get(client, key, query)
    assert first.status_code == 200
    _same(first, second)
    assert handed_on == [query.lstrip("?")]  # the second never reached ninja


def test_the_same_page_through_a_session_reaches_ninja_and_matches(
    client: Any, key: str, people: dict[str, Any], handed_on: list[str]
) -> None:
    by_token = _get(client, key, "?page=2")
    client.force_login(people["coordinator"])
    by_session = client.get(f"{URL}?page=2")
    assert by_session.content == by_token.content
    assert handed_on == ["page=2", "page=2"]


@pytest.mark.parametrize(
    "query",
    [
        "?page=0",  # ninja refuses it (422)
        "?page=01",  # ninja reads it as 1: left to ninja to say so
        "?page=x",
        "?page_size=0",
        "?page=1&page=2",  # ninja reads one of them: not guessed here
        "?page=1&sort=id",  # an unknown parameter
        "?page=%201",
    ],
)
def test_an_unusual_query_is_answered_by_ninja(
    client: Any, key: str, handed_on: list[str], query: str
) -> None:
    first = _get(client, key, query)
    second = _get(client, key, query)
    _same(first, second)
    assert len(handed_on) == 2


def test_refusals_are_ninjas(
    client: Any, people: dict[str, Any], key: str, handed_on: list[str]
) -> None:
    _get(client, key)  # the page is cached from here on
    outsider = tokens.create(owner=people["outsider"], name="test")[1]
    token = tokens.create(owner=people["donor"], name="test")
    tokens.revoke(actor=people["donor"], token_id=token[0].pk)
    assert _get(client, outsider).status_code == 404
    revoked = _get(client, token[1])
    assert revoked.status_code == 401
    assert revoked.json() == {"detail": "Unauthorized"}
    assert _get(client, "pa_not-a-token").status_code == 401
    wrong_scheme = client.get(URL, headers={"Authorization": f"Token {key}"})
    assert wrong_scheme.status_code == 401
    posted = client.post(URL, headers={"Authorization": f"Bearer {key}"})
    assert posted.status_code == 405
    unknown = client.get(
        "/api/v1/programmes/no-such/pairings", headers={"Authorization": f"Bearer {key}"}
    )
    assert unknown.status_code == 404
    assert len(handed_on) == 7


def test_the_openapi_schema_still_describes_the_endpoint(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/programmes/{slug}/pairings"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"slug", "status", "page", "page_size"}
