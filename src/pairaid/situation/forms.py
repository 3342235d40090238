"""The archive's forms: the date a coordinator issues a report for, a member's subscription, and
the revision a report page shows."""

from django import forms

from pairaid.forms import DateQuery


class IssueForm(DateQuery):
    """The programme date to report (empty: the programme's date)."""


class SubscriptionForm(forms.Form):
    subscribed = forms.BooleanField(required=False)


class RevisionQuery(forms.Form):
    revision = forms.IntegerField(min_value=1, required=False)  # empty: the latest
