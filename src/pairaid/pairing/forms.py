from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid import engine
from pairaid.forecast.methods import METHODS
from pairaid.forecast.need import MAX_HORIZON_DAYS, ForecastNeedBasis
from pairaid.forms import IsoDateField
from pairaid.pairing import options as plan_options
from pairaid.pairing.models import PlanRun
from pairaid.programmes import queries as programme_queries
from pairaid.programmes.models import Participant, Programme

OBJECTIVE_CHOICES = [
    ("max_min_coverage", _("Max-min coverage (help the worst-off first)")),
    ("leximin", _("Leximin (then the second worst-off, …)")),
    ("min_travel", _("Least travel")),
    ("min_churn", _("Fewest changes to current links")),
]


RECORDED_NEED = "recorded"
PROJECTED_NEED = "forecast"
NEED_BASIS_CHOICES = [
    (RECORDED_NEED, _("The recorded need (need lines, or the programme's need indicator)")),
    (
        PROJECTED_NEED,
        _(
            "Projected need: staff for a quantile of each recipient's projected peak bed census, "
            "by the care ratios (a model output)"
        ),
    ),
]


class PlanForm(forms.Form):
    """A run's options, starting from the defaults every way of starting a run shares
    (`pairing.options`): leximin, and the default churn budget where a plan is in force."""

    objectives = forms.MultipleChoiceField(
        choices=OBJECTIVE_CHOICES,
        initial=["leximin"],
        widget=forms.CheckboxSelectMultiple,
        label=_("Objectives, in this order"),
    )
    leximin_levels = forms.IntegerField(
        min_value=1,
        max_value=20,
        initial=plan_options.DEFAULT_LEXIMIN_LEVELS,
        label=_("Leximin levels"),
    )
    churn_budget = forms.IntegerField(
        min_value=0,
        required=False,
        label=_("Churn budget"),
        help_text=_(
            "At most this many links added + removed (moving a donor = 2). Empty: the default, "
            "the fewest changes that keep nine tenths of the best lowest coverage (none where no "
            "plan is in force)."
        ),
    )
    no_churn_limit = forms.BooleanField(
        required=False,
        label=_("No churn limit: the plan may change every link"),
    )
    lock = forms.MultipleChoiceField(
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label=_("Lock pairs"),
        help_text=_("Pairs the plan must keep. Choose one or more (Ctrl or ⌘ to add to them)."),
    )
    forbid = forms.MultipleChoiceField(
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label=_("Forbid pairs"),
        help_text=_("Pairs the plan may not make."),
    )
    parent_pairing = forms.ChoiceField(
        required=False,
        label=_("Level"),
        help_text=_(
            "The programme's own pairs, or the child pairings inside one pairing (which of the "
            "donor's cities take which of the recipient's towns)."
        ),
    )
    time_limit_seconds = forms.FloatField(
        min_value=1,
        max_value=engine.LIMITS.max_time_limit_seconds,
        initial=plan_options.DEFAULT_TIME_LIMIT_SECONDS,
        label=_("Time limit (s)"),
    )
    as_of = IsoDateField(required=False, label=_("As of"), help_text=_("Empty: the programme date"))
    need_basis = forms.ChoiceField(
        required=False,
        choices=NEED_BASIS_CHOICES,
        initial=RECORDED_NEED,
        widget=forms.RadioSelect,
        label=_("Plan against"),
    )
    need_method = forms.ChoiceField(
        required=False,
        choices=[(method, method) for method in METHODS],
        initial=ForecastNeedBasis.method,
        label=_("Forecast method"),
    )
    need_quantile = forms.FloatField(
        required=False,
        min_value=0.01,
        max_value=0.99,
        initial=ForecastNeedBasis.quantile,
        label=_("Quantile of the projected peak"),
        help_text=_("0.8: staff for the 80th percentile of the projected peak bed census."),
    )
    need_horizon_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_HORIZON_DAYS,
        initial=ForecastNeedBasis.horizon_days,
        label=_("Horizon (days)"),
    )

    def run_options(self) -> plan_options.RunOptions:
        data = self.cleaned_data
        objectives = []
        for name in data["objectives"]:
            if name == "leximin":
                levels = data["leximin_levels"] or plan_options.DEFAULT_LEXIMIN_LEVELS
                objectives.append({"name": "leximin", "levels": levels})
            else:
                objectives.append({"name": name})
        return plan_options.RunOptions(
            objectives=objectives,
            lock=plan_options.parse_pairs(data["lock"], "lock"),
            forbid=plan_options.parse_pairs(data["forbid"], "forbid"),
            churn_budget=self._churn_budget(),
            time_limit_seconds=data["time_limit_seconds"],
            as_of=data["as_of"].isoformat() if data["as_of"] else None,
            need_from=self._need_from(),
            parent_pairing=plan_options.parse_pairs([data["parent_pairing"]], "parent_pairing")[0]
            if data.get("parent_pairing")
            else None,
        )

    def _need_from(self) -> str | None:
        """The projected need as `--need-from` writes it; None: the recorded need."""
        data = self.cleaned_data
        if data["need_basis"] != PROJECTED_NEED:
            return None  # left empty, as a form posted before the choice existed: recorded
        default = ForecastNeedBasis()
        basis = ForecastNeedBasis(
            data["need_method"] or default.method,
            default.quantile if data["need_quantile"] is None else data["need_quantile"],
            data["need_horizon_days"] or default.horizon_days,
        )
        return str(basis)

    def _churn_budget(self) -> int | str | None:
        if self.cleaned_data["no_churn_limit"]:
            return None
        budget: int | None = self.cleaned_data["churn_budget"]
        return plan_options.DEFAULT_CHURN_BUDGET if budget is None else budget

    def __init__(
        self,
        *args: Any,
        recipients: int | None = None,
        pairs: list[tuple[str, list[tuple[str, str]]]] | None = None,
        parents: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent_pairing"].choices = [  # type: ignore[attr-defined]
            ("", _("The programme's own pairs")),
            *(parents or []),
        ]
        if recipients is not None:  # the default objective's levels, as for the API and CLI
            levels = plan_options.default_objectives(recipients)[0]["levels"]
            self.fields["leximin_levels"].initial = levels
        for name in ("lock", "forbid"):  # pairs by name, grouped by donor; the value is the codes
            self.fields[name].choices = pairs or []  # type: ignore[attr-defined]


