"""Names and codes as the user reads them, in the active language: a region's or a resource's
name, ids named in a text (`IdNames`), and the engine's status and objective codes.

Neutral ground: the domain apps (engine messages, ledger queries) and the templates' filters
(`pairaid_format`) use the same helpers, so no domain module has to import a template tag."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, pgettext, pgettext_lazy


def local_name(obj: Any) -> str:
    """A region's or indicator's name in the active language (Chinese where it has one)."""
    return name_in(obj, get_language() or "")


def name_in(obj: object, language: str) -> str:
    """An object's name in a language: `name_zh` for Chinese where set, else `name_en`."""
    name_zh = getattr(obj, "name_zh", "")
    if language.startswith("zh") and name_zh:
        return str(name_zh)
    return str(getattr(obj, "name_en", obj))


# Engine codes shown on the run pages (status of a run or level, objective names).
ENGINE_LABELS = {
    "optimal": pgettext_lazy("solver status", "optimal"),
    "feasible": pgettext_lazy("solver status", "feasible"),
    "infeasible": pgettext_lazy("solver status", "infeasible"),
    "no_solution": pgettext_lazy("solver status", "no solution"),
    "invalid": pgettext_lazy("solver status", "invalid"),
    "max_min_coverage": pgettext_lazy("objective", "max-min coverage"),
    "leximin": pgettext_lazy("objective", "leximin"),
    "min_travel": pgettext_lazy("objective", "least travel"),
    "min_cost": pgettext_lazy("objective", "least cost"),
    "min_churn": pgettext_lazy("objective", "fewest changes"),
    # the matcher's levels (engine.matching.LEVEL_NAMES)
    "worst_fill_share": pgettext_lazy("objective", "worst-off fill share"),
    "quantity_filled": pgettext_lazy("objective", "quantity filled"),
    "distance": pgettext_lazy("objective", "distance shipped"),
}


def engine_label(code: object) -> str:
    """The translated label of a known engine status or objective code; others as they are."""
    if code is None or code == "":
        return ""
    text = str(code)
    if text.startswith("leximin_") and text.removeprefix("leximin_").isdigit():
        level = text.removeprefix("leximin_")
        return pgettext("objective", "leximin, level %(level)s") % {"level": level}
    return str(ENGINE_LABELS.get(text, code))


class IdNames:
    """Ids (region codes, engine ids) -> names, put where an id stands in a text or in data
    (also inside preformatted lists such as "430000 (609), 520000 (823)"); an id is a whole
    token, never part of a longer number or reference. For engine messages, CLI tables."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = {key: name for key, name in names.items() if key and name}
        ids = sorted(self.names, key=len, reverse=True)
        alternatives = "|".join(re.escape(key) for key in ids)
        # Not inside a word, a reference ("CN:420900", "510000/Name") or a decimal ("0.420900").
        token = rf"(?<![\w/.:])(?:{alternatives})(?![\w/]|\.\d)"
        self.pattern = re.compile(token) if ids else None

    def __bool__(self) -> bool:
        return self.pattern is not None

    def text(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: self.names[match.group(0)], text)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value
