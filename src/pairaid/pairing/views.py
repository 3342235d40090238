"""The plan workspace: choose objectives and constraints, run in the background, compare the
result with the current plan, approve or discard, replay, export."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import ValidationFailed
from pairaid.forms import valid
from pairaid.operations.queries import handover
from pairaid.pairing import comparison, exports, notices, runs, tasks, tradeoff
from pairaid.pairing.forms import ConfirmForm, PlanForm, PublishForm, pair_choices, parent_choices
from pairaid.pairing.models import PairingNotice, PlanRun
from pairaid.pairing.phases import visible_phase_view
from pairaid.programmes.models import Programme
from pairaid.registry import queries as registry_queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(programme: Programme, number: int) -> PlanRun:
    return get_object_or_404(
        PlanRun.objects.select_related("programme", "created_by"),
        programme=programme,
        number=number,
    )


@member_required
@require_http_methods(["GET", "POST"])
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    form = PlanForm(
        request.POST or None,
        recipients=_recipients(programme),
        pairs=pair_choices(programme),
        parents=parent_choices(programme),
    )
    if request.method == "POST":
        permissions.check(request.user, Action.RUN_PLAN, programme)
        if form.is_valid():
            try:
                run = runs.start(
                    programme=programme,
                    user=request.user,
                    options=form.run_options(),
                    enqueue=tasks.enqueue_plan_run,
                )
            except ValidationFailed as failure:  # e.g. a projected need the record cannot give
                for problem in failure.problems:
                    form.add_error(None, problem.message)
            else:
                return redirect("pairing:run", slug=slug, number=run.number)
    history = programme.plan_runs.select_related("created_by", "decided_by").order_by("-number")[
        :50
    ]
    return render(
        request,
        "pairing/workspace.html",
        {
            "programme": programme,
            "form": form,
            "runs": history,
            "can_run": permissions.can(request.user, Action.RUN_PLAN, programme),
            **_tradeoff_context(programme),
        },
        status=400 if request.method == "POST" else 200,
    )


@member_required
def tradeoff_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The trade-off curve's section, which the plan page polls (HTMX) until it is computed."""
    programme = permissions.programme_for(request.user, slug)
    context = {"programme": programme, **_tradeoff_context(programme)}
    return render(request, "pairing/_tradeoff.html", context)


def _recipients(programme: Programme) -> int:
    return programme.participants.filter(role="recipient").count()


def _tradeoff_context(programme: Programme) -> dict[str, Any]:
    state, curve = tradeoff.shown(programme, enqueue=tasks.enqueue_tradeoff)
    return {"tradeoff_state": state, "tradeoff": curve}


def _run_context(request: HttpRequest, programme: Programme, run: PlanRun) -> dict[str, Any]:
    return {
        "programme": programme,
        "run": run,
        "can_decide": permissions.can(request.user, Action.APPROVE_PLAN, programme),
        "can_publish": permissions.can(request.user, Action.PUBLISH, programme),
        "can_run": permissions.can(request.user, Action.RUN_PLAN, programme),
        "can_revert": permissions.can(request.user, Action.APPROVE_PLAN, programme)
        and run.decision == PlanRun.Decision.APPROVED
        and runs.revertible(run),
        "compare": comparison.compare(run) if run.state == PlanRun.State.FINISHED else None,
    }


@member_required
def run_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    run = _run(programme, number)
    return render(request, "pairing/run.html", _run_context(request, programme, run))


