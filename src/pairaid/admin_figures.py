"""The admin shows stored decimals as figures, not at their column's scale: "15,618,300" in a
list and "15618300" in a form, never "15618300.0000" (issue 18 item 3).

Every PairAid admin and inline derives from these (`FiguresAdmin`, `FiguresInline`); the rule
itself is `pairaid.figures`, the same as the pages'.
"""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from pairaid import figures


class PlainDecimalInput(forms.NumberInput):
    """A decimal field's input showing the value without trailing zeros."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return figures.plain(value)
        return super().format_value(value)


DECIMALS_AS_TYPED: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.DecimalField: {"widget": PlainDecimalInput}
}


def decimal_column(field: models.DecimalField[Any, Any]) -> Callable[[models.Model], str]:
    """A list column showing a decimal field as a figure, sortable and headed like the field."""

    def show(obj: models.Model) -> str:
        return figures.number(getattr(obj, field.name))

    show.short_description = field.verbose_name  # type: ignore[attr-defined]
    show.admin_order_field = field.name  # type: ignore[attr-defined]
    show.__name__ = field.name
    return show


def _with_figures(model: type[models.Model], names: Sequence[Any]) -> list[Any]:
    decimals = {f.name: f for f in model._meta.get_fields() if isinstance(f, models.DecimalField)}
    return [
        decimal_column(decimals[n]) if isinstance(n, str) and n in decimals else n for n in names
    ]


class FiguresAdmin(SimpleHistoryAdmin):
    """A model admin (with its history) whose decimals read as figures."""

    formfield_overrides = DECIMALS_AS_TYPED

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        return _with_figures(self.model, super().get_list_display(request))


class FiguresInline(admin.TabularInline):
    """A tabular inline whose decimal inputs read as typed."""

    formfield_overrides = DECIMALS_AS_TYPED
