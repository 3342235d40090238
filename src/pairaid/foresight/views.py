"""Forecast pages: a programme's forecast runs (start one, watch its progress), one recipient's
forecast beside its observed cases, and the run's quantiles as CSV and XLSX."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import ValidationFailed
from pairaid.foresight import (
    backtests,
    charts,
    evaluation,
    exports,
    queries,
    services,
    tasks,
)
from pairaid.foresight.forms import ForecastForm
from pairaid.foresight.models import BacktestRun, ForecastRun
from pairaid.forms import valid
from pairaid.programmes import queries as programme_queries
from pairaid.programmes.models import Participant, Programme

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(programme: Programme, number: int) -> ForecastRun:
    return get_object_or_404(
        ForecastRun.objects.select_related("programme", "created_by"),
        programme=programme,
        number=number,
    )


def _recipient(programme: Programme, reference: str) -> Participant:
    try:
        return programme_queries.participant(programme, reference, role=Participant.Role.RECIPIENT)
    except ValidationFailed as failure:
        raise Http404(str(failure)) from failure


@member_required
@require_http_methods(["GET", "POST"])
def runs(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = ForecastForm(request.POST or None)
    if request.method == "POST":
        permissions.check(request.user, Action.RUN_PLAN, programme)
        asked = valid(form)
        run = services.start(
            programme=programme,
            user=request.user,
            enqueue=tasks.enqueue_forecast_run,
            origin=asked["origin"],
            method=asked["method"],
            seed=asked["seed"] or 0,
        )
        return redirect("foresight:run", slug=slug, number=run.number)
    return render(
        request,
        "foresight/runs.html",
        {
            "programme": programme,
            "form": form,
            "runs": programme.forecast_runs.select_related("created_by").order_by("-number")[:50],
            "can_run": permissions.can(request.user, Action.RUN_PLAN, programme),
            "backtests": programme.backtest_runs.order_by("-number")[:10],
        },
    )


@member_required
@require_POST
def start_backtest(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a backtest of the forecasts over the default origins (hubei-2020's)."""
    programme = permissions.programme_for(request.user, slug, Action.RUN_PLAN)
    run = backtests.start(
        programme=programme, user=request.user, enqueue=tasks.enqueue_backtest_run
    )
    return redirect("foresight:backtest", slug=slug, number=run.number)


def _backtest(programme: Programme, number: int) -> BacktestRun:
    return get_object_or_404(BacktestRun, programme=programme, number=number)


