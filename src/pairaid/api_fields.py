"""The API's input fields, bound to the columns their values are stored in.

A value a column cannot hold — text longer than the column, a number with more digits or decimal
places than it keeps, a negative amount, a choice it does not know, `true` for a count — is
refused where it enters (400, naming the field), never by the database (500) and never rounded
into something else (0.00001 stored as 0). Each limit is read from the model's field, so a
migration that widens a column widens the API with it, and the OpenAPI schema states them.
"""

from math import ceil
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.pagination import PageNumberPagination
from pydantic import Field

# PostgreSQL's integer column, which PositiveIntegerField and IntegerField use.
LARGEST_INTEGER = 2**31 - 1


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


# Each function gives the constraints of one kind of field, for `Annotated[type, constraints]`:
# `name: Annotated[str, text(Team, "name")]`. A choice needs none: its TextChoices is its type.


def text(model: type[models.Model], name: str) -> Any:
    """Text no longer than the column (a TextField has no limit but the request's size)."""
    return Field(max_length=getattr(_field(model, name), "max_length", None))


def amount(model: type[models.Model], name: str, *, positive: bool = True) -> Any:
    """A decimal the column holds exactly: within its digits and decimal places, and above zero
    (`positive`) or at least zero. JSON numbers and numeric strings alike; no NaN or infinity."""
    column = _field(model, name)
    digits = {"max_digits": column.max_digits, "decimal_places": column.decimal_places}
    if positive:
        return Field(gt=0, allow_inf_nan=False, **digits)
    return Field(ge=0, allow_inf_nan=False, **digits)


def count(*, least: int = 0) -> Any:
    """A whole number of people or things (with StrictInt: not `true`, not 2.5), from `least`."""
    return Field(ge=least, le=LARGEST_INTEGER)


def identifier() -> Any:
    """A row's id named in a payload (a pledge, a facility), with StrictInt."""
    return Field(ge=1, le=2**63 - 1)


class Pages(PageNumberPagination):
    """Page-number pagination whose page is bounded by the page count: a page past the last is
    empty (as ninja's is), and no page number, however large, makes an offset the database
    cannot take."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        size = self._get_page_size(pagination.page_size)
        total = self._items_count(queryset)
        offset = (min(pagination.page, ceil(total / size) + 1) - 1) * size
        return {self.items_attribute: queryset[offset : offset + size], "count": total}
