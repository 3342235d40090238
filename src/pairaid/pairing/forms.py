from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.pairing import options as run_options

OBJECTIVE_CHOICES = [
    ("max_min_coverage", _("Max-min coverage (help the worst-off first)")),
    ("leximin", _("Leximin (then the second worst-off, …)")),
    ("min_travel", _("Least travel")),
    ("min_churn", _("Fewest changes to current links")),
]


class PlanForm(forms.Form):
    objectives = forms.MultipleChoiceField(
        choices=OBJECTIVE_CHOICES,
        initial=["max_min_coverage"],
        widget=forms.CheckboxSelectMultiple,
        label=_("Objectives, in this order"),
    )
    leximin_levels = forms.IntegerField(
        min_value=2, max_value=20, initial=3, label=_("Leximin levels")
    )
    churn_budget = forms.IntegerField(
        min_value=0,
        required=False,
        label=_("Churn budget"),
        help_text=_(
            "At most this many links added + removed (moving a donor = 2). Empty: no limit."
        ),
    )
    lock = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Lock pairs"),
        help_text=_("One DONOR:RECIPIENT per line, by region code, e.g. 370000:421100"),
    )
    forbid = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Forbid pairs"),
        help_text=_("One DONOR:RECIPIENT per line"),
    )
    time_limit_seconds = forms.FloatField(
        min_value=1,
        max_value=3600,
        initial=run_options.DEFAULT_TIME_LIMIT_SECONDS,
        label=_("Time limit (s)"),
    )
    as_of = forms.DateField(
        required=False,
        label=_("As of"),
        help_text=_("Empty: the programme date"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def run_options(self) -> run_options.RunOptions:
        data = self.cleaned_data
        objectives = []
        for name in data["objectives"]:
            if name == "leximin":
                objectives.append({"name": "leximin", "levels": data["leximin_levels"] or 3})
            else:
                objectives.append({"name": name})
        lines = lambda text: [line.strip() for line in (text or "").splitlines() if line.strip()]  # noqa: E731
        return run_options.RunOptions(
            objectives=objectives,
            lock=run_options.parse_pairs(lines(data["lock"]), "lock"),
            forbid=run_options.parse_pairs(lines(data["forbid"]), "forbid"),
            churn_budget=data["churn_budget"],
            time_limit_seconds=data["time_limit_seconds"],
            as_of=data["as_of"].isoformat() if data["as_of"] else None,
        )
