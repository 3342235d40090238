"""Team daily reports: filed by the donor's officers, summed per recipient, overdue teams named."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import Forbidden
from pairaid.operations.models import Team
from pairaid.operations.queries import reports as report_queries
from pairaid.operations.services import reports as report_services
from pairaid.operations.views.common import choices, day, programme_date, whole_number
from pairaid.programmes.models import Participant


@member_required
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    if request.method == "POST":
        team = get_object_or_404(
            Team.objects.select_related("donor"),
            pk=whole_number(request.POST.get("team", ""), "team") or 0,
            programme=programme,
        )
        permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
        figures: dict[str, Any] = {
            name: whole_number(request.POST.get(name, "") or "0", name) or 0
            for name in report_services.REPORT_FIELDS
        }
        report_services.file_report(
            team=team,
            on=day(request.POST.get("date", ""), "date"),
            shortages=request.POST.get("shortages", ""),
            **figures,
        )
        messages.success(request, _("Report filed."))
        return redirect("operations:reports", slug=slug)
    on = programme_date(request, programme)
    summary, overdue = report_queries.report_summary(programme, on)
    donors = {
        p for p, _ in choices(request.user, programme, Participant.Role.DONOR, Action.MANAGE_TEAMS)
    }
    my_teams = Team.objects.filter(programme=programme, donor_id__in=donors)
    if not donors and request.method == "POST":
        raise Forbidden("only donors' officers file team reports")
    return render(
        request,
        "operations/reports.html",
        {
            "programme": programme,
            "on": on,
            "summary": summary,
            "overdue": overdue,
            "my_teams": my_teams,
            "fields": report_services.REPORT_FIELDS,
        },
    )
