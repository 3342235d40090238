"""The overview's query string: the date, the resource it is filtered to, and its table pages."""

from django import forms

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
