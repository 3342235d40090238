"""Reading matching problems: the JSON format of docs/problem-format.md ("Matching"), every
input error collected with its path, as `engine.io` does for pairing problems."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pairaid.engine.errors import ProblemInvalid
from pairaid.engine.io import _Reader
from pairaid.engine.matching.model import DEFAULT_NEAREST, Lot, MatchingProblem, Need

MATCHING_KIND = "matching"
_TOP_FIELDS = {
    "kind",
    "schema_version",
    "name",
    "lots",
    "needs",
    "distances",
    "follow_pairing",
    "pairs",
    "options",
}


class _MatchingReader(_Reader):
    def quantity(self, value: Any, path: str, *, positive: bool) -> float:
        errors_before = len(self.errors)
        number = self.number(value, path)
        if len(self.errors) > errors_before:
            return 0.0  # not a number: its one error says so, not a second about its size
        if positive and number <= 0:
            self.error("not_positive", path=path, value=number)
        elif number < 0:
            self.error("too_small", path=path, minimum=0, value=number)
        return max(0.0, number)

    def required(self, data: Mapping[str, Any], path: str, names: tuple[str, ...]) -> None:
        for name in names:
            if name not in data:
                self.error("required", path=f"{path}.{name}" if path else name)


def matching_from_dict(document: Any) -> MatchingProblem:
    """Build a `MatchingProblem`; raises `ProblemInvalid` listing every input error."""
    reader = _MatchingReader()
    top = reader.obj(document, "(document)")
    reader.known_fields(top, "", _TOP_FIELDS)
    reader.required(top, "", ("lots", "needs", "distances"))
    reader.text(top.get("name", ""), "name")
    lots = [
        _lot(reader, item, i) for i, item in enumerate(reader.array(top.get("lots", []), "lots"))
    ]
    reader.unique([lot.id for lot in lots], "lots")
    needs = [
        _need(reader, item, i) for i, item in enumerate(reader.array(top.get("needs", []), "needs"))
    ]
    reader.unique([need.id for need in needs], "needs")
    follow = reader.boolean(top.get("follow_pairing", False), "follow_pairing")
    nearest, time_limit = _options(reader, top.get("options", {}))
    problem = MatchingProblem(
        lots=lots,
        needs=needs,
        distances=_distances(reader, top.get("distances", [])),
        follow_pairing=follow,
        pairs=frozenset(reader.pair_list(top.get("pairs", []), "pairs")),
        nearest=nearest,
        time_limit_seconds=time_limit,
    )
    if reader.errors:
        raise ProblemInvalid(reader.errors)
    return problem


def _lot(reader: _MatchingReader, item: Any, index: int) -> Lot:
    path = f"lots[{index}]"
    data = reader.obj(item, path)
    reader.known_fields(data, path, {"id", "donor", "item", "quantity", "max_shipments"})
    reader.required(data, path, ("id", "donor", "item", "quantity"))
    shipments = reader.integer(data.get("max_shipments", 1), f"{path}.max_shipments", 1)
    if shipments < 1:
        reader.error("too_small", path=f"{path}.max_shipments", minimum=1, value=shipments)
    return Lot(
        id=reader.text(data.get("id", ""), f"{path}.id"),
        donor=reader.text(data.get("donor", ""), f"{path}.donor"),
        item=reader.text(data.get("item", ""), f"{path}.item"),
        quantity=reader.quantity(data.get("quantity", 1), f"{path}.quantity", positive=True),
        max_shipments=max(1, shipments),
    )


def _need(reader: _MatchingReader, item: Any, index: int) -> Need:
    path = f"needs[{index}]"
    data = reader.obj(item, path)
    reader.known_fields(data, path, {"id", "recipient", "item", "quantity", "pledged"})
    reader.required(data, path, ("id", "recipient", "item", "quantity"))
    return Need(
        id=reader.text(data.get("id", ""), f"{path}.id"),
        recipient=reader.text(data.get("recipient", ""), f"{path}.recipient"),
        item=reader.text(data.get("item", ""), f"{path}.item"),
        quantity=reader.quantity(data.get("quantity", 1), f"{path}.quantity", positive=True),
        pledged=reader.quantity(data.get("pledged", 0), f"{path}.pledged", positive=False),
    )


def _distances(reader: _MatchingReader, value: Any) -> dict[tuple[str, str], float]:
    distances: dict[tuple[str, str], float] = {}
    first: dict[tuple[str, str], int] = {}
    for index, item in enumerate(reader.array(value, "distances")):
        path = f"distances[{index}]"
        data = reader.obj(item, path)
        reader.known_fields(data, path, {"donor", "recipient", "km"})
        reader.required(data, path, ("donor", "recipient", "km"))
        pair = (
            reader.text(data.get("donor", ""), f"{path}.donor"),
            reader.text(data.get("recipient", ""), f"{path}.recipient"),
        )
        if pair in first:
            reader.error(
                "duplicate_distance",
                path=path,
                donor=pair[0],
                recipient=pair[1],
                first=f"distances[{first[pair]}]",
            )
        first.setdefault(pair, index)
        distances[pair] = reader.quantity(data.get("km", 0), f"{path}.km", positive=False)
    return distances


def _options(reader: _MatchingReader, value: Any) -> tuple[int, float | None]:
    data = reader.obj(value, "options")
    reader.known_fields(data, "options", {"nearest", "time_limit"})
    nearest = reader.integer(data.get("nearest", DEFAULT_NEAREST), "options.nearest")
    if nearest < 1:
        reader.error("too_small", path="options.nearest", minimum=1, value=nearest)
    limit = data.get("time_limit")
    if limit is None:
        return max(1, nearest), None
    seconds = reader.number(limit, "options.time_limit")
    if seconds <= 0:
        reader.error("not_positive", path="options.time_limit", value=seconds)
    return max(1, nearest), seconds
