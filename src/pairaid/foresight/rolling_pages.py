"""The rolling re-plan pages (issue 20, items 6 and 8): a programme's rolling plans (start one,
watch its progress), one rolling plan's timeline (which donor sends which city how many staff at
each step, the staff moved), its valuation beside the static plan, labelled a model estimate,
with every assumption, and its timeline as CSV."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.forecast import rolling
from pairaid.foresight import rolling_runs, tasks, whatif
from pairaid.foresight.models import RollingPlanRun
from pairaid.forms import ISO_DATE, column, valid
from pairaid.pairing import rolling as programme_rolling
from pairaid.programmes.models import Programme


class RollingForm(forms.Form):
    first_day = forms.DateField(
        label=_("First step"),
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    steps = column(
        RollingPlanRun, "steps", label=_("Steps"), min_value=1, max_value=rolling.MAX_STEPS
    )
    every_days = column(
        RollingPlanRun, "every_days", label=_("Days between steps"), min_value=1,
        max_value=rolling.MAX_EVERY_DAYS,
    )  # fmt: skip
    need_from = column(RollingPlanRun, "need_from", label=_("Need from"), required=False)
    churn_budget = column(
        RollingPlanRun, "churn_budget", label=_("Churn budget per step"), required=False,
        initial=programme_rolling.DEFAULT_CHURN_BUDGET,
        help_text=_("Pairs changed per step at most; empty: no budget."),
    )  # fmt: skip
    transit_days = column(RollingPlanRun, "transit_days", label=_("Transit days"), max_value=60)
    minimum_stay_days = column(
        RollingPlanRun, "minimum_stay_days", label=_("Minimum stay (days)"), max_value=60
    )
    withdrawal = forms.DateField(
        label=_("Withdrawal"),
        input_formats=ISO_DATE,
        required=False,
        initial=rolling.WITHDRAWAL,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("No aid on duty from this day (teams began leaving Hubei on 2020-03-17)."),
    )


def _run(programme: Programme, number: int) -> RollingPlanRun:
    return get_object_or_404(
        RollingPlanRun.objects.select_related("programme", "created_by"),
        programme=programme,
        number=number,
    )


@member_required
@require_http_methods(["GET", "POST"])
def rolling_plans(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = RollingForm(
        request.POST or None,
        initial={"steps": 4, "every_days": 7, "transit_days": rolling.DEFAULT_TRANSIT_DAYS,
                 "minimum_stay_days": rolling.DEFAULT_MINIMUM_STAY_DAYS},
    )  # fmt: skip
    if request.method == "POST":
        permissions.check(request.user, Action.RUN_PLAN, programme)
        asked = valid(form)
        started = rolling_runs.start(
            programme=programme,
            user=request.user,
            enqueue=tasks.enqueue_rolling_plan,
            first_day=asked["first_day"],
            steps=asked["steps"],
            every_days=asked["every_days"],
            need_from=asked["need_from"] or RollingPlanRun._meta.get_field("need_from").default,
            churn_budget=asked["churn_budget"],
            transit_days=asked["transit_days"],
            minimum_stay_days=asked["minimum_stay_days"],
            withdrawal=asked["withdrawal"],
        )
        return redirect("foresight:rolling_plan", slug=slug, number=started.number)
    return render(
        request,
        "foresight/rolling_plans.html",
        {
            "programme": programme,
            "form": form,
            "runs": programme.rolling_plans.select_related("created_by").order_by("-number")[:50],
            "can_run": permissions.can(request.user, Action.RUN_PLAN, programme),
        },
    )


@member_required
def rolling_plan(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    found = _run(programme, number)
    return render(
        request,
        "foresight/rolling_plan.html",
        {"programme": programme, "run": found, **whatif.tables(found.output)},
    )


@member_required
def rolling_plan_status(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The progress fragment the page polls (HTMX) until the work has ended."""
    programme = permissions.programme_for(request.user, slug)
    found = _run(programme, number)
    response = render(
        request, "foresight/_rolling_status.html", {"programme": programme, "run": found}
    )
    if found.state in RollingPlanRun.ENDED:
        response["HX-Refresh"] = "true"  # show the timeline and the export
    return response


@member_required
def rolling_plan_csv(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    found = _run(programme, number)
    response = HttpResponse(
        programme_rolling.timeline_csv(found.output), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-rolling-{number}.csv"'
    return response
