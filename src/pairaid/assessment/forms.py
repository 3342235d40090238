"""The assessment pages' forms: defining a year's assessment, assigning a cross-checker, and
taking a step (a score per criterion, a note, and for evidence the pairing's projects, results
and transactions)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.assessment import services
from pairaid.assessment.models import SCORE_MAX, Criterion, Evidence, Review
from pairaid.forms import IsoDateField, PageForm
from pairaid.labels import local_name
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.projects.models import Expenditure, Project, ResultIndicator

# The East–West cooperation assessment's dimensions (organisation and leadership, staff
# exchange, funds, industrial cooperation, labour cooperation, poverty-alleviation results),
# offered as the form's start; the coordinator sets its own criteria and weights.
EAST_WEST_CRITERIA = (
    "organisation | Organisation and leadership | 1\n"
    "staff | Staff exchange | 1\n"
    "funds | Funds | 1\n"
    "industry | Industrial cooperation | 1\n"
    "labour | Labour cooperation | 1\n"
    "results | Results | 1"
)


class AssessmentForm(PageForm):
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    self_assessment_due = IsoDateField(label=_("Self-assessment due"))
    opinion_due = IsoDateField(label=_("Recipient's opinion due"))
    cross_check_due = IsoDateField(label=_("Cross-check due"))
    final_due = IsoDateField(label=_("Final score due"))
    criteria = forms.CharField(
        label=_("Criteria"),
        max_length=4000,
        initial=EAST_WEST_CRITERIA,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One a line: code | name | weight"),
    )

    def clean_criteria(self) -> list[services.CriterionIn]:
        lines = [line for line in self.cleaned_data["criteria"].splitlines() if line.strip()]
        parsed = []
        for number, line in enumerate(lines, start=1):
            parts = [part.strip() for part in line.split("|")]
            try:
                code, name, weight = parts
                parsed.append(services.CriterionIn(code, name, Decimal(weight)))
            except (ValueError, InvalidOperation) as error:
                raise forms.ValidationError(
                    _("Line %(line)s: expected code | name | weight, e.g. funds | Funds | 1"),
                    params={"line": number},
                ) from error
            if not code or len(code) > 40 or not code.replace("_", "").replace("-", "").isalnum():
                raise forms.ValidationError(
                    _("Line %(line)s: a code is letters, digits, - and _ (40 at most)"),
                    params={"line": number},
                )
        return parsed


class CrossCheckerForm(forms.Form):
    participant = forms.TypedChoiceField(label=_("Cross-checker"), coerce=int)

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pairing = review.pairing
        sides = {pairing.donor.region_id, pairing.recipient.region_id}
        self.participants = {
            p.pk: p
            for p in review.assessment.programme.participants.select_related("region")
            if p.region_id not in sides
        }
        self.fields["participant"].choices = [  # type: ignore[attr-defined]
            (pk, f"{local_name(p.region)} ({p.get_role_display()})")
            for pk, p in self.participants.items()
        ]


def evidence_choices(review: Review) -> list[tuple[str, str]]:
    """What the pairing did that a step may point to, as (kind:id, label) pairs."""
    pairing = review.pairing
    projects = Project.objects.filter(pairing=pairing).order_by("pk")
    choices = [(f"{Evidence.Kind.PROJECT}:{p.pk}", str(p.title)) for p in projects]
    choices += [
        (f"{Evidence.Kind.RESULT}:{r.pk}", f"{r.project.title}: {r.name}")
        for r in ResultIndicator.objects.filter(project__pairing=pairing).select_related("project")
    ]
    pair = {"donor_id": pairing.donor_id, "recipient_id": pairing.recipient_id}
    choices += [
        (f"{Evidence.Kind.COMMITMENT}:{c.pk}", f"{_('commitment')} {c.year} · {c.amount}")
        for c in FundCommitment.objects.filter(**pair).order_by("year", "pk")
    ]
    choices += [
        (f"{Evidence.Kind.DISBURSEMENT}:{d.pk}", f"{_('disbursement')} {d.date} · {d.amount}")
        for d in Disbursement.objects.filter(
            commitment__donor_id=pairing.donor_id, commitment__recipient_id=pairing.recipient_id
        ).order_by("date", "pk")
    ]
    choices += [
        (f"{Evidence.Kind.EXPENDITURE}:{e.pk}", f"{_('expenditure')} {e.date} · {e.amount}")
        for e in Expenditure.objects.filter(project__pairing=pairing).order_by("date", "pk")
    ]
    return choices


class StepForm(PageForm):
    """A step: one score field per criterion (`score_<code>`) when the step scores, a note,
    and the evidence chosen among the pairing's own records."""

    note = forms.CharField(label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(
        attrs={"rows": 3}))  # fmt: skip
    evidence = forms.MultipleChoiceField(
        label=_("Evidence"), required=False, widget=forms.CheckboxSelectMultiple
    )
    on = IsoDateField(label=_("On"), required=False)

    def __init__(self, *args: Any, review: Review, step: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria: list[Criterion] = list(review.assessment.criteria.all())
        if services.STEPS[step].scored:
            for criterion in self.criteria:
                self.fields[f"score_{criterion.code}"] = forms.DecimalField(
                    label=f"{criterion.name} ({criterion.weight})",
                    min_value=0,
                    max_value=SCORE_MAX,
                    max_digits=5,
                    decimal_places=2,
                )
            self.fields["evidence"].choices = evidence_choices(review)  # type: ignore[attr-defined]
        else:
            del self.fields["evidence"]

    def field_for(self, path: str) -> str | None:
        if path.startswith("scores."):
            return "score_" + path.removeprefix("scores.")
        if path.startswith("evidence."):
            return "evidence"
        return super().field_for(path)

    def scores(self) -> dict[str, Decimal]:
        return {
            c.code: self.cleaned_data[f"score_{c.code}"]
            for c in self.criteria
            if f"score_{c.code}" in self.cleaned_data
        }

    def evidence_rows(self) -> list[tuple[str, int]]:
        rows = []
        for value in self.cleaned_data.get("evidence") or []:
            kind, row = value.split(":")
            rows.append((kind, int(row)))
        return rows
