"""The what-if pages (issue 20, item 8): a programme's plan comparisons (start one, watch its
progress), one comparison with every assumption, labelled a model estimate, and its CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from pairaid import forecast
from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.foresight import comparisons, tasks
from pairaid.foresight.models import PlanComparison
from pairaid.forms import ISO_DATE, column, valid
from pairaid.programmes.models import Programme

# The measures of pairaid.pairing.plan_value.METRIC_NAMES, named for the page in both languages.
MEASURES = {
    "patients_without_bed": _("patients without the bed they need"),
    "overflow_bed_days": _("overflow bed-days"),
    "excess_deaths": _("expected excess deaths"),
}
CSV_COLUMNS = ("table", "setting", "plan", "measure", "mean", "low_5", "high_95", "better_share")


class ComparisonForm(forms.Form):
    origin = forms.DateField(
        label=_("Date of the plans and origin of the forecast"),
        input_formats=ISO_DATE,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the programme date."),
    )
    paths = column(PlanComparison, "paths", label=_("Sample paths"), required=False)
    seed = column(PlanComparison, "seed", label=_("Seed"), initial=0, required=False)
    plan_runs = forms.TypedMultipleChoiceField(
        label=_("Plan runs to compare"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Beside the historical plan (the baseline). None picked: max-min and leximin, "
            "solved as of the date."
        ),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        finished = programme.plan_runs.filter(state="finished").order_by("-number")[:30]
        self.fields["plan_runs"].choices = [  # type: ignore[attr-defined]
            (run.number, f"#{run.number} · {run.as_of:%Y-%m-%d} · {run.status}") for run in finished
        ]


def _comparison(programme: Programme, number: int) -> PlanComparison:
    return get_object_or_404(
        PlanComparison.objects.select_related("programme", "created_by"),
        programme=programme,
        number=number,
    )


@member_required
@require_http_methods(["GET", "POST"])
def comparisons_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = ComparisonForm(request.POST or None, programme=programme)
    if request.method == "POST":
        permissions.check(request.user, Action.RUN_PLAN, programme)
        asked = valid(form)
        started = comparisons.start(
            programme=programme,
            user=request.user,
            enqueue=tasks.enqueue_plan_comparison,
            origin=asked["origin"],
            paths=asked["paths"] or forecast.SAMPLE_PATHS,
            seed=asked["seed"] or 0,
            plan_runs=asked["plan_runs"],
        )
        return redirect("foresight:comparison", slug=slug, number=started.number)
    return render(
        request,
        "foresight/comparisons.html",
        {
            "programme": programme,
            "form": form,
            "comparisons": programme.plan_comparisons.select_related("created_by").order_by(
                "-number"
            )[:50],
            "can_run": permissions.can(request.user, Action.RUN_PLAN, programme),
        },
    )


def _measure(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "measure": MEASURES[row["metric"]]}


def tables(output: dict[str, Any]) -> dict[str, Any]:
    """The stored figures arranged as the page's tables: outcomes, differences (central), and
    the sensitivity of the excess deaths."""
    differences = output.get("differences", [])
    return {
        "outcomes": [_measure(row) for row in output.get("outcomes", [])],
        "differences": [_measure(row) for row in differences if row["setting"] == "central"],
        "sensitivity": [
            _measure(row)
            for row in differences
            if row["setting"] != "central" and row["metric"] == "excess_deaths"
        ],
    }


@member_required
def comparison(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    found = _comparison(programme, number)
    return render(
        request,
        "foresight/comparison.html",
        {"programme": programme, "comparison": found, **tables(found.output)},
    )


@member_required
def comparison_status(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The progress fragment the comparison page polls (HTMX) until the work has ended."""
    programme = permissions.programme_for(request.user, slug)
    found = _comparison(programme, number)
    response = render(
        request,
        "foresight/_comparison_status.html",
        {"programme": programme, "comparison": found},
    )
    if found.state in PlanComparison.ENDED:
        response["HX-Refresh"] = "true"  # show the figures and the export
    return response


def comparison_csv_text(found: PlanComparison) -> str:
    """Every figure of a finished comparison, one row each, with its model-estimate label."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"# {found.output.get('label', '')}"])
    writer.writerow(CSV_COLUMNS)
    for row in found.output.get("outcomes", []):
        writer.writerow(["outcome", "central", row["plan"], row["metric"], row["mean"],
                         row["low"], row["high"], ""])  # fmt: skip
    for row in found.output.get("differences", []):
        writer.writerow(["difference", row["setting"], row["plan"], row["metric"], row["mean"],
                         row["low"], row["high"], row["better_share"]])  # fmt: skip
    return out.getvalue()


@member_required
def comparison_csv(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    found = _comparison(programme, number)
    response = HttpResponse(comparison_csv_text(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-what-if-{number}.csv"'
    return response
