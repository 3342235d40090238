"""The forms of the thread pages: a message, a search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.accounts.models import User
from pairaid.conversations.models import MESSAGE_MAX_CHARS, Event, Message, NotificationPreference
from pairaid.forms import column


class MessageForm(forms.Form):
    """A message's text (its files come as `files`, read by the page from the upload)."""

    body = column(
        Message,
        "body",
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_CHARS}),
    )


class SearchForm(forms.Form):
    """`?q=`: the text searched for in the programme's messages."""

    q = forms.CharField(required=False, max_length=200, label=_("Search messages"))


class PreferencesForm(forms.Form):
    """One choice per kind of event: mailed immediately, in the daily digest, or not at all; and
    the time zone of the digest's hour (all checked again by `preferences.choose`, which names
    a zone it does not know)."""

    time_zone = column(
        User,
        "time_zone",
        label=_("Time zone of your daily digest"),
        widget=forms.TextInput(attrs={"list": "time-zones", "placeholder": "Europe/Berlin"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind, label in Event.Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=NotificationPreference.Mode.choices,
                widget=forms.RadioSelect,
            )

    def kind_fields(self) -> list[forms.BoundField]:
        """The kinds' choices, a row each on the page (the time zone stands apart)."""
        return [self[kind] for kind in Event.Kind.values]
