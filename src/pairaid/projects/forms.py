"""The projects pages' forms: a project's details and budget, its moves, results and actuals,
money linked to it and spent. Each names only the records its page may offer, and the services
decide who may do what."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pairaid.forms import Among, IsoDateField, PageForm, RecordField, column
from pairaid.labels import local_name
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Programme
from pairaid.projects import sectors
from pairaid.projects.models import (
    BudgetLine,
    Expenditure,
    FundingSource,
    Project,
    ResultIndicator,
)
from pairaid.registry.models import Region

BUDGET_PREFIX = "budget_"


def places(programme: Programme) -> QuerySet[Region]:
    """Where a programme's projects may be: its recipients' regions and what lies inside them,
    down to townships (two levels below a prefecture)."""
    recipients = programme.participants.filter(role="recipient").values("region_id")
    return Region.objects.filter(
        Q(pk__in=recipients) | Q(parent_id__in=recipients) | Q(parent__parent_id__in=recipients)
    ).select_related("parent")


def _place_name(region: Region) -> str:
    parent = region.parent
    return f"{local_name(parent)} · {local_name(region)}" if parent else local_name(region)


class DetailsForm(PageForm):
    """A project's details and its budget by funding source (amounts left empty keep theirs)."""

    title = column(Project, "title", label=_("Title"))
    sector = forms.ChoiceField(choices=sectors.CHOICES, label=_("Sector"))
    location = RecordField(label=_("Place"))
    planned_start = column(Project, "planned_start", required=False, label=_("Planned start"))
    planned_end = column(Project, "planned_end", required=False, label=_("Planned end"))
    description = column(Project, "description", required=False, label=_("Description"))

    def __init__(self, data: Any = None, *, programme: Programme, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        for source in FundingSource:
            self.fields[BUDGET_PREFIX + source.value] = column(
                BudgetLine, "amount", required=False, label=source.label
            )
        seen = places(programme)
        self.fields["location"].name_among(  # type: ignore[attr-defined]
            Among(seen, offered=sorted(((r.pk, _place_name(r)) for r in seen), key=lambda o: o[1]))
        )

    def field_for(self, path: str) -> str | None:
        # The service names a budget's amount `budget.<source>`; the page's field is flat.
        return super().field_for(path.replace("budget.", BUDGET_PREFIX))

    def budget(self) -> dict[str, Decimal]:
        return {
            source.value: self.cleaned_data[BUDGET_PREFIX + source.value]
            for source in FundingSource
            if self.cleaned_data.get(BUDGET_PREFIX + source.value) is not None
        }

    @staticmethod
    def initial_of(project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(project, name)
            for name in ("title", "sector", "planned_start", "planned_end", "description")
        }
        initial["location"] = project.location_id
        for line in project.budget_lines.all():
            initial[BUDGET_PREFIX + line.funding_source] = line.amount
        return initial


class ProjectForm(DetailsForm):
    """A new project: which of the user's pairings it belongs to, then its details."""

    pairing = RecordField(label=_("Pairing (donor → recipient)"))
    field_order = ["pairing"]

    def __init__(self, data: Any = None, *, programme: Programme, pairings: list[Pairing]) -> None:
        super().__init__(data, programme=programme)
        self.fields["pairing"].name_among(  # type: ignore[attr-defined]
            Among(
                Pairing.objects.filter(pk__in=[p.pk for p in pairings]),
                offered=[
                    (p.pk, f"{local_name(p.donor.region)} → {local_name(p.recipient.region)}")
                    for p in pairings
                ],
            )
        )
        self.order_fields(["pairing", *self.fields])


class MoveForm(PageForm):
    on = IsoDateField(required=False, label=_("On (the programme date if empty)"))
    receiving_body = column(
        Project, "receiving_body", required=False, label=_("Receiving body (hand-over)")
    )


class ResultForm(PageForm):
    name = column(ResultIndicator, "name", label=_("Indicator"))
    unit = column(ResultIndicator, "unit", label=_("Unit"))
    baseline = column(ResultIndicator, "baseline", label=_("Baseline"))
    target = column(ResultIndicator, "target", label=_("Target"))


class ActualForm(PageForm):
    actual = column(ResultIndicator, "actual", required=True, label=_("Actual"))
    on = IsoDateField(required=False, label=_("On (the programme date if empty)"))


class ExpenditureForm(PageForm):
    amount = column(Expenditure, "amount", label=_("Amount"))
    on = IsoDateField(required=False, label=_("On (the programme date if empty)"))
    description = column(Expenditure, "description", required=False, label=_("Description"))


class LinkForm(PageForm):
    """Money of the project's pair that is not yet a project's: a commitment (with its
    disbursements) or a disbursement on a commitment of no project."""

    commitment = RecordField(required=False, label=_("Commitment"))
    disbursement = RecordField(required=False, label=_("Disbursement"))

    def __init__(self, data: Any = None, *, project: Project) -> None:
        super().__init__(data)
        pair = {
            "donor_id": project.pairing.donor_id,
            "recipient_id": project.pairing.recipient_id,
        }
        commitments = FundCommitment.objects.filter(project=None, **pair).order_by("year", "pk")
        disbursements = Disbursement.objects.filter(
            project=None,
            commitment__project=None,
            **{f"commitment__{k}": v for k, v in pair.items()},
        ).order_by("date", "pk")
        self.fields["commitment"].name_among(  # type: ignore[attr-defined]
            Among(commitments, offered=[(c.pk, str(c)) for c in commitments])
        )
        self.fields["disbursement"].name_among(  # type: ignore[attr-defined]
            Among(disbursements, offered=[(d.pk, str(d)) for d in disbursements])
        )

    @property
    def offers_any(self) -> bool:
        return any(len(f.choices) for f in self.fields.values())  # type: ignore[attr-defined]


class ThreeWQuery(forms.Form):
    """`?sector=&status=&format=`: the 3W's filters, and CSV for the HXL file."""

    sector = forms.ChoiceField(choices=[("", ""), *sectors.CHOICES], required=False)
    status = forms.TypedChoiceField(
        choices=[("", ""), *Project.Status.choices], coerce=int, required=False, empty_value=None
    )
    format = forms.ChoiceField(choices=[("", ""), ("csv", "CSV")], required=False)
