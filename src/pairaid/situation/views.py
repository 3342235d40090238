"""The situation reports' archive (by number, with revisions), a report's page and PDF, and the
coordinator's button that issues one. Every member reads them (DESIGN.md §7, observers too);
only coordinators issue."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.forms import query, valid
from pairaid.programmes.models import Programme
from pairaid.situation import documents, queries, services
from pairaid.situation.forms import IssueForm, RevisionQuery, SubscriptionForm
from pairaid.situation.models import SituationReport


@member_required
def archive(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    return render(
        request,
        "situation/reports.html",
        {
            "programme": programme,
            "reports": queries.archive(programme),
            "can_issue": permissions.can(request.user, Action.ISSUE_SITUATION_REPORT, programme),
            "subscribed": services.subscribes(programme=programme, user=request.user),
            "on": programme.current_date(),
        },
    )


@member_required
@require_POST
def issue(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug, Action.ISSUE_SITUATION_REPORT)
    on = valid(IssueForm(request.POST))["date"]
    report = services.issue(programme=programme, user=request.user, on=on)
    messages.success(
        request,
        _("Issued situation report No. %(number)s, revision %(revision)s.")
        % {"number": report.number, "revision": report.revision},
    )
    return redirect("situation:report", slug=slug, number=report.number)


@member_required
@require_POST
def subscription(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    subscribed = valid(SubscriptionForm(request.POST))["subscribed"]
    services.subscribe(programme=programme, user=request.user, subscribed=subscribed)
    if subscribed:
        messages.success(request, _("You will be sent each situation report."))
    else:
        messages.success(request, _("You will no longer be sent the situation reports."))
    return redirect("situation:reports", slug=slug)


def _report(request: HttpRequest, programme: Programme, number: int) -> SituationReport:
    revision = query(request, RevisionQuery)["revision"]
    report = queries.revision(programme, number, revision)
    if report is None:
        raise Http404(f"no situation report {number} (revision {revision or 'latest'})")
    return report


@member_required
def report(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    shown = _report(request, programme, number)
    language = request.LANGUAGE_CODE
    return render(
        request,
        "situation/report.html",
        {
            "programme": programme,
            "report": shown,
            "f": shown.figures,
            "title": documents.title(shown, language),
            "binding": documents.binding_lines(shown, language),
            "revisions": queries.revisions(programme, number),
        },
    )


@member_required
def pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    shown = _report(request, programme, number)
    response = HttpResponse(documents.as_pdf(shown), content_type="application/pdf")
    name = f"{programme.slug}-situation-{shown.number}-r{shown.revision}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
