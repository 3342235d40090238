from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.accounts.models import Membership, User
from pairaid.forms import column
from pairaid.programmes import queries as programme_queries
from pairaid.programmes.models import Participant, Programme


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
    region = forms.ChoiceField(
        required=False, label=_("Region"), help_text=_("For officers: the region they act for")
    )
    password = forms.CharField(widget=forms.PasswordInput, label=_("Initial password"))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The programme's regions by name, donors then recipients; the value is the reference.
        named = programme_queries.named_participants(programme)
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *(
                (group, [(p.reference, p.name) for p in named if p.role == role])
                for role, group in (
                    (Participant.Role.DONOR, _("Donors")),
                    (Participant.Role.RECIPIENT, _("Recipients")),
                )
            ),
        ]


class PasswordResetForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label=_("New password"))
