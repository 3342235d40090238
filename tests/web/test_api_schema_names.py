"""Every API schema has its own name. Django Ninja names an OpenAPI component after the schema
class alone, so two classes called `LineOut` in two modules become one component: the document
then describes one room's lines with the other room's fields, and a client built from it (or the
fuzz test) rejects real answers. This caught `LineOut` and `ListedOut` written twice."""

from collections import Counter
from collections.abc import Iterator

from ninja import Schema

import pairaid.api


def _subclasses(cls: type) -> Iterator[type]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _our_schemas() -> set[type]:
    return {cls for cls in _subclasses(Schema) if cls.__module__.startswith("pairaid.")}


def test_the_walk_finds_the_schemas_of_every_room() -> None:
    rooms = {cls.__module__.split(".")[1] for cls in _our_schemas()}
    assert {"operations", "programmes", "pairing", "accounts"} <= rooms


def test_no_two_schemas_share_a_name() -> None:
    names = Counter(cls.__name__ for cls in _our_schemas())
    shared = {
        name: sorted(cls.__module__ for cls in _our_schemas() if cls.__name__ == name)
        for name, count in names.items()
        if count > 1
    }
    assert not shared, f"schema names written twice (rename one of each): {shared}"


def test_each_schema_is_one_component_of_the_document() -> None:
    components = pairaid.api.api.get_openapi_schema()["components"]["schemas"]
    assert "MatchingLineOut" in components
    assert components["LineOut"]["properties"].keys() >= {"requested", "pledged", "received"}
