import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pairaid.accounts import permissions
from pairaid.dashboard import boundaries
from pairaid.dashboard import services as dashboard_services
from pairaid.errors import Problem, ValidationFailed
from pairaid.operations import ledger
from pairaid.web.auth import member_required


def _date(request: HttpRequest) -> datetime.date | None:
    text = request.GET.get("date", "")
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            [Problem(f"expected a date as YYYY-MM-DD, got {text!r}", column="date")]
        ) from None


@member_required
@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    resource = request.GET.get("resource", "")
    data = dashboard_services.overview(programme, on=_date(request), resource=resource)
    reports, overdue = ledger.report_summary(programme, data.on)
    # A national programme has thousands of rows: the page shows them in pages.
    pairs = Paginator(data.pairings, 100).get_page(request.GET.get("pairs"))
    recipients = Paginator(data.recipient_rows, 50).get_page(request.GET.get("recipients"))
    return render(
        request,
        "dashboard/overview.html",
        {
            "programme": programme,
            "o": data,
            "pairs": pairs,
            "recipients": recipients,
            "gaps": ledger.gaps(programme, data.on)[:8],
            "reports": reports,
            "overdue": overdue,
            "resource": resource,
            "can_set_date": permissions.can(
                request.user, permissions.Action.SET_PROGRAMME_DATE, programme
            ),
        },
    )


@member_required
@require_GET
def boundary_data(request: HttpRequest, slug: str) -> JsonResponse:
    permissions.programme_for(request.user, slug)
    provinces = [code for code in request.GET.get("detail", "").split(",") if code.isdigit()]
    response = JsonResponse(boundaries.merged(provinces))
    response["Cache-Control"] = "private, max-age=3600"
    return response
