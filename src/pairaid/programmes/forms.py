from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.forms import EditForm, IsoDateField, column
from pairaid.programmes import queries as programme_queries
from pairaid.programmes.models import CapacityLine, Cluster, Participant, Programme
from pairaid.registry.models import Certainty, ResourceType


class LineFields(forms.Form):
    """What adding a line and editing one ask."""

    # Need lines have the same columns as capacity lines (both are QuantityLines).
    quantity = column(CapacityLine, "quantity", label=_("Quantity"))
    as_of = IsoDateField(required=False, label=_("As of"))
    source = forms.CharField(
        max_length=500, label=_("Source"), help_text=_("Where the figure comes from")
    )
    certainty = forms.ChoiceField(
        choices=[(Certainty.VERIFIED, _("verified")), (Certainty.UNCERTAIN, _("uncertain"))],
        label=_("Certainty"),
    )


class LineForm(LineFields):
    field_order = ["resource_type"]
    resource_type = forms.ModelChoiceField(
        queryset=ResourceType.objects.all(), to_field_name="code", label=_("Resource")
    )


class LineEditForm(EditForm, LineFields):
    """A line's figure corrected in place: its date is the line's, never left empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].required = True

    @classmethod
    def initial_of(cls, record: Any) -> dict[str, Any]:
        return {**super().initial_of(record), "source": record.source.title}


class LineDeleteForm(EditForm):
    """A line's deletion, made from the version the list showed."""


class ProgrammeDateForm(forms.Form):
    programme_date = IsoDateField(
        required=False,
        label=_("Programme date"),
        help_text=_("Empty: the programme follows today's date"),
    )


class ParticipantsQuery(forms.Form):
    """The participants page: one role, one page of the list."""

    role = forms.ChoiceField(choices=Participant.Role.choices, required=False)
    page = forms.IntegerField(min_value=1, required=False)


class ReportingForm(forms.Form):
    """Programme time and the daily deadline of facilities' bed reports (the values are
    checked by the service the API uses, `programme_services.set_reporting`)."""

    time_zone = forms.CharField(
        max_length=64, label=_("Time zone"), help_text=_("IANA name, e.g. Asia/Shanghai")
    )
    report_deadline = forms.TimeField(
        label=_("Daily reporting deadline"),
        help_text=_("HH:MM in the programme's time zone: facilities report their beds by then"),
    )


class ThresholdsForm(forms.Form):
    """The occupancy shares from which facilities and regions show yellow and red (checked by
    `programme_services.set_occupancy_thresholds`)."""

    occupancy_yellow_percent = forms.IntegerField(label=_("Yellow from (%)"))
    occupancy_red_percent = forms.IntegerField(label=_("Red from (%)"))


class AlertsForm(forms.Form):
    """When coordinators are alerted (checked by `programme_services.set_alerts`)."""

    escalate_after_hours = forms.IntegerField(
        label=_("Escalate after (hours)"),
        help_text=_("a request, transfer or offer nobody acknowledges by then goes to you"),
    )
    gap_alert_percent = forms.IntegerField(
        required=False,
        label=_("Gap alert from (percent of need)"),
        help_text=_("empty: no gap alert"),
    )


class ClusterForm(forms.Form):
    """A cluster's name and its recipients, picked by name (valued by reference)."""

    name = forms.CharField(max_length=Cluster._meta.get_field("name").max_length, label=_("Name"))
    recipients = forms.MultipleChoiceField(
        required=False,
        label=_("Recipients"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("A region is in at most one cluster"),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [  # type: ignore[attr-defined]
            (p.reference, p.name)
            for p in programme_queries.named_participants(programme)
            if p.role == Participant.Role.RECIPIENT
        ]