def pair_choices(programme: Programme) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every donor → recipient pair of the programme, named ("Shandong → Huanggang") and grouped
    by donor, valued DONOR:RECIPIENT by reference as the API and the CLI take them (one query)."""
    named = programme_queries.named_participants(programme)
    donors = [p for p in named if p.role == Participant.Role.DONOR]
    recipients = [p for p in named if p.role == Participant.Role.RECIPIENT]
    return [
        (
            donor.name,
            [
                (f"{donor.reference}:{recipient.reference}", f"{donor.name} → {recipient.name}")
                for recipient in recipients
            ],
        )
        for donor in donors
    ]


def parent_choices(programme: Programme) -> list[tuple[str, str]]:
    """The pairings whose child level a run may plan: the programme's own-level pairings not
    ended, named ("Guangdong → Wenchuan County: its child pairings") and valued DONOR:RECIPIENT
    as the API and the CLI take them."""
    names = {p.reference: p.name for p in programme_queries.named_participants(programme)}
    open_pairs = (
        programme.pairings.top_level()
        .open()
        .select_related("donor__region__parent", "recipient__region__parent")
    )
    choices = []
    for pairing in open_pairs:
        donor = pairing.donor.region.as_reference().short
        recipient = pairing.recipient.region.as_reference().short
        label = _("%(donor)s → %(recipient)s: its child pairings") % {
            "donor": names.get(donor, donor),
            "recipient": names.get(recipient, recipient),
        }
        choices.append((f"{donor}:{recipient}", str(label)))
    return choices


class PublishForm(forms.Form):
    """The plan run a notice publishes, by its number; none for the pairings in force."""

    run = forms.ModelChoiceField(PlanRun.objects.none(), to_field_name="number", required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["run"].queryset = programme.plan_runs.all()  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    """A decision on the plan, confirmed after its changes were shown."""

    confirmed = forms.BooleanField(
        required=True,
        error_messages={"required": _("Confirm the decision after reading what it changes.")},
    )
