"""The form that starts a forecast run."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.foresight.models import ForecastRun
from pairaid.forms import ISO_DATE, column


class ForecastForm(forms.Form):
    origin = forms.DateField(
        label=_("Origin (the last day of the record the forecast reads)"),
        input_formats=ISO_DATE,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the programme date."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=ForecastRun.Method.choices)
    seed = column(ForecastRun, "seed", label=_("Seed"), initial=0, required=False)
