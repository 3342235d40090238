"""Operations by spreadsheet: the template, the CSV of each sheet, and the upload."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.forms import query
from pairaid.operations import workbook
from pairaid.operations.forms import WorkbookQuery
from pairaid.uploads import handle_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _applied(count: int) -> str:
    if not count:
        return _(
            "The workbook held no new rows: nothing was changed (the rows already in the ledger "
            "are listed for reference)."
        )
    return ngettext("%(count)s row applied.", "%(count)s rows applied.", count) % {"count": count}


@member_required
def operations_workbook(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    if request.method == "POST":
        return handle_upload(
            request,
            programme,
            apply=lambda data, name: workbook.upload(
                programme=programme, user=request.user, data=data, filename=name
            ),
            done=_applied,
            back="operations:workbook",
        )
    asked = query(request, WorkbookQuery, sheets=list(workbook.SHEETS))
    sheet = asked["csv"]
    if sheet:
        response = HttpResponse(
            workbook.as_csv(programme, sheet), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{slug}-{sheet}.csv"'
        return response
    if asked["download"]:
        response = HttpResponse(workbook.template(programme, request.user), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{slug}-operations.xlsx"'
        return response
    return render(
        request,
        "operations/workbook.html",
        {"programme": programme, "sheets": list(workbook.SHEETS)},
    )
