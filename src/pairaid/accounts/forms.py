from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.accounts.models import Membership, User
from pairaid.forms import column
from pairaid.operations.queries import facilities as facility_queries
from pairaid.programmes import queries as programme_queries
from pairaid.programmes.models import Participant, Programme


class AccountForm(forms.Form):
    username = column(User, "username", label=_("Username"), help_text="")
    email = column(User, "email", label=_("E-mail"))
    role = forms.ChoiceField(
        choices=[
            (Membership.Role.DONOR_OFFICER, _("donor officer")),
            (Membership.Role.RECIPIENT_OFFICER, _("recipient officer")),
            (Membership.Role.FACILITY_OFFICER, _("facility officer")),
            (Membership.Role.OBSERVER, _("observer")),
        ],
        label=_("Role"),
    )
    region = forms.ChoiceField(
        required=False, label=_("Region"), help_text=_("For officers: the region they act for")
    )
    facility = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label=_("Facility"),
        help_text=_("For facility officers: the facility whose beds they report"),
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
        self.fields["facility"].choices = _facilities_by_recipient(programme)  # type: ignore[attr-defined]


def _facilities_by_recipient(programme: Programme) -> list[Any]:
    """The programme's facilities by name, grouped under their recipient's name."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for f in facility_queries.named_facilities(programme):
        groups.setdefault(f.recipient, []).append((f.pk, f.name))
    return [("", "—"), *groups.items()]


class PasswordResetForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label=_("New password"))
