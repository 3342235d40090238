from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.registry.models import Certainty, ResourceType


class LineForm(forms.Form):
    resource_type = forms.ModelChoiceField(
        queryset=ResourceType.objects.all(), to_field_name="code", label=_("Resource")
    )
    quantity = forms.DecimalField(min_value=0, max_digits=18, decimal_places=4, label=_("Quantity"))
    as_of = forms.DateField(
        required=False, label=_("As of"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(
        max_length=500, label=_("Source"), help_text=_("Where the figure comes from")
    )
    certainty = forms.ChoiceField(
        choices=[(Certainty.VERIFIED, _("verified")), (Certainty.UNCERTAIN, _("uncertain"))],
        label=_("Certainty"),
    )


class ProgrammeDateForm(forms.Form):
    programme_date = forms.DateField(
        required=False,
        label=_("Programme date"),
        help_text=_("Empty: the programme follows today's date"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