@member_required
def run_status(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The progress fragment the run page polls (HTMX) until the run has finished."""
    programme = permissions.programme_for(request.user, slug)
    run = _run(programme, number)
    response = render(request, "pairing/_run_status.html", {"programme": programme, "run": run})
    if run.state in PlanRun.ENDED:
        response["HX-Refresh"] = "true"  # show the full comparison
    return response


@member_required
@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """What approving the run would change (the pairs that start and end, and what the ending
    pairs leave behind), then the approval once confirmed."""
    programme = permissions.programme_for(request.user, slug, Action.APPROVE_PLAN)
    run = _run(programme, number)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        runs.approve(run=run, user=request.user)
        messages.success(request, _("Plan approved: dropped links ended, new links in force."))
        return redirect("pairing:run", slug=slug, number=number)
    changes = handover.changes(
        programme, comparison.starting_pairs(run), comparison.ending_pairs(run)
    )
    return _confirm_page(request, programme, run, "approve", changes, form)


@member_required
@require_http_methods(["GET", "POST"])
def revert(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """What reverting to the plan before an approved run would change, then the revert once
    confirmed (a new approval, `runs.revert`)."""
    programme = permissions.programme_for(request.user, slug, Action.APPROVE_PLAN)
    run = _run(programme, number)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        restoring = runs.revert(run=run, user=request.user)
        messages.success(request, _("The previous plan is in force again."))
        return redirect("pairing:run", slug=slug, number=restoring.number)
    changes = handover.changes(programme, *runs.revert_changes(run))
    return _confirm_page(request, programme, run, "revert", changes, form)


def _confirm_page(
    request: HttpRequest,
    programme: Programme,
    run: PlanRun,
    decision: str,
    changes: handover.Changes,
    form: ConfirmForm,
) -> HttpResponse:
    context = {
        "programme": programme,
        "run": run,
        "decision": decision,
        "changes": changes,
        "form": form,
        "compare": comparison.compare(run) if decision == "approve" else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "pairing/confirm.html", context, status=status)


@member_required
@require_POST
def discard(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug, Action.APPROVE_PLAN)
    runs.discard(run=_run(programme, number), user=request.user)
    messages.success(request, _("Plan discarded."))
    return redirect("pairing:run", slug=slug, number=number)


@member_required
@require_POST
def replay(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _queue_again(request, slug, number, runs.replay)


@member_required
@require_POST
def retry(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _queue_again(request, slug, number, runs.retry)


def _queue_again(
    request: HttpRequest, slug: str, number: int, again: Callable[..., PlanRun]
) -> HttpResponse:
    """Replay or retry: a new run on a stored one's input, shown once queued."""
    programme = permissions.programme_for(request.user, slug, Action.RUN_PLAN)
    copy = again(run=_run(programme, number), user=request.user, enqueue=tasks.enqueue_plan_run)
    return redirect("pairing:run", slug=slug, number=copy.number)


@member_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug, Action.PUBLISH)
    run = valid(PublishForm(request.POST, programme=programme))["run"]
    notice = notices.publish(programme=programme, user=request.user, run=run)
    messages.success(request, _("Published notice No. %(number)s.") % {"number": notice.number})
    return redirect("pairing:notice", slug=slug, number=notice.number)


def _notice(programme: Programme, number: int) -> PairingNotice:
    return get_object_or_404(
        PairingNotice.objects.select_related("programme", "plan_run"),
        programme=programme,
        number=number,
    )


@member_required
def phases(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's phases in time order, and what became of each pair at each step."""
    programme = permissions.programme_for(request.user, slug)
    return render(
        request,
        "pairing/phases.html",
        {"programme": programme, "view": visible_phase_view(request.user, programme)},
    )


@member_required
def notice_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    return render(
        request,
        "pairing/notices.html",
        {
            "programme": programme,
            "notices": programme.notices.select_related("published_by"),
            "can_publish": permissions.can(request.user, Action.PUBLISH, programme),
        },
    )


@member_required
def notice_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    return render(
        request,
        "pairing/notice.html",
        {
            "programme": programme,
            "notice": _notice(programme, number),
            # The notice keeps resource codes; the page names them in the user's language.
            "resources": registry_queries.resource_types().values(),
        },
    )


@member_required
def notice_file(request: HttpRequest, slug: str, number: int, kind: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    notice = _notice(programme, number)
    name = f"{programme.slug}-notice-{notice.number}"
    if kind not in ("pdf", "csv", "xlsx"):
        raise Http404(f"no {kind} form of a notice (pdf, csv or xlsx)")
    if kind == "pdf":
        response = HttpResponse(notices.as_pdf(notice), content_type="application/pdf")
    elif kind == "csv":
        response = HttpResponse(notices.as_csv(notice), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(notices.as_xlsx(notice), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@member_required
def run_xlsx(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    run = _run(programme, number)
    response = HttpResponse(exports.run_xlsx(run), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{programme.slug}-run-{run.number}.xlsx"'
    )
    return response
