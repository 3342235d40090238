"""Region references: the one public id of a region, in bundles, the API, pages and workbooks.

A region is identified by its country and official code, and a code-less area by its country,
its parent's code and its English name (DESIGN.md §2). Its reference writes that down:

- full form: `CN:421100`, or `CN:620000/Seriously affected areas of Gansu` for an area;
- short form, where the country is known from the context (a programme, a bundle): `421100`, or
  `620000/Seriously affected areas of Gansu`.

PairAid writes the full form everywhere it gives an id, and reads both.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Q

from pairaid.errors import Problem, ValidationFailed

T = TypeVar("T")
EXPECTED = "a region reference (CC:code or a code; PARENTCODE/English name for an area)"


class InvalidReference(ValidationFailed):
    """Text that is not a region reference."""

    def __init__(self, text: str, field: str = "") -> None:
        super().__init__([Problem(f"expected {EXPECTED}, got {text!r}", column=field)])


@dataclass(frozen=True)
class Reference:
    country: str  # "" in the short form
    code: str  # "" for an area
    parent_code: str = ""  # an area's parent
    name_en: str = ""  # an area's English name

    @property
    def is_area(self) -> bool:
        return not self.code

    @property
    def short(self) -> str:
        """The reference without its country."""
        return f"{self.parent_code}/{self.name_en}" if self.is_area else self.code

    def __str__(self) -> str:
        return f"{self.country}:{self.short}" if self.country else self.short

    def names(self, region: "Reference") -> bool:
        """Whether this reference (in either form) names the region of a full reference: the
        same test as `matches`, for regions already in memory."""
        return self.short == region.short and self.country in ("", region.country)

    def matches(self, prefix: str = "") -> Q:
        """A filter for the region referred to (`prefix` e.g. `region__` from a participant);
        a short reference matches in any country."""
        conditions: dict[str, Any] = (
            {"code": "", "parent__code": self.parent_code, "name_en": self.name_en}
            if self.is_area
            else {"code": self.code}
        )
        if self.country:
            conditions["country"] = self.country
        return Q(**{prefix + name: value for name, value in conditions.items()})


def pick(text: str, candidates: Mapping[Reference, T]) -> T | None:
    """The one candidate whose region `text` names (either form), for regions already in
    memory; None where the text is no reference, or names none or several."""
    try:
        reference = parse(text)
    except InvalidReference:
        return None
    found = [value for key, value in candidates.items() if reference.names(key)]
    return found[0] if len(found) == 1 else None


def of(country: str, code: str, parent_code: str | None, name_en: str) -> Reference:
    """The full reference of a region from its identifying fields."""
    if code:
        return Reference(country, code)
    return Reference(country, "", parent_code or "", name_en)


def parse(text: str, *, country: str = "", field: str = "") -> Reference:
    """A reference from text in either form; `country` fills in the short form's. Raises
    InvalidReference (naming `field`) for anything else, the empty text included."""
    text = text.strip()
    head, colon, rest = text.partition(":")
    # A colon after the first slash belongs to an area's name, not to a country.
    if not colon or "/" in head:
        head, rest = "", text
    if head and (len(head) != 2 or not head.isalpha()):
        raise InvalidReference(text, field)
    found_country = (head or country).upper()
    if "/" in rest:
        parent_code, _, name = rest.partition("/")
        if not parent_code.strip() or not name.strip():
            raise InvalidReference(text, field)
        return Reference(found_country, "", parent_code.strip(), name.strip())
    if not rest or any(character.isspace() for character in rest):
        raise InvalidReference(text, field)
    return Reference(found_country, rest)
