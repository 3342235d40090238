"""Team daily reports: filed by the donor's officers, summed per recipient, overdue teams named."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import Forbidden
from pairaid.forms import valid
from pairaid.operations.forms import Actor, ReportForm, choices
from pairaid.operations.models import Team
from pairaid.operations.queries import reports as report_queries
from pairaid.operations.services import reports as report_services
from pairaid.operations.views.common import programme_date
from pairaid.programmes.models import Participant


@member_required
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    donors = {
        p for p, _ in choices(request.user, programme, Participant.Role.DONOR, Action.MANAGE_TEAMS)
    }
    if request.method == "POST":
        if not donors:
            raise Forbidden(_("Only donors' officers and coordinators file team reports."))
        form = ReportForm(request.POST, actor=Actor(request.user, programme))
        data = valid(form)
        report_services.file_report(
            team=data["team"], on=data["date"], shortages=data["shortages"], **form.figures()
        )
        messages.success(request, _("Report filed."))
        return redirect("operations:reports", slug=slug)
    on = programme_date(request, programme)
    summary, overdue = report_queries.report_summary(programme, on)
    my_teams = Team.objects.filter(programme=programme, donor_id__in=donors)
    return render(
        request,
        "operations/reports.html",
        {
            "programme": programme,
            "on": on,
            "summary": summary,
            "overdue": overdue,
            "my_teams": my_teams,
            "fields": report_services.figure_labels(),
        },
    )
