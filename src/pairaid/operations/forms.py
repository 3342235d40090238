from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.operations.models import Discrepancy, RequestLine
from pairaid.registry.models import ResourceType


class RequestForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Recipient"))
    resource_type = forms.ModelChoiceField(
        ResourceType.objects.all(), to_field_name="code", label=_("Resource")
    )
    quantity = forms.DecimalField(min_value=0, max_digits=18, decimal_places=4, label=_("Quantity"))
    priority = forms.ChoiceField(
        choices=RequestLine.Priority.choices, initial="normal", label=_("Priority")
    )
    needed_by = forms.DateField(
        required=False, label=_("Needed by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(required=False, label=_("Note"))

    def __init__(self, *args: object, recipients: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["recipient"].choices = recipients  # type: ignore[attr-defined]


class PledgeForm(forms.Form):
    donor = forms.ChoiceField(label=_("Donor"))
    quantity = forms.DecimalField(min_value=0, max_digits=18, decimal_places=4, label=_("Quantity"))
    note = forms.CharField(required=False, label=_("Note (needed beyond the line)"))

    def __init__(self, *args: object, donors: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["donor"].choices = donors  # type: ignore[attr-defined]


class DispatchForm(forms.Form):
    quantity = forms.DecimalField(min_value=0, max_digits=18, decimal_places=4, label=_("Quantity"))
    reference = forms.CharField(required=False, label=_("Waybill or transfer no."))
    value_cny = forms.DecimalField(
        required=False, min_value=0, max_digits=18, decimal_places=2, label=_("Value (CNY)")
    )


class ReceiptForm(forms.Form):
    received_quantity = forms.DecimalField(
        min_value=0, max_digits=18, decimal_places=4, label=_("Quantity received")
    )
    discrepancy = forms.ChoiceField(
        choices=[("", "—"), *Discrepancy.Kind.choices], required=False, label=_("Problem")
    )
    discrepancy_quantity = forms.DecimalField(required=False, min_value=0, label=_("How many"))
    note = forms.CharField(required=False, label=_("Note"))


class DisburseForm(forms.Form):
    amount = forms.DecimalField(min_value=0, max_digits=18, decimal_places=2, label=_("Amount"))
    reference = forms.CharField(required=False, label=_("Transfer no."))


class FundReceiptForm(forms.Form):
    received_amount = forms.DecimalField(
        min_value=0, max_digits=18, decimal_places=2, label=_("Amount received")
    )
    note = forms.CharField(required=False, label=_("Note"))


# The ledger's inline forms (pledge, dispatch, receipt, disbursement) show no labels in their
# table rows: each field names itself in its placeholder and, for screen readers, aria-label.
for _form in (PledgeForm, DispatchForm, ReceiptForm, DisburseForm, FundReceiptForm):
    for _field in _form.base_fields.values():
        if not isinstance(_field.widget, forms.Select):
            _field.widget.attrs.setdefault("placeholder", _field.label)
        _field.widget.attrs.setdefault("aria-label", _field.label)
