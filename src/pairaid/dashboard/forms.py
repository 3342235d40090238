"""The overview's query string (the date, the resource it is filtered to, its table pages), and
the boundaries' (the view the geometry is cut to)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.dashboard import geometry
from pairaid.forms import DateQuery
from pairaid.registry.models import ResourceType


class OverviewQuery(DateQuery):
    resource = forms.ModelChoiceField(
        ResourceType.objects.all(), to_field_name="code", required=False
    )
    pairs = forms.IntegerField(min_value=1, required=False)  # the page of the pairings table
    recipients = forms.IntegerField(min_value=1, required=False)  # of the recipients table


def resource_code(asked: dict[str, object]) -> str:
    """The code of the resource the overview is filtered to; empty for every resource."""
    resource = asked["resource"]
    return resource.code if isinstance(resource, ResourceType) else ""


class BoxField(forms.Field):
    """A map view's box, `west,south,east,north` in degrees."""

    def to_python(self, value: Any) -> geometry.Box | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return geometry.Box.parse(text)
        except ValueError as error:
            raise forms.ValidationError(
                _(
                    "Expected four numbers in degrees, west,south,east,north: west of east, "
                    "south of north."
                )
            ) from error


class BoundaryQuery(forms.Form):
    """`boundaries.json`'s query: the provinces shown in detail, and the view (box and width
    in pixels) the geometry is cut to; without a box, the whole collection as stored."""

    detail = forms.CharField(required=False)
    box = BoxField(required=False)
    px = forms.IntegerField(min_value=geometry.MIN_PX, max_value=geometry.MAX_PX, required=False)


def detail_provinces(asked: dict[str, Any]) -> list[str]:
    """The province codes to show in detail (six digits each; anything else is ignored)."""
    return [code for code in (asked["detail"] or "").split(",") if code.isdigit()]