@member_required
def backtest(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A backtest's scores: all recipients together and per recipient, February and March apart,
    the windows that cross the change of counting flagged and left out in a table of their own."""
    programme = permissions.programme_for(request.user, slug)
    found = _backtest(programme, number)
    return render(
        request,
        "foresight/backtest.html",
        {"programme": programme, "run": found, **backtest_tables(found)},
    )


@member_required
def backtest_status(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    found = _backtest(programme, number)
    return _status(
        request, programme, found, reverse("foresight:backtest_status", args=[slug, number])
    )


def backtest_tables(run: BacktestRun) -> dict[str, Any]:
    """The stored summary rows, split by scope and ordered as the record in docs/ orders them."""

    def rows(scope: str) -> list[dict[str, Any]]:
        found = [row for row in run.summary if row["scope"] == scope]
        return sorted(
            found,
            key=lambda r: (
                r["recipient"],
                r["period"] != "February",
                r["target"] != "new_confirmed",
                r["horizon_days"],
            ),
        )

    return {
        "pooled": rows(backtests.ALL),
        "pooled_without_jump": rows(backtests.ALL_WITHOUT_JUMP),
        "per_recipient": rows(backtests.PER_RECIPIENT),
    }


def _run_context(programme: Programme, run: ForecastRun) -> dict[str, Any]:
    recipients = queries.recipients(programme)
    names = {str(p.pk): p for p in recipients}
    return {
        "programme": programme,
        "run": run,
        "recipients": recipients if run.state == ForecastRun.State.FINISHED else [],
        "left_out": [
            (names.get(key), reason) for key, reason in run.notes.get("left_out", {}).items()
        ],
    }


@member_required
def run(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    return render(request, "foresight/run.html", _run_context(programme, _run(programme, number)))


@member_required
def run_status(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The progress fragment the run page polls (HTMX) until the run has ended."""
    programme = permissions.programme_for(request.user, slug)
    found = _run(programme, number)
    return _status(request, programme, found, reverse("foresight:run_status", args=[slug, number]))


def _status(
    request: HttpRequest, programme: Programme, found: ForecastRun | BacktestRun, url: str
) -> HttpResponse:
    response = render(
        request,
        "foresight/_run_status.html",
        {"programme": programme, "run": found, "status_url": url},
    )
    if found.state in ForecastRun.ENDED:
        response["HX-Refresh"] = "true"  # show what the run found
    return response


def _recipient_page(
    request: HttpRequest, programme: Programme, found: ForecastRun | None, reference: str
) -> HttpResponse:
    participant = _recipient(programme, reference)
    chart = charts.forecast_chart(found, participant) if found else None
    return render(
        request,
        "foresight/recipient.html",
        {"programme": programme, "run": found, "participant": participant, "chart": chart},
    )


@member_required
def recipient(request: HttpRequest, slug: str, number: int, reference: str) -> HttpResponse:
    """One recipient's forecast in one run, its observed cases overlaid."""
    programme = permissions.programme_for(request.user, slug)
    found = _run(programme, number)
    if found.state != ForecastRun.State.FINISHED:
        return redirect("foresight:run", slug=slug, number=number)
    return _recipient_page(request, programme, found, reference)


@member_required
def latest(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """One recipient's forecast in the programme's latest finished run (the region page links
    here); without one, says so and links to where a run is started."""
    programme = permissions.programme_for(request.user, slug)
    return _recipient_page(request, programme, queries.latest_finished(programme), reference)


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_required
def run_csv(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    found = _run(programme, number)
    return _download(
        exports.run_csv(found), "text/csv; charset=utf-8", f"{slug}-forecast-{number}.csv"
    )


@member_required
def run_xlsx(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    found = _run(programme, number)
    return _download(exports.run_xlsx(found), XLSX, f"{slug}-forecast-{number}.xlsx")


def _evaluation_chart(row: evaluation.Outcomes) -> dict[str, Any]:
    """A recipient's outcome trends and its staff arrival dates, for the page's chart."""
    return {
        "days": [day.day.isoformat() for day in row.days],
        "case_fatality": [day.case_fatality for day in row.days],
        "recovered_share": [day.recovered_share for day in row.days],
        "arrivals": sorted({a.day.isoformat() for a in row.arrivals}),
        "paired_from": row.paired_from.isoformat() if row.paired_from else None,
        "labels": {
            "case_fatality": _("case fatality (deaths per confirmed case)"),
            "recovered_share": _("recovered (cured per confirmed case)"),
            "arrival": _("staff arrived"),
            "paired_from": _("paired from"),
        },
    }


@member_required
def evaluation_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Every recipient's outcomes beside its staff: a table, descriptive only."""
    programme = permissions.programme_for(request.user, slug)
    return render(
        request,
        "foresight/evaluation.html",
        {"programme": programme, "rows": evaluation.outcomes(programme)},
    )


@member_required
def evaluation_csv(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    return _download(
        exports.evaluation_csv(evaluation.outcomes(programme)),
        "text/csv; charset=utf-8",
        f"{slug}-evaluation.csv",
    )


@member_required
def recipient_evaluation(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """One recipient's outcome trends, plotted, with the dates staff arrived."""
    programme = permissions.programme_for(request.user, slug)
    (row,) = evaluation.outcomes(programme, only=_recipient(programme, reference))
    return render(
        request,
        "foresight/recipient_evaluation.html",
        {"programme": programme, "row": row, "chart": _evaluation_chart(row)},
    )
