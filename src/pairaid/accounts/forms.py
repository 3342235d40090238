from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.accounts.models import Membership, User
from pairaid.forms import column


class AccountForm(forms.Form):
    username = column(User, "username", label=_("Username"), help_text="")
    email = column(User, "email", label=_("E-mail"))
    role = forms.ChoiceField(
        choices=[
            (Membership.Role.DONOR_OFFICER, _("donor officer")),
            (Membership.Role.RECIPIENT_OFFICER, _("recipient officer")),
            (Membership.Role.OBSERVER, _("observer")),
        ],
        label=_("Role"),
    )
    region = forms.CharField(
        required=False, label=_("Region code"), help_text=_("For officers: the region they act for")
    )
    password = forms.CharField(widget=forms.PasswordInput, label=_("Initial password"))


class PasswordResetForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label=_("New password"))
